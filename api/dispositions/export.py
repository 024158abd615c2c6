"""Decided findings as guardrail eval cases (evals/datasets/guardrails format), de-identified.

One case per draft version with at least one disposition: the version's text with
every identifier the guardrails' detector finds, and every span of a PHI finding
not judged a false positive, replaced by a synthetic one (seeded, so an export is
reproducible), and labels from the decisions in force:
a category with an accepted finding is expected (PHI with the accepted spans,
mapped into the new text); a category whose decided findings are all false
positives is not. Findings nobody decided give no label; their categories are
listed in a tag `undecided:<category>` so a curator can see the case is partial.
The reviewers' reasons are never exported, and neither are ids of drafts or people.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.dispositions.schemas import DispositionKind
from api.dispositions.synthetic import Deidentified, replace_identifiers
from api.store.disposition_models import FindingDispositionRow
from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow
from evals.cases import EvalCase, Label
from guardrails.findings import Category, Entity, Finding
from guardrails.redact import RedactedEntity, Redactor

JSONL_MEDIA_TYPE = "application/x-ndjson"
EXPORT_TAG = "disposition"

VersionKey = tuple[uuid.UUID, int]


def decisions_in_force(
    session: Session, organisation_id: uuid.UUID | None
) -> dict[VersionKey, dict[int, FindingDispositionRow]]:
    """Per draft version, per finding index, the highest revision."""
    query = select(FindingDispositionRow).order_by(
        FindingDispositionRow.draft_id,
        FindingDispositionRow.version,
        FindingDispositionRow.finding_index,
        FindingDispositionRow.revision,
    )
    if organisation_id is not None:
        query = query.where(FindingDispositionRow.organisation_id == organisation_id)
    decided: dict[VersionKey, dict[int, FindingDispositionRow]] = {}
    for row in session.scalars(query):
        decided.setdefault((row.draft_id, row.version), {})[row.finding_index] = row
    return decided


def export_cases(
    session: Session, redactor: Redactor, *, seed: int, organisation_id: uuid.UUID | None = None
) -> list[EvalCase]:
    decided = decisions_in_force(session, organisation_id)
    sources = []
    for (draft_id, number), by_index in sorted(
        decided.items(), key=lambda item: (str(item[0][0]), item[0][1])
    ):
        version = session.get(DraftVersionRow, (draft_id, number))
        draft = session.get(DraftRow, draft_id)
        if version is None or draft is None:
            continue  # the foreign keys make this impossible; an export never fails on it
        brief = session.get(BriefRow, draft.brief_id)
        content_type = brief.content_type if brief is not None else "post"
        sources.append((draft, version, content_type, by_index))
    redactions = redactor.redact_many(version.text for _, version, _, _ in sources)
    cases = []
    for (draft, version, content_type, by_index), redaction in zip(sources, redactions, strict=True):
        case_id = "disp-" + hashlib.sha256(f"{draft.id}:{version.number}".encode()).hexdigest()[:16]
        rng = random.Random(f"{seed}:{case_id}")
        findings = [Finding.model_validate(f) for f in version.findings]
        entities = [*redaction.entities, *_flagged_identifiers(findings, by_index)]
        new = replace_identifiers(version.text, entities, rng)
        labels, undecided = _labels(findings, by_index, new)
        cases.append(
            EvalCase(
                id=case_id,
                text=new.text,
                platform=draft.platform,
                content_type=content_type,
                labels=labels,
                tags=[EXPORT_TAG, *(f"undecided:{c.value}" for c in undecided)],
            )
        )
    return cases


def _flagged_identifiers(
    findings: list[Finding], decided: dict[int, FindingDispositionRow]
) -> list[RedactedEntity]:
    """PHI findings' spans, unless a reviewer called them false positives: the checker may flag an
    identifier the detector missed, and an accepted or undecided one must not leave in the export."""
    return [
        RedactedEntity(entity=finding.entity or Entity.OTHER_ID, start=finding.start, end=finding.end)
        for i, finding in enumerate(findings)
        if finding.category is Category.PHI
        and finding.start is not None
        and finding.end is not None
        and finding.end > finding.start
        and not (i in decided and decided[i].disposition == DispositionKind.false_positive)
    ]


def _labels(
    findings: list[Finding], decided: dict[int, FindingDispositionRow], new: Deidentified
) -> tuple[list[Label], list[Category]]:
    labels: list[Label] = []
    undecided: list[Category] = []
    for category in Category:
        indices = [i for i, f in enumerate(findings) if f.category is category]
        accepted = [i for i in indices if i in decided and decided[i].disposition == DispositionKind.accepted]
        if not accepted:
            if any(i not in decided for i in indices):
                undecided.append(category)
            continue
        if category is not Category.PHI:
            labels.append(Label(category=category))
            continue
        spans = []
        for i in accepted:
            finding = findings[i]
            if finding.start is None or finding.end is None:
                continue
            start, end = new.map_span(finding.start, finding.end)
            if start < end:
                spans.append(Label(category=category, entity=finding.entity, start=start, end=end))
        labels.extend(dict.fromkeys(spans) or [Label(category=category)])
    return labels, undecided


def to_jsonl(cases: Iterable[EvalCase]) -> str:
    return "".join(case.model_dump_json(exclude_none=True) + "\n" for case in cases)
