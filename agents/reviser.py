"""Deterministic fixes for the modular engine, driven by guardrail findings.

Each fix maps a finding's rule id to an edit of the composition's parts: add the
product's risk statement and link, add the required disclaimer, shorten, put
hashtags in CamelCase, replace absolutes and off-brand terms with approved
wording. What cannot be fixed stays a finding for the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import replace

from agents.brief import Brief
from agents.modular import Composition, ModularComposer, Part, camel_hashtag, fit, platform_length
from guardrails.findings import Finding
from knowledge.libraries.models import Disclaimer, DisclaimerCategory

# Absolute or overstated wording -> what medical-legal review accepts instead.
ABSOLUTES: dict[str, str] = {
    r"\bguarantee[sd]?\b": "aim to",
    r"\b100\s?% (?:safe|effective)\b": "studied for safety and effectiveness",
    r"\brisk[- ]free\b": "with risks your doctor can explain",
    r"\bno side effects\b": "side effects that your care team can explain",
    r"\bpainless\b": "designed for comfort",
    r"\bcures?\b": "treats",
    r"\bmiracle\b": "",
    r"\b(?:best|world[- ]class|state[- ]of[- ]the[- ]art|cutting[- ]edge|revolutionary)\b": "",
    r"\bbreakthrough\b": "new",
}
_DISCLAIMER_FOR = {
    "missing_disclaimer.medical_advice": DisclaimerCategory.MEDICAL_ADVICE,
    "missing_disclaimer.results_vary": DisclaimerCategory.TESTIMONIAL,
    "missing_disclaimer.material_connection": DisclaimerCategory.MATERIAL_CONNECTION,
}
_URL = re.compile(r"https?://\S+")


def _edit_parts(composition: Composition, edit: dict[str, str]) -> Composition:
    parts = []
    for part in composition.parts:
        text = part.text
        for pattern, replacement in edit.items():
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
        parts.append(replace(part, text=" ".join(text.split())))
    return replace(composition, parts=tuple(p for p in parts if p.text))


def revise_modular(
    composition: Composition,
    findings: list[Finding],
    *,
    composer: ModularComposer,
    brief: Brief,
    disclaimers: list[Disclaimer],
) -> Composition:
    """One round of fixes for `findings`; returns the composition unchanged when nothing applies."""
    rule_ids = {f.rule_id for f in findings}
    style = composition.style
    brand = composer.library.brand
    if rule_ids & {
        "fair_balance.missing_risk",
        "fair_balance.missing_risk_link",
        "fair_balance.boxed_warning_reminder",
    }:
        for product in composer.products(brief):
            risk = composer.risk(product, style)
            if not any(p.role == "risk" and p.text == risk for p in composition.parts):
                composition = composition.with_part(Part("risk", risk, source=f"product:{product.id}"))
    for rule_id, category in _DISCLAIMER_FOR.items():
        if rule_id not in rule_ids:
            continue
        library_disclaimers = [d for d in composer.library.disclaimers if d.category is category]
        pick = next((d for d in disclaimers if d.category is category), None) or next(
            iter(library_disclaimers), None
        )
        if pick is not None:
            text = composer.disclaimer(pick, style)
            if not any(p.text == text for p in composition.parts):
                composition = composition.with_part(
                    Part("disclaimer", text, source=f"disclaimer:{pick.id}"),
                    before="hashtags" if pick.placement != "start" else "opener",
                )
    if rule_ids & {
        "unsubstantiated_claim.red_flag",
        "unsubstantiated_claim.overstated_safety",
        "brand.banned_term",
    }:
        composition = _edit_parts(composition, ABSOLUTES)
    if "brand.preferred_term" in rule_ids:
        composition = _edit_parts(
            composition, {rf"\b{re.escape(k)}\b": v for k, v in brand.preferred_terms.items()}
        )
    if "brand.forbidden_name" in rule_ids:
        names = sorted(brand.forbidden_names, key=len, reverse=True)
        composition = _edit_parts(composition, {rf"\b{re.escape(n)}\b": brand.organisation for n in names})
    if "accessibility.hashtag_case" in rule_ids:
        composition = replace(
            composition,
            parts=tuple(
                replace(p, text=camel_hashtag(p.text)) if p.role == "hashtags" else p
                for p in composition.parts
            ),
        )
    if "platform.too_many_hashtags" in rule_ids:
        while sum(p.role == "hashtags" for p in composition.parts) > max(0, style.max_hashtags - 1):
            composition = composition.without("hashtags")
            if not any(p.role == "hashtags" for p in composition.parts):
                break
    if "platform.link_in_caption" in rule_ids:
        composition = _edit_parts(composition, {_URL.pattern: "(link in bio)"})
    if "platform.too_long" in rule_ids:
        composition = shorten(composition)
    return composition


def shorten(composition: Composition) -> Composition:
    """Optional parts first, then the later key messages: the first message, risk and CTA always stay."""
    composition = fit(composition)
    limit = composition.style.limit
    while platform_length(composition.render(), composition.platform) > limit:
        messages = [p for p in composition.parts if p.role == "message"]
        if len(messages) <= 1:
            break
        composition = composition.without("message", keep_required=False)
    return composition
