"""The escalation queue page: everyone who drafts sees it; reviewers and admins take and close escalations.

Acknowledge (take it: assign to oneself) and resolve call `api.escalations.queue`, as
the JSON routes do, with the same roles. Resolution is a code, never free text:
what was said to the person may be PHI and stays out of Carepost.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from agents.brief import Escalation
from api.deps import SessionDep
from api.escalations import queue
from api.escalations.schemas import EscalationAssign, ResolutionCode, is_overdue
from api.store.drafting_models import EscalationRow, EscalationState
from api.store.models import ApiKey, Role, utcnow
from api.users import people
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.principal import Reader, WebPrincipal, require_web_roles
from api.web.templating import render

router = web_router()

# The JSON routes' roles: marketers read the queue, reviewers and admins act on it.
Handler = Annotated[WebPrincipal, require_web_roles(Role.reviewer, Role.admin)]
Form = Annotated[FormData, Depends(form_data)]
LISTED = 200
NOTICES = {
    "acknowledged": "You own the escalation now.",
    "resolved": "The escalation is resolved.",
}
NOT_FOUND = "There is no such escalation in your organisation."


def _owners(session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Names of the people and keys that can own an escalation (users by name, keys by label)."""
    names = {user.id: user.display_name for user in people(session, organisation_id)}
    for key_id, name in session.execute(
        select(ApiKey.id, ApiKey.name).where(ApiKey.organisation_id == organisation_id)
    ):
        names[key_id] = f"API key “{name}”"
    return names


def _page(
    request: Request,
    session: Session,
    principal: WebPrincipal,
    *,
    state: str,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    states = {s.value: s for s in EscalationState}
    if state and state not in states:
        raise WebPageError(422, "The escalations cannot be filtered by that state; use the filter form.")
    now = utcnow()
    listing = queue.listing(
        session,
        principal.organisation_id,
        now=now,
        limit=LISTED,
        offset=0,
        state=states[state] if state else None,
    )
    return render(
        request,
        "escalations.html",
        {
            "items": [(row, is_overdue(row, now)) for row in listing.items],
            "total": listing.total,
            "now": now,
            "owners": _owners(session, principal.organisation_id),
            "state": state,
            "states": [s.value for s in EscalationState],
            "kinds": {k.value: k.value.replace("_", " ") for k in Escalation},
            "codes": [c.value for c in ResolutionCode],
            "can_act": principal.role in (Role.reviewer, Role.admin),
            "notice": notice,
            "error": error,
        },
        status=status,
    )


@router.get("/escalations")
def escalations_page(
    request: Request, session: SessionDep, principal: Reader, state: str = "", done: str = ""
) -> Response:
    return _page(request, session, principal, state=state, notice=NOTICES.get(done))


def _found(session: Session, principal: WebPrincipal, escalation_id: uuid.UUID) -> EscalationRow:
    row = queue.get(session, principal.organisation_id, escalation_id)
    if row is None:
        raise WebPageError(404, NOT_FOUND)
    return row


@router.post("/escalations/{escalation_id}/acknowledge")
def acknowledge(
    request: Request, escalation_id: uuid.UUID, session: SessionDep, principal: Handler
) -> Response:
    row = _found(session, principal, escalation_id)
    try:
        queue.assign(session, row, EscalationAssign(), actor=principal.actor, now=utcnow())
    except queue.IllegalTransitionError:
        session.rollback()
        return _page(
            request, session, principal, state="", error="A resolved escalation cannot be taken.", status=409
        )
    except queue.UnknownOwnerError:  # the account went away mid-request
        session.rollback()
        raise WebPageError(403, "Your account cannot own escalations.") from None
    session.commit()
    return RedirectResponse("/web/escalations?done=acknowledged", status_code=303)


@router.post("/escalations/{escalation_id}/resolve")
def resolve(
    request: Request, escalation_id: uuid.UUID, session: SessionDep, principal: Handler, form: Form
) -> Response:
    row = _found(session, principal, escalation_id)
    code = form.get("code")
    if not isinstance(code, str) or code not in {c.value for c in ResolutionCode}:
        return _page(
            request, session, principal, state="", error="Choose how the escalation was resolved.", status=422
        )
    try:
        queue.resolve(session, row, ResolutionCode(code), actor=principal.actor, now=utcnow())
    except queue.IllegalTransitionError:
        session.rollback()
        return _page(
            request, session, principal, state="", error="This escalation is already resolved.", status=409
        )
    session.commit()
    return RedirectResponse("/web/escalations?done=resolved", status_code=303)
