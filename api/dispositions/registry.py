"""Recording and reading dispositions of one finding of one draft version.

A finding is addressed by (draft, version number, index in the version's
findings): versions are written once, so the index never points elsewhere. A new
decision on a decided finding is stored as the next revision, so both stay, and
the replacement is audited with both decisions. Audit details hold ids, codes
and counts: never the reviewer's reason, which may quote a patient.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.dispositions.schemas import DispositionCreate
from api.keyring import Actor
from api.store.disposition_models import FindingDispositionRow
from api.store.drafting_models import DraftRow, DraftVersionRow
from api.store.models import utcnow
from api.store.repositories import AuditRepository
from guardrails.findings import Finding


class FindingNotFoundError(Exception):
    """No such draft (in this organisation), version or finding index."""


class ConcurrentDecisionError(Exception):
    """Someone else decided the same finding at the same moment; retry to replace their decision."""


@dataclass(frozen=True)
class FindingRef:
    draft: DraftRow
    version: DraftVersionRow
    index: int
    finding: Finding


def locate(
    session: Session, organisation_id: uuid.UUID, draft_id: uuid.UUID, version: int, index: int
) -> FindingRef:
    draft = session.scalar(
        select(DraftRow).where(DraftRow.id == draft_id, DraftRow.organisation_id == organisation_id)
    )
    row = None if draft is None else session.get(DraftVersionRow, (draft_id, version))
    if draft is None or row is None or not 0 <= index < len(row.findings):
        raise FindingNotFoundError
    return FindingRef(
        draft=draft, version=row, index=index, finding=Finding.model_validate(row.findings[index])
    )


def history(session: Session, ref: FindingRef) -> Sequence[FindingDispositionRow]:
    return session.scalars(
        select(FindingDispositionRow)
        .where(
            FindingDispositionRow.draft_id == ref.draft.id,
            FindingDispositionRow.version == ref.version.number,
            FindingDispositionRow.finding_index == ref.index,
        )
        .order_by(FindingDispositionRow.revision)
    ).all()


def decide(
    session: Session, ref: FindingRef, body: DispositionCreate, *, actor: Actor
) -> FindingDispositionRow:
    """Record the decision; a decided finding gets it as the next revision (flushed, not committed)."""
    earlier = history(session, ref)
    previous = earlier[-1] if earlier else None
    finding = ref.finding
    row = FindingDispositionRow(
        organisation_id=ref.draft.organisation_id,
        draft_id=ref.draft.id,
        version=ref.version.number,
        finding_index=ref.index,
        revision=1 if previous is None else previous.revision + 1,
        rule_id=finding.rule_id,
        category=finding.category.value,
        entity=None if finding.entity is None else finding.entity.value,
        start=finding.start,
        end=finding.end,
        disposition=body.disposition.value,
        reason=body.reason,
        decided_by_key_id=actor.key_id,
        decided_by_user_id=actor.user_id,
        created_at=utcnow(),
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        # The unique revision lost a race; the caller rolls back (no savepoint: pysqlite's are unreliable).
        raise ConcurrentDecisionError from None
    details: dict[str, object] = {
        "draft_id": str(ref.draft.id),
        "version": ref.version.number,
        "finding_index": ref.index,
        "content_sha256": ref.version.content_sha256,
        "rule_id": finding.rule_id,
        "category": finding.category.value,
        "disposition": {"id": str(row.id), "revision": row.revision, "kind": row.disposition},
    }
    if previous is not None:
        details["replaced"] = {
            "id": str(previous.id),
            "revision": previous.revision,
            "kind": previous.disposition,
        }
    AuditRepository(session).record(
        organisation_id=ref.draft.organisation_id,
        event_type="finding.disposition_replaced" if previous else "finding.disposition_recorded",
        subject_type="draft",
        subject_id=str(ref.draft.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details=details,
    )
    return row
