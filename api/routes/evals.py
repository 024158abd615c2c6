"""Eval runs (admin, reviewer): start a shipped suite in the background, follow it, read its report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import Principal, ServicesDep, SessionDep, require_roles
from api.eval_runs import UnknownSuiteError, count_runs, find_run, latest_runs, request_run
from api.problems import CONFLICT_RESPONSE, ProblemError
from api.routes import MAX_OFFSET, v1_router
from api.store.eval_models import EvalRun, EvalRunState
from api.store.models import Role

router = v1_router("evals", tag="evals")
EvalPrincipal = Annotated[Principal, require_roles(Role.admin, Role.reviewer)]

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
# The report page is static: no script, inline styles only. Nothing it holds may load anything.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)


class EvalRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suite: Name = Field(description="A suite shipped in evals/suites/, e.g. `redact` or `drafting-ci`.")
    splits: list[Name] = Field(
        default_factory=list, max_length=10, description="Only these splits; all when empty."
    )
    engine: Literal["modular", "llm", "local"] | None = Field(
        default=None, description="Drafting suites only: the engine (the suite's own when absent)."
    )
    model: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="Drafting suites only: a litellm provider string for the llm engine."
    )


class EvalRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    suite: str
    splits: list[str]
    options: dict[str, Any]
    state: EvalRunState
    passed: bool | None = Field(description="Whether every threshold held; None until the run succeeded")
    error: str | None = Field(description="Why the run could not run, when it failed")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class EvalRunDetail(EvalRunOut):
    report: dict[str, Any] | None = Field(
        description="report.json of the run (see evals/schemas/report.schema.json)"
    )


class EvalRunList(BaseModel):
    items: list[EvalRunOut]
    total: int
    limit: int
    offset: int


@router.post(
    "/runs",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Start an eval suite in the background",
)
def create_run(
    body: EvalRunCreate,
    session: SessionDep,
    services: ServicesDep,
    principal: EvalPrincipal,
    response: Response,
) -> EvalRunOut:
    options = {k: v for k, v in (("engine", body.engine), ("model", body.model)) if v is not None}
    try:
        run = request_run(
            session,
            services.evals,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            suite=body.suite,
            splits=body.splits,
            options=options,
        )
    except UnknownSuiteError as exc:
        raise ProblemError(422, str(exc)) from None
    response.headers["Location"] = f"{router.prefix}/runs/{run.id}"
    return EvalRunOut.model_validate(run)


@router.get("/runs", summary="The organisation's eval runs, newest first")
def list_runs(
    session: SessionDep,
    principal: EvalPrincipal,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> EvalRunList:
    total = count_runs(session, principal.organisation_id)
    runs = latest_runs(session, principal.organisation_id, limit=limit, offset=offset)
    return EvalRunList(
        items=[EvalRunOut.model_validate(r) for r in runs], total=total, limit=limit, offset=offset
    )


@router.get("/runs/{run_id}", summary="One eval run: its state and, once done, its report")
def read_run(run_id: uuid.UUID, session: SessionDep, principal: EvalPrincipal) -> EvalRunDetail:
    return EvalRunDetail.model_validate(_run(session, principal.organisation_id, run_id))


@router.get(
    "/runs/{run_id}/report.html",
    summary="The run's self-contained HTML report",
    response_class=HTMLResponse,
    responses={**CONFLICT_RESPONSE, 200: {"content": {"text/html": {}}}},
)
def read_report_html(run_id: uuid.UUID, session: SessionDep, principal: EvalPrincipal) -> HTMLResponse:
    from evals.report.html import render_html
    from evals.report.model import RunReport

    run = _run(session, principal.organisation_id, run_id)
    if run.report is None:
        raise ProblemError(409, f"The run has no report: it is {run.state}.")
    html = render_html(RunReport.model_validate(run.report))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


def _run(session: SessionDep, organisation_id: uuid.UUID, run_id: uuid.UUID) -> EvalRun:
    run = find_run(session, organisation_id, run_id)
    if run is None:
        raise ProblemError(404, "No such eval run in this organisation.")
    return run
