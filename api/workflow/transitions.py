"""Locking a draft and moving it to a new state, with its audit event and webhook, in one transaction.

`lock_draft` starts every change with a conditional UPDATE of the draft's row: on
PostgreSQL that takes the row lock until commit (a concurrent reviewer waits, then
sees the committed state), on SQLite the write lock. Everything a transition
decides is read after that, so two reviewers approving at once are serialised and
neither approval is counted twice or lost.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.store.drafting_models import DraftRow, DraftVersionRow
from api.store.repositories import AuditRepository
from api.webhooks.events import EventType
from api.webhooks.outbox import emit
from api.workflow.actor import WorkflowActor
from api.workflow.states import Action, State, target

STATE_EVENTS: dict[State, EventType] = {
    State.needs_review: EventType.draft_needs_review,
    State.approved: EventType.draft_approved,
    State.rejected: EventType.draft_rejected,
    State.changes_requested: EventType.draft_changes_requested,
    State.published: EventType.draft_published,
    State.expired: EventType.draft_expired,
}


def lock_draft(
    session: Session, organisation_id: uuid.UUID, draft_id: uuid.UUID, now: datetime
) -> DraftRow | None:
    """The draft, locked for this transaction and freshly read; None if the organisation has no such draft."""
    locked = session.execute(
        update(DraftRow)
        .where(DraftRow.id == draft_id, DraftRow.organisation_id == organisation_id)
        .values(updated_at=now)
        .returning(DraftRow.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if locked is None:
        return None
    return session.scalars(
        select(DraftRow).where(DraftRow.id == draft_id).execution_options(populate_existing=True)
    ).one()


def current_version(session: Session, draft: DraftRow) -> DraftVersionRow:
    version = session.get(DraftVersionRow, (draft.id, draft.current_version))
    if version is None:
        raise RuntimeError("a draft without its current version")  # the drafting job writes both at once
    return version


def report_counts(version: DraftVersionRow) -> dict[str, Any]:
    """A version's guardrail report for the audit: counts and rule ids, never text or spans."""
    findings = version.findings
    return {
        "findings_by_category": dict(sorted(Counter(str(f["category"]) for f in findings).items())),
        "findings_by_severity": dict(sorted(Counter(str(f["severity"]) for f in findings).items())),
        "rule_ids": sorted({str(f["rule_id"]) for f in findings}),
    }


def move(
    session: Session,
    draft: DraftRow,
    action: Action,
    wanted: State,
    *,
    version: DraftVersionRow,
    actor: WorkflowActor | None,
    now: datetime,
    details: Mapping[str, Any] | None = None,
) -> State:
    """Move `draft` (locked) to `wanted` if the state machine allows it, and record that.

    Writes the audit event (ids, version, hash, finding counts) and, when the new state
    is one CMS integrations hear about, the webhook event, in the caller's transaction.
    A partial approval (needs_review to needs_review) is audited but not announced.
    """
    previous = State(draft.state)
    new = target(action, previous, wanted)
    draft.state = new.value
    draft.updated_at = now
    session.flush()
    AuditRepository(session).record(
        organisation_id=draft.organisation_id,
        event_type=f"draft.{action.value}",
        subject_type="draft",
        subject_id=str(draft.id),
        actor_key_id=None if actor is None else actor.key_id,
        actor_user_id=None if actor is None else actor.user_id,
        details={
            "source": "api" if actor is not None else "system",
            "from_state": previous.value,
            "to_state": new.value,
            "version": version.number,
            "content_sha256": version.content_sha256,
            "review_round": draft.review_round,
            **report_counts(version),
            **(details or {}),
        },
    )
    event = STATE_EVENTS.get(new)
    if event is not None and not (action is Action.approve and new is State.needs_review):
        emit(session, draft.organisation_id, event, webhook_payload(draft, version, previous), now=now)
    return new


def webhook_payload(draft: DraftRow, version: DraftVersionRow, previous: State) -> dict[str, Any]:
    return {
        "draft_id": str(draft.id),
        "brief_id": str(draft.brief_id),
        "platform": draft.platform,
        "state": draft.state,
        "previous_state": previous.value,
        "version": version.number,
        "content_hash": version.content_sha256,
    }
