"""The eval runs page: runs listed with state and result, reports opened under a strict CSP, runs started."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any, cast

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.eval_runs import EvalRunService
from api.routes.evals import REPORT_CSP
from api.store.eval_models import EvalRun
from api.store.models import AuditEvent, Role
from evals.report.model import RunReport
from evals.runner import load_suite, run_suite
from tests.api.web.helpers import Person, csrf_of, make_person, sign_in
from tests.evals.helpers import FakeChecker, guardrail_suite

Call = tuple[str, list[str] | None, dict[str, Any]]


@pytest.fixture
def calls(web_client: TestClient, tmp_path: Path) -> list[Call]:
    """A fake runner: the real evals runner on a small suite with a fake checker (a weak one for "redact")."""
    made: list[Call] = []
    suite = guardrail_suite(tmp_path)

    def run(name: str, splits: list[str] | None, options: dict[str, Any]) -> RunReport:
        made.append((name, splits, options))
        return run_suite(load_suite(str(suite)), checker_factory=lambda: FakeChecker(weak=name == "redact"))

    service(web_client).runner = run
    return made


def service(client: TestClient) -> EvalRunService:
    evals = cast(FastAPI, client.app).state.services.evals
    assert isinstance(evals, EvalRunService)
    return evals


def signed_in(client: TestClient, sessions: sessionmaker[Session], role: Role, org: str = "acme") -> Person:
    person = make_person(sessions, org=org, role=role)
    assert sign_in(client, person).status_code == 303
    return person


def start(client: TestClient, suite: str) -> httpx2.Response:
    token = csrf_of(client.get("/web/evals").text)
    return client.post("/web/evals/runs", data={"csrf_token": token, "suite": suite}, follow_redirects=False)


def run_ids(sessions: sessionmaker[Session], organisation_id: uuid.UUID) -> list[uuid.UUID]:
    with sessions() as session:
        return list(
            session.scalars(
                select(EvalRun.id)
                .where(EvalRun.organisation_id == organisation_id)
                .order_by(EvalRun.created_at)
            )
        )


def test_a_reviewer_starts_runs_and_opens_their_reports(
    web_client: TestClient, sessions: sessionmaker[Session], calls: list[Call]
) -> None:
    reviewer = signed_in(web_client, sessions, Role.reviewer)
    assert start(web_client, "guardrails").status_code == 303
    assert start(web_client, "redact").status_code == 303
    first, second = run_ids(sessions, reviewer.organisation_id)
    for run_id in (first, second):
        service(web_client).wait(run_id, timeout=300)
    assert [name for name, _, _ in calls] == ["guardrails", "redact"]

    page = web_client.get("/web/evals")
    assert page.status_code == 200
    assert 'aria-current="page">Eval runs' in page.text
    assert page.text.index(str(second)) < page.text.index(str(first))  # newest first
    rows = {
        run_id: re.search(rf'<tr data-run-id="{run_id}">.*?</tr>', page.text, re.S)
        for run_id in (first, second)
    }
    passed, failed = (cast(re.Match[str], rows[i]).group(0) for i in (first, second))
    assert "succeeded" in passed
    assert "Passed" in passed
    assert "Failed a threshold" in failed  # the weak checker misses cases: words, not colour alone

    report = web_client.get(f"/web/evals/runs/{first}/report.html")
    assert report.status_code == 200
    assert report.headers["content-security-policy"] == REPORT_CSP
    assert "<script" not in report.text.lower()
    assert f'href="/web/evals/runs/{first}/report.html"' in page.text

    with sessions() as session:
        run = session.get_one(EvalRun, first)
        assert (run.requested_by_user_id, run.requested_by_key_id) == (reviewer.user_id, None)
        requested = session.scalars(
            select(AuditEvent).where(
                AuditEvent.subject_id == str(first), AuditEvent.event_type == "eval_run.requested"
            )
        ).one()
        assert requested.actor_user_id == reviewer.user_id


def test_only_shipped_suites_can_be_started(
    web_client: TestClient, sessions: sessionmaker[Session], calls: list[Call]
) -> None:
    admin = signed_in(web_client, sessions, Role.admin)
    refused = start(web_client, "../../etc/passwd")
    assert refused.status_code == 422
    assert "Choose one of the shipped suites" in refused.text
    assert "etc/passwd" not in refused.text
    assert run_ids(sessions, admin.organisation_id) == []
    assert calls == []


def test_a_run_without_a_report_and_another_organisations_run(
    web_client: TestClient, sessions: sessionmaker[Session], calls: list[Call]
) -> None:
    mine = signed_in(web_client, sessions, Role.admin)
    theirs = make_person(sessions, org="other-org", role=Role.admin)
    with sessions() as session:
        queued = EvalRun(organisation_id=mine.organisation_id, suite="redact", splits=[], options={})
        other = EvalRun(organisation_id=theirs.organisation_id, suite="redact", splits=[], options={})
        session.add_all([queued, other])
        session.commit()
        queued_id, other_id = queued.id, other.id
    page = web_client.get("/web/evals").text
    assert str(queued_id) in page
    assert str(other_id) not in page
    assert f"/web/evals/runs/{queued_id}/report.html" not in page  # nothing to open yet
    assert web_client.get(f"/web/evals/runs/{queued_id}/report.html").status_code == 409
    assert web_client.get(f"/web/evals/runs/{other_id}/report.html").status_code == 404


def test_marketers_have_no_eval_page(
    web_client: TestClient, sessions: sessionmaker[Session], calls: list[Call]
) -> None:
    signed_in(web_client, sessions, Role.marketer)
    assert "/web/evals" not in web_client.get("/web").text
    assert web_client.get("/web/evals").status_code == 403
    token = csrf_of(web_client.get("/web").text)
    posted = web_client.post("/web/evals/runs", data={"csrf_token": token, "suite": "redact"})
    assert posted.status_code == 403
    assert calls == []
