"""`POST /v1/briefs` (submit a brief for drafting, idempotently) and `GET /v1/briefs/{id}`."""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any

from fastapi import Header, Query, Response, status

from agents.brief import Brief, EngineName
from agents.errors import BriefRefused
from agents.replies import refuse_fabrication
from api.deps import CurrentPrincipal, Principal, ServicesDep, SessionDep, require_roles
from api.drafting.schemas import BriefDrafted, BriefOut, JobOut
from api.drafting.submit import IdempotencyKeyReused, Submitter, submit_brief
from api.drafting.views import brief_view, drafts_of_brief, escalations_of_brief
from api.problems import ProblemError
from api.routes import v1_router
from api.services import Services
from api.store.drafting_models import JobRow, JobState
from api.store.drafting_repository import DraftingRepository
from api.store.models import Role

router = v1_router("briefs", tag="drafting")

DrafterPrincipal = Annotated[Principal, require_roles(Role.marketer, Role.integration, Role.admin)]
IdempotencyKey = Annotated[
    str,
    Header(
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Unique per brief (e.g. a UUID). A retry with the same key and body returns the "
        "same brief and job; the same key with another body is refused.",
    ),
]
FINISHED = frozenset({JobState.SUCCEEDED.value, JobState.FAILED.value})

CREATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"model": BriefDrafted, "description": "With `wait=true`: drafting finished; the drafts."},
    202: {"model": JobOut, "description": "Accepted: the drafting job (see `Location`)."},
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Submit a brief for drafting",
    responses=CREATE_RESPONSES,
    response_model=JobOut | BriefDrafted,
)
def create_brief(
    brief: Brief,
    idempotency_key: IdempotencyKey,
    services: ServicesDep,
    session: SessionDep,
    principal: DrafterPrincipal,
    response: Response,
    wait: Annotated[
        bool, Query(description="Wait (up to CAREPOST_BRIEF_WAIT_SECONDS) and return the drafts with 201.")
    ] = False,
    engine: Annotated[EngineName, Query(description="modular (approved modules) or llm.")] = "modular",
) -> JobOut | BriefDrafted:
    try:
        refuse_fabrication(brief)
    except BriefRefused as exc:
        raise ProblemError(422, exc.message, kind="brief-refused", title="Brief refused") from None
    if engine == "llm" and services.orchestrator.chat_model is None:
        raise ProblemError(
            422,
            "The llm engine has no model configured on this server; use engine=modular.",
            kind="engine-not-configured",
            title="Engine not configured",
        )
    try:
        submission = submit_brief(
            session,
            services.jobs,
            submitter=Submitter(organisation_id=principal.organisation_id, key_id=principal.key_id),
            brief=brief,
            engine=engine,
            idempotency_key=idempotency_key,
        )
    except IdempotencyKeyReused:
        raise ProblemError(
            422,
            "This Idempotency-Key was used with a different request; use a new key for a new brief.",
            kind="idempotency-key-reused",
            title="Idempotency key reused",
        ) from None
    if submission.created and services.workers is not None:
        services.workers.notify()
    job = submission.job
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    if not submission.created:
        response.headers["Idempotent-Replayed"] = "true"
    if wait:
        job = _wait_for(services, principal.organisation_id, job.id)
        if job.state == JobState.SUCCEEDED.value and job.brief_id is not None:
            response.status_code = status.HTTP_201_CREATED
            response.headers["Location"] = f"/v1/briefs/{job.brief_id}"
            with services.sessions() as reader:
                return BriefDrafted(
                    brief_id=job.brief_id,
                    job=JobOut.of(job),
                    drafts=drafts_of_brief(reader, job.brief_id),
                    escalations=escalations_of_brief(reader, job.brief_id),
                )
    return JobOut.of(job)


def _wait_for(services: Services, organisation_id: uuid.UUID, job_id: uuid.UUID) -> JobRow:
    """Poll the job until it finishes or the wait runs out; workers may be in another process."""
    deadline = time.monotonic() + services.settings.brief_wait_seconds
    delay = 0.02
    while True:
        with services.sessions() as session:
            job = DraftingRepository(session).job(organisation_id, job_id)
        assert job is not None  # created by this organisation a moment ago; jobs are never deleted
        remaining = deadline - time.monotonic()
        if job.state in FINISHED or remaining <= 0:
            return job
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 0.25)


@router.get("/{brief_id}", summary="A brief, its drafting job and its drafts' summary")
def read_brief(brief_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> BriefOut:
    view = brief_view(session, principal.organisation_id, brief_id)
    if view is None:
        raise ProblemError(404, "No such brief in this organisation.")
    return view
