"""Retention of brief content: a brief's free text (which may hold PHI) is cleared after a period.

The clock of a brief starts when the last of its drafts reached a final state
(published, archived or rejected), or at its creation when it has no drafts (its
drafting failed). A brief with a draft still in play, or with drafting queued or
running, is held back. Purging clears `briefs.content` (SQL NULL) and sets
`purged_at`; the brief's hashes, its drafts and their versions (approved and
published ones are regulatory records), signatures and the audit trail are never
touched. Each organisation with purged briefs gets one audit event holding counts
only. A second run finds nothing left to purge, so the purge is idempotent.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, null, select, update
from sqlalchemy.orm import Session

from api.store.drafting_models import BriefRow, DraftRow, JobRow, JobState
from api.store.repositories import AuditRepository

# States after which nobody works on a draft again; the workflow (issue 6) defines them.
FINAL_DRAFT_STATES = ("published", "archived", "rejected")
BATCH = 500


@dataclass(frozen=True)
class PurgeReport:
    purged: Counter[uuid.UUID] = field(default_factory=Counter)  # briefs per organisation
    held: int = 0  # older than the period, kept because a draft or its drafting is still in play

    @property
    def total(self) -> int:
        return sum(self.purged.values())


def _due(cutoff: datetime) -> ColumnElement[bool]:
    in_play = exists().where(DraftRow.brief_id == BriefRow.id, DraftRow.state.not_in(FINAL_DRAFT_STATES))
    recently_final = exists().where(DraftRow.brief_id == BriefRow.id, DraftRow.updated_at > cutoff)
    drafting = exists().where(
        JobRow.brief_id == BriefRow.id, JobRow.state.in_((JobState.QUEUED.value, JobState.RUNNING.value))
    )
    return and_(~in_play, ~recently_final, ~drafting)


def purge_briefs(session: Session, *, now: datetime, period: timedelta, dry_run: bool = False) -> PurgeReport:
    """Clear the content of every brief whose retention period has run out (flushed; the caller commits)."""
    cutoff = now - period
    old = and_(BriefRow.purged_at.is_(None), BriefRow.created_at <= cutoff)
    due = session.execute(
        select(BriefRow.id, BriefRow.organisation_id).where(old, _due(cutoff)).order_by(BriefRow.created_at)
    ).all()
    held = (session.scalar(select(func.count()).select_from(BriefRow).where(old)) or 0) - len(due)
    purged = Counter(row.organisation_id for row in due)
    if dry_run or not due:
        return PurgeReport(purged=purged, held=held)
    ids = [row.id for row in due]
    for start in range(0, len(ids), BATCH):
        session.execute(
            update(BriefRow)
            .where(BriefRow.id.in_(ids[start : start + BATCH]), BriefRow.purged_at.is_(None))
            .values(content=null(), purged_at=now)
            .execution_options(synchronize_session=False)
        )
    for organisation_id, count in sorted(purged.items(), key=lambda item: str(item[0])):
        AuditRepository(session).record(
            organisation_id=organisation_id,
            event_type="briefs.purged",
            subject_type="organisation",
            subject_id=str(organisation_id),
            details={"briefs": count, "retention_days": period.days},
        )
    session.expire_all()  # rows loaded before the bulk update must not show the old content
    return PurgeReport(purged=purged, held=held)
