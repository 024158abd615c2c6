"""POST /v1/evals/runs and friends: runs in the background, persisted, scoped, and their reports."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.eval_runs import INTERRUPTED, EvalRunService
from api.routes.evals import REPORT_CSP
from api.settings import Settings
from api.store.eval_models import EvalRun, EvalRunState
from api.store.models import Role
from api.store.repositories import OrganisationRepository
from evals.report.model import RunReport
from evals.runner import EvalError, load_suite, run_suite
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey
from tests.evals.helpers import FakeChecker, guardrail_suite

Call = tuple[str, list[str] | None, dict[str, Any]]


def _service(client: TestClient) -> EvalRunService:
    service = cast(FastAPI, client.app).state.services.evals
    assert isinstance(service, EvalRunService)
    return service


def _mini_runner(tmp_path: Path, calls: list[Call], *, weak: bool = False) -> Callable[..., RunReport]:
    """The real evals runner on a small suite with a fake checker, whatever suite was named."""
    suite = guardrail_suite(tmp_path)

    def run(name: str, splits: list[str] | None, options: dict[str, Any]) -> RunReport:
        calls.append((name, splits, options))
        return run_suite(load_suite(str(suite)), checker_factory=lambda: FakeChecker(weak=weak))

    return run


def _finish(client: TestClient, run_id: str, key: IssuedKey) -> dict[str, Any]:
    _service(client).wait(uuid.UUID(run_id), timeout=300)
    body: dict[str, Any] = client.get(f"/v1/evals/runs/{run_id}", headers=key.headers).json()
    return body


def test_a_run_goes_from_queued_to_a_stored_report(
    client: TestClient, make_key: Callable[..., IssuedKey], tmp_path: Path
) -> None:
    calls: list[Call] = []
    _service(client).runner = _mini_runner(tmp_path, calls, weak=True)
    reviewer = make_key(role=Role.reviewer)
    created = client.post(
        "/v1/evals/runs", json={"suite": "guardrails", "splits": ["dev", "dev"]}, headers=reviewer.headers
    )
    assert created.status_code == 202, created.text
    run = created.json()
    assert created.headers["location"] == f"/v1/evals/runs/{run['id']}"
    assert run["state"] in ("queued", "running", "succeeded")
    assert run["splits"] == ["dev"]

    done = _finish(client, run["id"], reviewer)
    assert calls == [("guardrails", ["dev"], {})]
    assert done["state"] == "succeeded"
    assert done["passed"] is False  # the weakened fake misses patient_status
    report = RunReport.model_validate(done["report"])
    (failed,) = report.failures()
    assert failed.metric == "patient_status.recall"
    assert done["started_at"] is not None
    assert done["finished_at"] is not None

    page = client.get("/v1/evals/runs", headers=reviewer.headers).json()
    assert page["total"] == 1
    assert [item["id"] for item in page["items"]] == [run["id"]]
    assert "report" not in page["items"][0]

    html = client.get(f"/v1/evals/runs/{run['id']}/report.html", headers=reviewer.headers)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert html.headers["content-security-policy"] == REPORT_CSP  # inline styles allowed, nothing loaded
    assert 'id="per-category-chart-mini"' in html.text

    events = client.get("/v1/audit/events?event_type=eval_run.requested", headers=reviewer.headers).json()
    assert [e["subject_id"] for e in events["items"]] == [run["id"]]


def test_runs_are_listed_newest_first_and_drafting_options_reach_the_runner(
    client: TestClient, make_key: Callable[..., IssuedKey], tmp_path: Path
) -> None:
    calls: list[Call] = []
    _service(client).runner = _mini_runner(tmp_path, calls)
    admin = make_key()
    first = client.post("/v1/evals/runs", json={"suite": "redact"}, headers=admin.headers).json()
    second = client.post(
        "/v1/evals/runs",
        json={"suite": "drafting-ci", "engine": "llm", "model": "ollama/llama3"},
        headers=admin.headers,
    ).json()
    for run in (first, second):
        assert _finish(client, run["id"], admin)["passed"] is True
    assert calls == [("redact", None, {}), ("drafting-ci", None, {"engine": "llm", "model": "ollama/llama3"})]
    items = client.get("/v1/evals/runs?limit=1", headers=admin.headers).json()
    assert items["total"] == 2
    assert [i["id"] for i in items["items"]] == [second["id"]]


@pytest.mark.parametrize("role", [Role.marketer, Role.integration])
def test_only_admins_and_reviewers(
    client: TestClient, make_key: Callable[..., IssuedKey], role: Role
) -> None:
    key = make_key(role=role)
    assert_problem(
        client.post("/v1/evals/runs", json={"suite": "redact"}, headers=key.headers), 403, "forbidden"
    )
    assert_problem(client.get("/v1/evals/runs", headers=key.headers), 403, "forbidden")


@pytest.mark.parametrize(
    "body",
    [
        {"suite": "nope"},
        {"suite": "../../etc/passwd"},
        {"suite": "/work/evals/suites/redact.yaml"},
        {"suite": "redact", "engine": "gpt"},
        {"suite": "redact", "surprise": True},
        {},
    ],
)
def test_only_shipped_suites_can_be_named(
    client: TestClient, make_key: Callable[..., IssuedKey], body: dict[str, Any]
) -> None:
    problem = assert_problem(
        client.post("/v1/evals/runs", json=body, headers=make_key().headers), 422, "validation"
    )
    assert "passwd" not in str(problem)
    assert client.get("/v1/evals/runs", headers=make_key().headers).json()["total"] == 0


def test_other_organisations_runs_are_not_found(
    client: TestClient, make_key: Callable[..., IssuedKey], tmp_path: Path
) -> None:
    _service(client).runner = _mini_runner(tmp_path, [])
    ours, theirs = make_key("acme"), make_key("globex")
    run = client.post("/v1/evals/runs", json={"suite": "redact"}, headers=ours.headers).json()
    _finish(client, run["id"], ours)
    assert_problem(client.get(f"/v1/evals/runs/{run['id']}", headers=theirs.headers), 404, "not-found")
    assert_problem(
        client.get(f"/v1/evals/runs/{run['id']}/report.html", headers=theirs.headers), 404, "not-found"
    )
    assert client.get("/v1/evals/runs", headers=theirs.headers).json()["total"] == 0


def test_a_run_that_cannot_run_is_failed_with_a_reason_and_no_report(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    def unusable(name: str, splits: list[str] | None, options: dict[str, Any]) -> RunReport:
        raise EvalError("suite redact has no split holdout (it has dev, test)")

    def crashing(name: str, splits: list[str] | None, options: dict[str, Any]) -> RunReport:
        raise RuntimeError("could not score 'Maria Lopez, 67, after her bypass'")

    admin = make_key()
    for runner, reason in ((unusable, "has no split holdout"), (crashing, "the run crashed (RuntimeError)")):
        _service(client).runner = runner
        run = client.post("/v1/evals/runs", json={"suite": "redact"}, headers=admin.headers).json()
        done = _finish(client, run["id"], admin)
        assert done["state"] == "failed"
        assert reason in done["error"]
        assert "Maria" not in done["error"]  # an exception's message may quote a case: only its type is kept
        assert done["report"] is None
        assert_problem(
            client.get(f"/v1/evals/runs/{run['id']}/report.html", headers=admin.headers), 409, "conflict"
        )


def test_runs_interrupted_by_a_restart_are_failed_at_the_next_start(
    test_settings: Settings,
    app_factory: Callable[[Settings], FastAPI],
    sessions: sessionmaker[Session],
    make_key: Callable[..., IssuedKey],
) -> None:
    admin = make_key()
    with sessions() as session:
        organisation = OrganisationRepository(session).get_by_slug("acme")
        assert organisation is not None
        left = [
            EvalRun(organisation_id=organisation.id, suite="redact", splits=[], options={}, state=state.value)
            for state in (EvalRunState.queued, EvalRunState.running)
        ]
        session.add_all(left)
        session.commit()
        ids = [str(run.id) for run in left]
    with TestClient(app_factory(test_settings)) as client:
        for run_id in ids:
            run = client.get(f"/v1/evals/runs/{run_id}", headers=admin.headers).json()
            assert run["state"] == "failed"
            assert run["error"] == INTERRUPTED


def test_the_real_runner_on_a_shipped_suite(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    run = client.post(
        "/v1/evals/runs", json={"suite": "redact", "splits": ["dev"]}, headers=admin.headers
    ).json()
    done = _finish(client, run["id"], admin)
    assert done["state"] == "succeeded", done["error"]
    report = RunReport.model_validate(done["report"])
    assert report.meta.suite.name == "redact"
    assert [s.split for s in report.splits] == ["dev"]
    assert done["passed"] is report.passed
    assert "overall.f2" in report.splits[0].metrics
