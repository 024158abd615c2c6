"""The caller's own organisation. There is no route to any other."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from api.deps import CurrentPrincipal, SessionDep
from api.problems import ProblemError
from api.routes import v1_router
from api.store.repositories import OrganisationRepository

router = v1_router("organisations", tag="organisations")


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    slug: str
    name: str
    created_at: datetime


@router.get("/me", summary="The organisation the API key belongs to")
def read_own_organisation(session: SessionDep, principal: CurrentPrincipal) -> OrganisationOut:
    organisation = OrganisationRepository(session).get(principal.organisation_id)
    if organisation is None:  # only if the row vanished after the key was checked
        raise ProblemError(404)
    return OrganisationOut.model_validate(organisation)
