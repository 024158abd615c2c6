"""The review pages: the queue (reviewers, admins) and a reviewer's decisions on a draft.

The decisions call the workflow's own functions (api.workflow.review) as the signed-in
person; approve and reject are e-signatures, so the form asks for the password again.
A refusal re-renders the draft page with the workflow's fixed message in an alert;
nothing submitted (least of all the password) is repeated.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
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
from api.users import people
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.pages.drafts import draft_page_response
from api.web.principal import WebPrincipal, require_web_roles
from api.web.templating import SEVERITY_LABELS, render
from api.workflow import review
from api.workflow.queue import QUEUE_STATES, InvalidQueueFilter, QueueFilters, review_queue
from api.workflow.schemas import MAX_REASON, ApproveIn, ReasonIn, RejectIn
from api.workflow.signing import MEANING_OF, MeaningMismatch, ReauthenticationFailed, SignatureIn
from api.workflow.states import ACTION_ROLES, Action
from guardrails.context import Platform
from guardrails.findings import Category, Severity

router = web_router()

QueueReader = Annotated[WebPrincipal, require_web_roles(Role.reviewer, Role.admin)]
# The same roles the API admits to the review actions.
Signer = Annotated[WebPrincipal, require_web_roles(*sorted(ACTION_ROLES[Action.approve]))]
Form = Annotated[FormData, Depends(form_data)]

# The age choices offered; the filter itself takes any "<N>h" or "<N>d" (a link may carry another).
AGES = ("4h", "24h", "3d", "7d", "30d")
NEED_REAUTH = "Re-enter your password to sign; nothing was signed."
NEED_REASON = f"Give a reason (1 to {MAX_REASON} characters)."
REAUTH_REFUSED = "That password does not match your account, so nothing was signed."


def _age_label(value: str) -> str:
    amount, unit = (value[:-1], value[-1]) if value[-1:] in ("h", "d") else (value, "d")
    word = {"h": "hour", "d": "day"}[unit]
    return f"{int(amount)} {word}{'' if int(amount) == 1 else 's'}"


@router.get("/review")
def queue_page(
    request: Request,
    session: SessionDep,
    principal: QueueReader,
    state: str = "",
    platform: str = "",
    severity: str = "",
    category: str = "",
    author: str = "",
    age: str = "",
) -> Response:
    raw = {
        "state": state,
        "platform": platform,
        "severity": severity,
        "category": category,
        "author": author,
        "age": age,
    }
    try:
        filters = QueueFilters.parse(**raw)
    except InvalidQueueFilter as exc:
        # The message names the filter, never the value (a crafted link must not be echoed).
        raise WebPageError(
            422, f"The queue cannot be filtered by that {exc.name}; use the filter form."
        ) from None
    now = utcnow()
    queue = review_queue(session, principal.organisation_id, now=now, filters=filters)
    authors = {user.id: user.display_name for user in people(session, principal.organisation_id)}
    ages = list(AGES) if not age or age in AGES else [age, *AGES]
    return render(
        request,
        "review.html",
        {
            "queue": queue,
            "now": now,
            "filters": raw,
            "narrowed": filters.narrowed,
            "state_options": [(s.value, s.value.replace("_", " ")) for s in QUEUE_STATES],
            "platform_options": [(p.value, p.value.replace("_", " ")) for p in Platform],
            "severity_options": [(s.value, SEVERITY_LABELS[s.value]) for s in Severity],
            # The taxonomy's own strings: the same values the API and the evals use.
            "category_options": [(c.value, c.value) for c in Category],
            "author_options": [(str(uid), name) for uid, name in authors.items()],
            "authors": authors,
            "ages": [(a, _age_label(a)) for a in ages],
        },
    )


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def decide(
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


def signature_of(form: FormData, action: Action) -> SignatureIn | None:
    password = _field(form, "password")
    if not password:
        return None
    try:
        return SignatureIn(meaning=MEANING_OF[action], credential=password)
    except ValidationError:
        return None  # too long: the message names the field, never its value


def reason_of(form: FormData) -> str | None:
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
    signature = signature_of(form, Action.approve)
    if signature is None:
        return _refused(request, services, session, principal, draft_id, 422, NEED_REAUTH)
    body = ApproveIn(signature=signature)
    return decide(
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
    reason = reason_of(form)
    if reason is None:
        return _refused(request, services, session, principal, draft_id, 422, NEED_REASON)
    body = ReasonIn(reason=reason)
    return decide(
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
    reason = reason_of(form)
    signature = signature_of(form, Action.reject)
    if reason is None or signature is None:
        message = NEED_REASON if reason is None else NEED_REAUTH
        return _refused(request, services, session, principal, draft_id, 422, message)
    body = RejectIn(reason=reason, signature=signature)
    return decide(
        request,
        services,
        session,
        principal,
        draft_id,
        Action.reject,
        lambda: review.reject(session, services.workflow, principal.workflow_actor, draft_id, body),
    )
