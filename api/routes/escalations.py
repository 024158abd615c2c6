"""The escalation queue over HTTP: marketers see it, reviewers and admins take and close escalations."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Body, Query

from agents.brief import Escalation
from api.deps import Principal, SessionDep, require_roles
from api.escalations import queue
from api.escalations.schemas import EscalationAssign, EscalationOut, EscalationPage, EscalationResolve
from api.problems import CONFLICT_RESPONSE, ProblemError
from api.routes import MAX_OFFSET, v1_router
from api.store.drafting_models import EscalationRow, EscalationState
from api.store.models import Role, utcnow

router = v1_router("escalations", tag="escalations")

MAX_PAGE_SIZE = 200
EscalationReader = Annotated[Principal, require_roles(Role.marketer, Role.reviewer, Role.admin)]
EscalationHandler = Annotated[Principal, require_roles(Role.reviewer, Role.admin)]


def _found(session: SessionDep, principal: Principal, escalation_id: uuid.UUID) -> EscalationRow:
    row = queue.get(session, principal.organisation_id, escalation_id)
    if row is None:
        raise ProblemError(404, "No such escalation in this organisation.")
    return row


@router.get("", summary="The escalation queue, most urgent first (paginated)")
def list_escalations(
    session: SessionDep,
    principal: EscalationReader,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    state: EscalationState | None = None,
    kind: Escalation | None = None,
    overdue: Annotated[bool | None, Query(description="Only (or no) unresolved escalations past due")] = None,
) -> EscalationPage:
    now = utcnow()
    page = queue.listing(
        session,
        principal.organisation_id,
        now=now,
        limit=limit,
        offset=offset,
        state=state,
        kind=kind,
        overdue=overdue,
    )
    return EscalationPage(
        items=[EscalationOut.of(row, now) for row in page.items], total=page.total, limit=limit, offset=offset
    )


@router.get("/{escalation_id}", summary="One escalation")
def read_escalation(
    escalation_id: uuid.UUID, session: SessionDep, principal: EscalationReader
) -> EscalationOut:
    return EscalationOut.of(_found(session, principal, escalation_id), utcnow())


@router.post(
    "/{escalation_id}/assign",
    summary="Give an escalation an owner (the calling key by default); an open one becomes acknowledged",
    responses=CONFLICT_RESPONSE,
)
def assign_escalation(
    escalation_id: uuid.UUID,
    session: SessionDep,
    principal: EscalationHandler,
    body: Annotated[EscalationAssign | None, Body()] = None,
) -> EscalationOut:
    row = _found(session, principal, escalation_id)
    now = utcnow()
    try:
        queue.assign(session, row, body or EscalationAssign(), actor=principal.actor, now=now)
    except queue.IllegalTransitionError as exc:
        raise ProblemError(409, str(exc)) from None
    except queue.UnknownOwnerError:
        raise ProblemError(422, "The owner is not an active key or a user of this organisation.") from None
    session.commit()
    return EscalationOut.of(row, now)


@router.post(
    "/{escalation_id}/resolve",
    summary="Close an escalation with a resolution code (never approves content)",
    responses=CONFLICT_RESPONSE,
)
def resolve_escalation(
    escalation_id: uuid.UUID, body: EscalationResolve, session: SessionDep, principal: EscalationHandler
) -> EscalationOut:
    row = _found(session, principal, escalation_id)
    now = utcnow()
    try:
        queue.resolve(session, row, body.code, actor=principal.actor, now=now)
    except queue.IllegalTransitionError as exc:
        raise ProblemError(409, str(exc)) from None
    session.commit()
    return EscalationOut.of(row, now)
