"""The review pages: the queue (reviewers, admins) and a reviewer's decisions on a draft.

The decisions call the workflow's own functions (api.workflow.review) as the signed-in
person; approve and reject are e-signatures, so the form asks for the password again.
A refusal re-renders the draft page with the workflow's fixed message in an alert;
nothing submitted (least of all the password) is repeated.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.deps import ServicesDep, SessionDep
from api.problems import ProblemError
from api.services import Services
from api.store.models import Role, utcnow
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.pages.drafts import draft_page_response
from api.web.principal import WebPrincipal, require_web_roles
from api.web.templating import render
from api.workflow import review
from api.workflow.queue import QUEUE_STATES, review_queue
from api.workflow.schemas import MAX_REASON, ApproveIn, ReasonIn, RejectIn
from api.workflow.signing import MEANING_OF, MeaningMismatch, ReauthenticationFailed, SignatureIn
from api.workflow.states import ACTION_ROLES, Action, State
from guardrails.context import Platform

router = web_router()

QueueReader = Annotated[WebPrincipal, require_web_roles(Role.reviewer, Role.admin)]
# The same roles the API admits to the review actions.
Signer = Annotated[WebPrincipal, require_web_roles(*sorted(ACTION_ROLES[Action.approve]))]
Form = Annotated[FormData, Depends(form_data)]

AGES = {"": None, "1": 1, "3": 3, "7": 7, "30": 30}  # the queue's age filter: at least N days waiting
NEED_REAUTH = "Re-enter your password to sign; nothing was signed."
NEED_REASON = f"Give a reason (1 to {MAX_REASON} characters)."
REAUTH_REFUSED = "That password does not match your account, so nothing was signed."


def _filters(state: str, platform: str, age: str) -> tuple[tuple[State, ...], str | None, int | None]:
    """The queue's filters from the query string; an unknown value is refused, not ignored."""
    states = {"": QUEUE_STATES, **{s.value: (s,) for s in QUEUE_STATES}}
    platforms = {p.value for p in Platform}
    if state not in states or (platform and platform not in platforms) or age not in AGES:
        raise WebPageError(422, "The queue cannot be filtered that way; use the filter form.")
    return states[state], platform or None, AGES[age]


@router.get("/review")
def queue_page(
    request: Request,
    session: SessionDep,
    principal: QueueReader,
    state: str = "",
    platform: str = "",
    age: str = "",
) -> Response:
    states, chosen_platform, days = _filters(state, platform, age)
    now = utcnow()
    queue = review_queue(
        session,
        principal.organisation_id,
        now=now,
        states=states,
        platform=chosen_platform,
        min_age=None if days is None else timedelta(days=days),
    )
    return render(
        request,
        "review.html",
        {
            "queue": queue,
            "now": now,
            "filters": {"state": state, "platform": platform, "age": age},
            "states": [s.value for s in QUEUE_STATES],
            "platforms": [p.value for p in Platform],
            "ages": [a for a in AGES if a],
        },
    )


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _decide(
    request: Request,
    services: Services,
    session: Session,
    principal: WebPrincipal,
    draft_id: uuid.UUID,
    action: Action,
    call: Callable[[], object],
) -> Response:
    """Run one decision and commit it; a refusal shows on the draft page with the problem's status."""
    try:
        call()
    except ReauthenticationFailed:
        session.commit()  # keeps the audited refusal, as the API does
        return _refused(request, services, session, principal, draft_id, 403, REAUTH_REFUSED)
    except MeaningMismatch:  # the page states the meaning itself; a mismatch is our bug
        session.rollback()
        return _refused(request, services, session, principal, draft_id, 422, NEED_REAUTH)
    except ProblemError as problem:
        session.rollback()
        if problem.status == 404:
            raise WebPageError(404, "There is no such draft in your organisation.") from None
        return _refused(request, services, session, principal, draft_id, problem.status, str(problem))
    session.commit()
    return RedirectResponse(f"/web/drafts/{draft_id}?done={action.value}", status_code=303)


def _refused(
    request: Request,
    services: Services,
    session: Session,
    principal: WebPrincipal,
    draft_id: uuid.UUID,
    status: int,
    message: str,
) -> Response:
    return draft_page_response(request, services, session, principal, draft_id, alert=message, status=status)


def _signature(form: FormData, action: Action) -> SignatureIn | None:
    password = _field(form, "password")
    if not password:
        return None
    try:
        return SignatureIn(meaning=MEANING_OF[action], credential=password)
    except ValidationError:
        return None  # too long: the message names the field, never its value


def _reason(form: FormData) -> str | None:
    try:
        return ReasonIn(reason=_field(form, "reason").strip()).reason
    except ValidationError:
        return None


@router.post("/drafts/{draft_id}/approve")
def approve_page(
    request: Request,
    draft_id: uuid.UUID,
    services: ServicesDep,
    session: SessionDep,
    principal: Signer,
    form: Form,
) -> Response:
    signature = _signature(form, Action.approve)
    if signature is None:
        return _refused(request, services, session, principal, draft_id, 422, NEED_REAUTH)
    body = ApproveIn(signature=signature)
    return _decide(
        request,
        services,
        session,
        principal,
        draft_id,
        Action.approve,
        lambda: review.approve(session, services.workflow, principal.workflow_actor, draft_id, body),
    )


@router.post("/drafts/{draft_id}/request-changes")
def request_changes_page(
    request: Request,
    draft_id: uuid.UUID,
    services: ServicesDep,
    session: SessionDep,
    principal: Signer,
    form: Form,
) -> Response:
    reason = _reason(form)
    if reason is None:
        return _refused(request, services, session, principal, draft_id, 422, NEED_REASON)
    body = ReasonIn(reason=reason)
    return _decide(
        request,
        services,
        session,
        principal,
        draft_id,
        Action.request_changes,
        lambda: review.request_changes(session, services.workflow, principal.workflow_actor, draft_id, body),
    )


@router.post("/drafts/{draft_id}/reject")
def reject_page(
    request: Request,
    draft_id: uuid.UUID,
    services: ServicesDep,
    session: SessionDep,
    principal: Signer,
    form: Form,
) -> Response:
    reason = _reason(form)
    signature = _signature(form, Action.reject)
    if reason is None or signature is None:
        message = NEED_REASON if reason is None else NEED_REAUTH
        return _refused(request, services, session, principal, draft_id, 422, message)
    body = RejectIn(reason=reason, signature=signature)
    return _decide(
        request,
        services,
        session,
        principal,
        draft_id,
        Action.reject,
        lambda: review.reject(session, services.workflow, principal.workflow_actor, draft_id, body),
    )
