"""Reading and moving escalations: open -> acknowledged (assigned) -> resolved.

Separate from marketing review on purpose: nothing here reads or changes a
draft's state, so resolving an escalation never approves content. The caller owns
the transaction; every change leaves an audit event with ids and codes only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from agents.brief import Escalation
from api.escalations.schemas import EscalationAssign, ResolutionCode, is_overdue
from api.keyring import Actor
from api.store.drafting_models import EscalationRow, EscalationState
from api.store.models import ApiKey, User
from api.store.repositories import AuditRepository


class IllegalTransitionError(Exception):
    """The escalation's state does not allow this change (e.g. resolving twice)."""

    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"An escalation in state {state!r} cannot be {action}.")


class UnknownOwnerError(Exception):
    """The named owner is not an active key or a user of the organisation."""


@dataclass(frozen=True)
class EscalationListing:
    items: Sequence[EscalationRow]
    total: int


def get(session: Session, organisation_id: uuid.UUID, escalation_id: uuid.UUID) -> EscalationRow | None:
    return session.scalar(
        select(EscalationRow).where(
            EscalationRow.id == escalation_id, EscalationRow.organisation_id == organisation_id
        )
    )


def listing(
    session: Session,
    organisation_id: uuid.UUID,
    *,
    now: datetime,
    limit: int,
    offset: int,
    state: EscalationState | None = None,
    kind: Escalation | None = None,
    overdue: bool | None = None,
) -> EscalationListing:
    """Most urgent first (earliest due time)."""
    conditions: list[ColumnElement[bool]] = [EscalationRow.organisation_id == organisation_id]
    if state is not None:
        conditions.append(EscalationRow.state == state.value)
    if kind is not None:
        conditions.append(EscalationRow.kind == kind.value)
    if overdue is not None:
        late = and_(EscalationRow.state != EscalationState.RESOLVED.value, EscalationRow.due_at < now)
        conditions.append(late if overdue else ~late)
    where = and_(*conditions)
    total = session.scalar(select(func.count()).select_from(EscalationRow).where(where)) or 0
    items = session.scalars(
        select(EscalationRow)
        .where(where)
        .order_by(EscalationRow.due_at, EscalationRow.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return EscalationListing(items=items, total=total)


def assign(
    session: Session, row: EscalationRow, body: EscalationAssign, *, actor: Actor, now: datetime
) -> None:
    """Give the escalation an owner; an open one becomes acknowledged. A resolved one refuses."""
    if row.state == EscalationState.RESOLVED:
        raise IllegalTransitionError(row.state, "assigned")
    owner_key_id, owner_user_id = body.owner_key_id, body.owner_user_id
    if owner_key_id is None and owner_user_id is None:
        owner_key_id, owner_user_id = actor.key_id, actor.user_id
    _check_owner(session, row.organisation_id, owner_key_id, owner_user_id)
    previous = row.state
    row.owner_key_id, row.owner_user_id = owner_key_id, owner_user_id
    if row.state == EscalationState.OPEN:
        row.state = EscalationState.ACKNOWLEDGED.value
        row.acknowledged_at = now
    session.flush()
    _audit(
        session,
        row,
        "escalation.assigned",
        actor,
        {
            "previous_state": previous,
            "owner_type": "key" if owner_key_id is not None else "user",
            "owner_id": str(owner_key_id or owner_user_id),
        },
        now,
    )


def resolve(
    session: Session, row: EscalationRow, code: ResolutionCode, *, actor: Actor, now: datetime
) -> None:
    """Close the escalation with a code. Only the escalation changes: no draft is approved or moved."""
    if row.state == EscalationState.RESOLVED:
        raise IllegalTransitionError(row.state, "resolved again")
    previous = row.state
    late = is_overdue(row, now)
    row.state = EscalationState.RESOLVED.value
    row.resolved_at = now
    row.resolution_code = code.value
    row.resolved_by_key_id, row.resolved_by_user_id = actor.key_id, actor.user_id
    session.flush()
    _audit(
        session,
        row,
        "escalation.resolved",
        actor,
        {"previous_state": previous, "code": code.value, "resolved_overdue": late},
        now,
    )


def _check_owner(
    session: Session, organisation_id: uuid.UUID, key_id: uuid.UUID | None, user_id: uuid.UUID | None
) -> None:
    if key_id is not None:
        key = session.scalar(
            select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation_id)
        )
        if key is None or not key.active:
            raise UnknownOwnerError
    elif user_id is not None:
        user = session.scalar(select(User).where(User.id == user_id, User.organisation_id == organisation_id))
        if user is None:
            raise UnknownOwnerError
    else:
        raise UnknownOwnerError


def _audit(
    session: Session,
    row: EscalationRow,
    event_type: str,
    actor: Actor,
    details: dict[str, str | bool],
    now: datetime,
) -> None:
    AuditRepository(session).record(
        organisation_id=row.organisation_id,
        event_type=event_type,
        subject_type="escalation",
        subject_id=str(row.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"kind": row.kind, "state": row.state, "overdue_now": is_overdue(row, now), **details},
    )
