"""One draft's page: the platform preview with highlighted findings, and its versions.

The review workflow's actions (approve, request changes, reject, override with a
signature) and the version diff belong on this page once that API exists; the
template has a `review` block for them.
"""

from __future__ import annotations

import uuid

from fastapi import Request, Response

from api.deps import ServicesDep, SessionDep
from api.drafting.views import draft_view
from api.store.drafting_repository import DraftingRepository
from api.web.draft_display import display
from api.web.errors import WebPageError
from api.web.pages import web_router
from api.web.preview import platform_family
from api.web.principal import Reader
from api.web.templating import render

router = web_router()


@router.get("/drafts/{draft_id}")
def draft_page(
    request: Request, draft_id: uuid.UUID, services: ServicesDep, session: SessionDep, principal: Reader
) -> Response:
    repository = DraftingRepository(session)
    draft = repository.draft(principal.organisation_id, draft_id)
    brief = None if draft is None else repository.brief(principal.organisation_id, draft.brief_id)
    if draft is None or brief is None:
        raise WebPageError(404, "There is no such draft in your organisation.")
    shown = display(
        platform_family(services.guardrails.checker), draft_view(session, draft), brief.content_type
    )
    return render(request, "draft.html", {"item": shown, "brief_id": brief.id})
