"""Build one rule family in isolation and run it, for parametrized rule tables."""

from __future__ import annotations

from typing import Any

from guardrails.analysis import AnalyzedText, NlpCallable
from guardrails.config import GuardrailConfig
from guardrails.context import CheckContext, ContextFacts
from guardrails.findings import Finding
from guardrails.registry import Registry, RuleFamily, RuleResources


def make_family(
    family_cls: type[RuleFamily], nlp: Any = None, rules: dict[str, Any] | None = None, **options: Any
) -> RuleFamily:
    """Instantiate a family with its default rule settings plus `options`, and prepare it."""
    registry = Registry([family_cls])
    config = GuardrailConfig.model_validate(
        {"version": 1, "families": {family_cls.name: {"options": options}}, "rules": rules or {}}
    )
    settings = config.rule_settings(registry)
    family = family_cls(family_cls.Options.model_validate(options), settings)
    family.prepare(RuleResources(nlp=nlp))
    return family


def run_family(
    family: RuleFamily,
    text: str,
    platform: str = "facebook",
    content_type: str = "post",
    context: dict[str, Any] | None = None,
    nlp: NlpCallable | None = None,
) -> list[Finding]:
    facts = ContextFacts.model_validate(context or {})
    ctx = CheckContext.of(platform, content_type, facts)
    return [f for f in family.check(AnalyzedText(text, nlp=nlp), ctx) if family.enabled(f.rule_id)]


def spans_of(findings: list[Finding], text: str) -> list[str]:
    """The submitted text under each spanned finding, for readable assertions."""
    return [text[f.start : f.end] for f in findings if f.start is not None and f.end is not None]
