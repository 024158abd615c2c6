"""The eval runs page (admins, reviewers): the organisation's runs, their reports, and starting one.

Starting a run calls `api.eval_runs.request_run`, as POST /v1/evals/runs does; the
run goes to the app's background thread and the page shows its state. A report
opens as the stored run's self-contained HTML under the API's strict CSP (no script,
nothing loaded), so a report cannot act on the signed-in session.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from api.deps import ServicesDep, SessionDep
from api.eval_runs import UnknownSuiteError, count_runs, find_run, latest_runs, request_run, shipped_suites
from api.routes.evals import REPORT_CSP
from api.store.models import Role
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.principal import WebPrincipal, require_web_roles
from api.web.templating import render

router = web_router()

# The roles POST /v1/evals/runs and its reads admit.
EvalUser = Annotated[WebPrincipal, require_web_roles(Role.admin, Role.reviewer)]
Form = Annotated[FormData, Depends(form_data)]
LISTED = 50


def _page(
    request: Request,
    session: SessionDep,
    principal: WebPrincipal,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "evals.html",
        {
            "runs": latest_runs(session, principal.organisation_id, limit=LISTED, offset=0),
            "total": count_runs(session, principal.organisation_id),
            "suites": shipped_suites(),
            "notice": notice,
            "error": error,
        },
        status=status,
    )


@router.get("/evals")
def evals_page(request: Request, session: SessionDep, principal: EvalUser, started: str = "") -> Response:
    notice = "The run is queued; reload this page to follow it." if started else None
    return _page(request, session, principal, notice=notice)


@router.post("/evals/runs")
def start_run(
    request: Request, session: SessionDep, services: ServicesDep, principal: EvalUser, form: Form
) -> Response:
    suite = form.get("suite")
    try:
        if not isinstance(suite, str):
            raise UnknownSuiteError(shipped_suites())
        request_run(
            session,
            services.evals,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            suite=suite,
            splits=[],
            options={},
        )
    except UnknownSuiteError:
        return _page(request, session, principal, error="Choose one of the shipped suites.", status=422)
    return RedirectResponse("/web/evals?started=1", status_code=303)


@router.get("/evals/runs/{run_id}/report.html")
def report_page(run_id: uuid.UUID, session: SessionDep, principal: EvalUser) -> Response:
    from evals.report.html import render_html
    from evals.report.model import RunReport

    run = find_run(session, principal.organisation_id, run_id)
    if run is None:
        raise WebPageError(404, "There is no such eval run in your organisation.")
    if run.report is None:
        raise WebPageError(409, f"This run has no report: it is {run.state}.")
    html = render_html(RunReport.model_validate(run.report))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})
