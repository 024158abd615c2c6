"""One draft's page: the platform preview with highlighted findings, its versions and,
for reviewers, the review actions (their posts are handled in `api.web.pages.review`).
"""

from __future__ import annotations

import uuid

from fastapi import Request, Response
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.drafting.views import draft_view
from api.services import Services
from api.store.drafting_repository import DraftingRepository
from api.store.models import Role
from api.users import reference_names
from api.web.draft_display import display
from api.web.errors import WebPageError
from api.web.pages import web_router
from api.web.preview import platform_family
from api.web.principal import Reader, WebPrincipal
from api.web.templating import render
from api.workflow.review import is_overridable
from api.workflow.schemas import MAX_TEXT
from api.workflow.signing import MEANING_OF, MEANING_TEXT
from api.workflow.states import ACTION_ROLES, Action, is_legal

router = web_router()

# What a reviewer sees after an action succeeded (fixed text, chosen by a query parameter).
NOTICES = {
    "approve": "Your approval is signed and recorded.",
    "request_changes": "Changes were requested; the draft went back to its authors.",
    "reject": "Your rejection is signed and recorded.",
    "override": "Your override is signed and recorded.",
    "edit": "Your edit is saved as a new version and was checked again.",
}


def _signing(action: Action) -> dict[str, str]:
    meaning = MEANING_OF[action]
    return {"meaning": meaning.value.replace("_", " "), "statement": MEANING_TEXT[meaning]}


def draft_page_response(
    request: Request,
    services: Services,
    session: Session,
    principal: WebPrincipal,
    draft_id: uuid.UUID,
    *,
    alert: str | None = None,
    notice: str | None = None,
    status: int = 200,
    edit_text: str | None = None,
    edit_error: str | None = None,
) -> Response:
    """The draft's page; the review pages re-render it with an alert when an action is refused."""
    repository = DraftingRepository(session)
    draft = repository.draft(principal.organisation_id, draft_id)
    brief = None if draft is None else repository.brief(principal.organisation_id, draft.brief_id)
    if draft is None or brief is None:
        raise WebPageError(404, "There is no such draft in your organisation.")
    shown = display(
        platform_family(services.guardrails.checker),
        draft_view(session, draft),
        brief.content_type,
        reference_names(session, principal.organisation_id),
    )
    # Which forms to offer; the workflow decides again (and refuses) when one is posted.
    reviewer = principal.role in ACTION_ROLES[Action.approve]
    actions = {
        a.value: reviewer and is_legal(a, draft.state)
        for a in (Action.approve, Action.request_changes, Action.reject, Action.override)
    }
    # Only findings the workflow would accept are offered (never PHI or patient status); the
    # service checks again when the form is posted.
    overridable = [
        (i, f)
        for i, f in enumerate(shown.draft.findings)
        if is_overridable(services.workflow, f.model_dump(mode="json"))
    ]
    return render(
        request,
        "draft.html",
        {
            "item": shown,
            "brief_id": brief.id,
            "reviewer": reviewer,
            "actions": actions,
            "signing": {a.value: _signing(a) for a in (Action.approve, Action.reject, Action.override)},
            "overridable": overridable,
            "alert": alert,
            "notice": notice,
            "editor": principal.role in ACTION_ROLES[Action.edit] and is_legal(Action.edit, draft.state),
            # A refused edit keeps what was typed (it is the editor's own text, not an echo of PHI
            # to anyone else); otherwise the form starts from the current version.
            "edit_text": shown.draft.text if edit_text is None else edit_text,
            "edit_error": edit_error,
            "history": principal.role in (Role.admin, Role.reviewer),
            "max_text": MAX_TEXT,
        },
        status=status,
    )


@router.get("/drafts/{draft_id}")
def draft_page(
    request: Request,
    draft_id: uuid.UUID,
    services: ServicesDep,
    session: SessionDep,
    principal: Reader,
    done: str | None = None,
) -> Response:
    notice = NOTICES.get(done) if done else None
    return draft_page_response(request, services, session, principal, draft_id, notice=notice)
