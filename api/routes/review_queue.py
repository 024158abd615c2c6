"""The review queue over HTTP: the same drafts and filters as the reviewers' page, for tools."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel

from api.deps import Principal, SessionDep, require_roles
from api.problems import ProblemError
from api.routes import v1_router
from api.store.models import Role, utcnow
from api.workflow.queue import MAX_QUEUE_ITEMS, InvalidQueueFilter, QueueFilters, QueueItem, review_queue
from api.workflow.states import State

router = v1_router("review-queue", tag="workflow")

QueueReader = Annotated[Principal, require_roles(Role.reviewer, Role.admin)]


class QueueItemOut(BaseModel):
    draft_id: uuid.UUID
    brief_id: uuid.UUID
    platform: str
    state: State
    version: int
    findings: int
    severities: dict[str, int]
    author_user_id: uuid.UUID | None
    updated_at: datetime

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemOut:
        return cls(
            draft_id=item.id,
            brief_id=item.brief_id,
            platform=item.platform,
            state=item.state,
            version=item.version,
            findings=item.findings,
            severities=item.severities,
            author_user_id=item.author_user_id,
            updated_at=item.updated_at,
        )


class QueueOut(BaseModel):
    items: list[QueueItemOut]
    total: int
    max_items: int = MAX_QUEUE_ITEMS


@router.get("", summary=f"Drafts waiting for review, oldest change first (at most {MAX_QUEUE_ITEMS})")
def read_review_queue(
    session: SessionDep,
    principal: QueueReader,
    state: Annotated[str, Query(description="needs_review or blocked; empty: both")] = "",
    platform: str = "",
    severity: Annotated[str, Query(description="Only drafts with a finding of this severity")] = "",
    category: Annotated[str, Query(description="Only drafts with a finding of this category")] = "",
    author: Annotated[str, Query(description="User id of whoever asked for or wrote the draft")] = "",
    age: Annotated[str, Query(description="Unchanged for at least this long: 12h, 3d")] = "",
) -> QueueOut:
    try:
        filters = QueueFilters.parse(
            state=state, platform=platform, severity=severity, category=category, author=author, age=age
        )
    except InvalidQueueFilter as exc:
        # Names the filter, never the value: a value could be anything a caller pasted.
        raise ProblemError(
            422,
            f"The review queue cannot be filtered by that {exc.name}.",
            kind="invalid-queue-filter",
            title="Invalid queue filter",
        ) from None
    queue = review_queue(session, principal.organisation_id, now=utcnow(), filters=filters)
    return QueueOut(items=[QueueItemOut.of(item) for item in queue.items], total=queue.total)
