"""The review queue: an organisation's drafts waiting for a reviewer (needs_review, blocked).

Age is the time since the draft last changed (its last edit or decision), so the
oldest waiting work can be found; the page filters, this module only selects.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.store.drafting_models import DraftRow, DraftVersionRow
from api.workflow.states import State

QUEUE_STATES = (State.needs_review, State.blocked)
MAX_QUEUE_ITEMS = 200


@dataclass(frozen=True)
class QueueItem:
    id: uuid.UUID
    brief_id: uuid.UUID
    platform: str
    state: State
    version: int
    findings: int
    updated_at: datetime


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    total: int  # drafts matching the filters; at most MAX_QUEUE_ITEMS are listed


def review_queue(
    session: Session,
    organisation_id: uuid.UUID,
    *,
    now: datetime,
    states: tuple[State, ...] = QUEUE_STATES,
    platform: str | None = None,
    min_age: timedelta | None = None,
) -> Queue:
    """The organisation's drafts in `states` (only queue states), oldest change first."""
    wanted = [s.value for s in states if s in QUEUE_STATES]
    condition = (DraftRow.organisation_id == organisation_id) & DraftRow.state.in_(wanted)
    if platform is not None:
        condition = condition & (DraftRow.platform == platform)
    if min_age is not None:
        condition = condition & (DraftRow.updated_at <= now - min_age)
    total = session.scalar(select(func.count()).select_from(DraftRow).where(condition)) or 0
    rows = session.execute(
        select(DraftRow, DraftVersionRow)
        .join(
            DraftVersionRow,
            (DraftVersionRow.draft_id == DraftRow.id) & (DraftVersionRow.number == DraftRow.current_version),
        )
        .where(condition)
        .order_by(DraftRow.updated_at, DraftRow.id)
        .limit(MAX_QUEUE_ITEMS)
    ).all()
    items = [
        QueueItem(
            id=draft.id,
            brief_id=draft.brief_id,
            platform=draft.platform,
            state=State(draft.state),
            version=version.number,
            findings=len(version.findings),
            updated_at=draft.updated_at,
        )
        for draft, version in rows
    ]
    return Queue(items=items, total=total)
