"""A draft's edit, version diff and audit history pages.

No business logic here: an edit calls `api.workflow.versions.edit` (the service behind
`POST /v1/drafts/{id}/versions`), which reruns the guardrails and decides the state; the diff
is that module's word diff; the history reads the same audit store as /v1/audit.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.deps import ServicesDep, SessionDep
from api.drafting.views import draft_view
from api.problems import ProblemError
from api.store.drafting_models import DraftRow
from api.store.drafting_repository import DraftingRepository
from api.store.models import Role
from api.store.repositories import AuditRepository
from api.store.workflow_models import SignatureRow
from api.users import people, reference_names
from api.web.draft_display import author_name
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.pages import review as review_pages
from api.web.pages.drafts import draft_page_response
from api.web.principal import Reader, WebPrincipal, require_web_roles
from api.web.templating import render
from api.workflow import review, versions
from api.workflow.schemas import MAX_TEXT, OverrideIn, VersionIn
from api.workflow.states import ACTION_ROLES, Action

router = web_router()

Editor = Annotated[WebPrincipal, require_web_roles(*sorted(ACTION_ROLES[Action.edit]))]
Overrider = Annotated[WebPrincipal, require_web_roles(*sorted(ACTION_ROLES[Action.override]))]
HistoryReader = Annotated[WebPrincipal, require_web_roles(Role.admin, Role.reviewer)]
Form = Annotated[FormData, Depends(form_data)]

EMPTY_TEXT = "Write the text of the post; it cannot be empty."
TOO_LONG = f"The text is too long: at most {MAX_TEXT:,} characters."
BAD_TEXT = "The text contains a character that cannot be stored; remove it and try again."
STALE = (
    "The draft changed since you opened it (someone saved a newer version). Reload the page and edit again."
)
NO_DRAFT = "There is no such draft in your organisation."
MAX_HISTORY = 500  # a draft sees a few dozen events; the full trail is /v1/audit/export


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/drafts/{draft_id}/versions")
def edit_page(
    request: Request,
    draft_id: uuid.UUID,
    services: ServicesDep,
    session: SessionDep,
    principal: Editor,
    form: Form,
) -> Response:
    text = _field(form, "text").replace("\r\n", "\n")

    def again(status: int, *, error: str | None = None, alert: str | None = None) -> Response:
        return draft_page_response(
            request,
            services,
            session,
            principal,
            draft_id,
            status=status,
            edit_text=text,
            edit_error=error,
            alert=alert,
        )

    if not text.strip():
        return again(422, error=EMPTY_TEXT)
    if len(text) > MAX_TEXT:
        return again(422, error=TOO_LONG)
    try:
        body = VersionIn(text=text)
    except ValidationError:
        return again(422, error=BAD_TEXT)
    # The page says which version it edited: a save over someone else's newer version is refused,
    # the same 409 the service gives when the draft moves while the edit is being checked.
    draft = _draft_or_404(session, principal, draft_id)
    if _field(form, "version") != str(draft.current_version):
        return again(409, alert=STALE)
    try:
        versions.edit(session, services.workflow, principal.workflow_actor, draft_id, body)
    except ProblemError as problem:
        session.rollback()
        if problem.status == 404:
            raise WebPageError(404, NO_DRAFT) from None
        return again(problem.status, alert=str(problem))
    session.commit()
    return RedirectResponse(f"/web/drafts/{draft_id}?done=edit", status_code=303)


def _draft_or_404(session: Session, principal: WebPrincipal, draft_id: uuid.UUID) -> DraftRow:
    draft = DraftingRepository(session).draft(principal.organisation_id, draft_id)
    if draft is None:
        raise WebPageError(404, NO_DRAFT)
    return draft


@router.get("/drafts/{draft_id}/diff")
def diff_page(
    request: Request,
    draft_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    start: Annotated[str, Query(alias="from", max_length=12)] = "",
    end: Annotated[str, Query(alias="to", max_length=12)] = "",
) -> Response:
    draft = _draft_or_404(session, principal, draft_id)
    shown = draft_view(session, draft)
    numbers = [v.number for v in shown.versions]
    # Default: what the latest edit changed.
    default_start = numbers[-2] if len(numbers) > 1 else numbers[-1]
    try:
        first = int(start) if start else default_start
        last = int(end) if end else numbers[-1]
    except ValueError:
        first = last = 0
    if first not in numbers or last not in numbers:
        # Fixed text: a crafted link's values are not repeated.
        raise WebPageError(422, "This draft has no such version to compare; choose versions from the list.")
    result = versions.diff(session, principal.workflow_actor, draft_id, first, last)
    names = reference_names(session, principal.organisation_id)
    return render(
        request,
        "draft_diff.html",
        {
            "draft": shown,
            "first": first,
            "last": last,
            "ops": result.ops,
            "authors": {v.number: author_name(v.author, names) for v in shown.versions},
        },
    )


@router.get("/drafts/{draft_id}/history")
def history_page(
    request: Request, draft_id: uuid.UUID, session: SessionDep, principal: HistoryReader
) -> Response:
    """The draft's audit events and those of its signatures, oldest first (the roles of /v1/audit)."""
    draft = _draft_or_404(session, principal, draft_id)
    audit = AuditRepository(session)
    org = principal.organisation_id
    signature_ids = [
        str(s) for s in session.scalars(select(SignatureRow.id).where(SignatureRow.draft_id == draft.id))
    ]
    events = [
        *audit.about(org, "draft", [str(draft.id)], limit=MAX_HISTORY),
        *audit.about(org, "signature", signature_ids, limit=MAX_HISTORY),
    ]
    events.sort(key=lambda e: e.seq)
    names = {user.id: user.display_name for user in people(session, org)}
    rows = [
        {
            "what": e.event_type,
            "who": _who(e.actor_user_id, e.actor_key_id, names),
            "when": e.created_at,
            # Details hold ids, codes and counts only; of them the page shows the signature meaning
            # and the version, never a payload.
            "meaning": str(e.details.get("meaning", "")).replace("_", " "),
            "version": e.details.get("version"),
        }
        for e in events[:MAX_HISTORY]
    ]
    return render(
        request,
        "draft_history.html",
        {"draft_id": draft.id, "rows": rows, "truncated": len(events) > MAX_HISTORY, "limit": MAX_HISTORY},
    )


def _who(user_id: uuid.UUID | None, key_id: uuid.UUID | None, names: dict[uuid.UUID, str]) -> str:
    if user_id is not None:
        return names.get(user_id, "a former user")
    if key_id is not None:
        return f"API key {str(key_id)[:8]}"
    return "the system"


NEED_FINDINGS = "Choose at least one finding to override; nothing was signed."


@router.post("/drafts/{draft_id}/override")
def override_page(
    request: Request,
    draft_id: uuid.UUID,
    services: ServicesDep,
    session: SessionDep,
    principal: Overrider,
    form: Form,
) -> Response:
    """Override with an e-signature: the same service as POST /v1/drafts/{id}/override, refusals shown."""
    try:
        indexes = [int(v) for v in form.getlist("finding") if isinstance(v, str)]
    except ValueError:
        indexes = []
    reason = review_pages.reason_of(form)
    signature = review_pages.signature_of(form, Action.override)
    if not indexes or reason is None or signature is None:
        message = (
            NEED_FINDINGS
            if not indexes
            else review_pages.NEED_REASON
            if reason is None
            else review_pages.NEED_REAUTH
        )
        return draft_page_response(request, services, session, principal, draft_id, alert=message, status=422)
    try:
        body = OverrideIn(reason=reason, finding_indexes=indexes, signature=signature)
    except ValidationError:
        return draft_page_response(
            request, services, session, principal, draft_id, alert=NEED_FINDINGS, status=422
        )
    return review_pages.decide(
        request,
        services,
        session,
        principal,
        draft_id,
        Action.override,
        lambda: review.override(session, services.workflow, principal.workflow_actor, draft_id, body),
    )
