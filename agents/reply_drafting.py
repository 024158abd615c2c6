"""The modular engine's review and comment replies: an approved template, the required
disclaimers, then the guardrails, with one neutralising round for patient-status wording.

What a reply says and when it escalates is `agents.replies`; this module only assembles
the draft the orchestrator returns for a reply brief.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agents.brief import Brief, Draft, Escalation
from agents.replies import compose_reply, neutralise
from guardrails.context import Platform
from guardrails.findings import Finding
from knowledge.libraries.models import Disclaimer, KnowledgeLibrary


def draft_reply(
    library: KnowledgeLibrary,
    brief: Brief,
    platform: Platform,
    *,
    disclaimers: Sequence[Disclaimer],
    check: Callable[[str], list[Finding]],
    max_rounds: int,
) -> tuple[Draft, list[Escalation]]:
    """The reply draft for `platform` and the escalations the person's words call for.

    `check` runs the guardrails with the platform's context; `disclaimers` are the ones
    the brief requires on this platform.
    """
    text, flags, template_id = compose_reply(library, brief)
    citations = [f"template:{template_id}"]
    covered = library.covered_disclaimers(citations)
    for disclaimer in disclaimers:
        if disclaimer.id in covered:
            continue
        if not carries(text, disclaimer):
            text = f"{text} {disclaimer.text}"
        citations.append(f"disclaimer:{disclaimer.id}")
    findings = check(text)
    rounds = 0
    if any(f.rule_id.startswith("patient_status.") for f in findings) and max_rounds > 0:
        revised = neutralise(text)
        if revised != text:
            text, rounds = revised, 1
            findings = check(text)
    draft = Draft(
        platform=platform,
        text=text,
        status=Draft.status_for(findings),
        findings=findings,
        rounds=rounds,
        engine="modular",
        citations=citations,
    )
    return draft, flags


def carries(text: str, disclaimer: Disclaimer) -> bool:
    """Only an approved wording counts: a reviewer cannot tell a paraphrase from an omission."""
    wordings = (disclaimer.text, disclaimer.short_text, disclaimer.no_link_text)
    return any(w and w in text for w in wordings)
