"""`GET /v1/drafts/{id}`: a draft's current text, state and findings, and its version list."""

from __future__ import annotations

import uuid

from api.deps import CurrentPrincipal, SessionDep
from api.drafting.schemas import DraftOut
from api.drafting.views import draft_view
from api.problems import ProblemError
from api.routes import v1_router
from api.store.drafting_repository import DraftingRepository

router = v1_router("drafts", tag="drafting")


@router.get("/{draft_id}", summary="A draft: current version, findings and versions")
def read_draft(draft_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> DraftOut:
    draft = DraftingRepository(session).draft(principal.organisation_id, draft_id)
    if draft is None:
        raise ProblemError(404, "No such draft in this organisation.")
    return draft_view(session, draft)
