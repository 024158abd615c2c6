"""`GET /v1/jobs/{id}`: a background job's state, attempts and last error."""

from __future__ import annotations

import uuid

from api.deps import CurrentPrincipal, SessionDep
from api.drafting.schemas import JobOut
from api.problems import ProblemError
from api.routes import v1_router
from api.store.drafting_repository import DraftingRepository

router = v1_router("jobs", tag="drafting")


@router.get("/{job_id}", summary="A job: state, attempts, last error")
def read_job(job_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> JobOut:
    job = DraftingRepository(session).job(principal.organisation_id, job_id)
    if job is None:
        raise ProblemError(404, "No such job in this organisation.")
    return JobOut.of(job)
