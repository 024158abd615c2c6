"""Accessibility basics and the page policy on the queue, escalation, eval and users pages.

Every form control has a label tied to it by id, tables have header cells with a
scope, nothing is inline (the strict CSP), and each page marks itself current in the
navigation. Checked on pages that hold rows, so the per-row forms are covered too.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.security_headers import HTML_CSP
from api.store.eval_models import EvalRun
from api.store.models import Role
from tests.api.signoff_helpers import make_escalation
from tests.api.web.helpers import make_person, sign_in
from tests.api.web.review_data import make_draft

PAGES = {
    "/web/review": "Review queue",
    "/web/escalations": "Escalations",
    "/web/evals": "Eval runs",
    "/web/admin/users": "Users",
}
_CONTROL = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def unlabelled_controls(html: str) -> list[str]:
    missing = []
    for tag, attributes in _CONTROL.findall(html):
        if 'type="hidden"' in attributes:
            continue
        found = re.search(r'\bid="([^"]+)"', attributes)
        if found is None or f'<label for="{found.group(1)}"' not in html:
            missing.append(f"<{tag}{attributes}>")
    return missing


def test_the_label_check_itself_finds_an_unlabelled_control() -> None:
    assert unlabelled_controls('<select id="x" name="x"></select>') != []
    assert unlabelled_controls('<input name="q">') != []
    assert unlabelled_controls('<label for="x">X</label><select id="x" name="x"></select>') == []
    assert unlabelled_controls('<input type="hidden" name="csrf_token" value="0">') == []


def test_the_pages_label_every_control_and_keep_the_strict_policy(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    admin = make_person(sessions, role=Role.admin)
    make_person(sessions, role=Role.reviewer)  # a row with role and lock forms on the users page
    org = admin.organisation_id
    make_draft(sessions, org)
    make_escalation(sessions, org, due_in=timedelta(hours=-1))
    with sessions() as session:
        session.add(EvalRun(organisation_id=org, suite="redact", splits=[], options={}))
        session.commit()
    assert sign_in(web_client, admin).status_code == 303
    for path, title in PAGES.items():
        page = web_client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-security-policy"] == HTML_CSP
        assert re.findall(r"<script(?![^>]*\bsrc=)", page.text) == [], path
        assert " style=" not in page.text, path
        assert f'aria-current="page">{title}</a>' in page.text, path
        assert unlabelled_controls(page.text) == [], path
        assert "<table" in page.text, path
        assert re.findall(r"<th\b(?![^>]*scope=)", page.text) == [], path
        assert re.search(r"<h1>", page.text), path


def test_navigation_offers_each_role_only_its_pages(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    offered = {
        Role.admin: set(PAGES),
        Role.reviewer: {"/web/review", "/web/escalations", "/web/evals"},
        Role.marketer: {"/web/escalations"},
    }
    for role, paths in offered.items():
        assert sign_in(web_client, make_person(sessions, role=role)).status_code == 303
        nav = web_client.get("/web/knowledge").text.split('<nav aria-label="Main">')[1].split("</nav>")[0]
        assert {p for p in PAGES if f'href="{p}"' in nav} == paths, role
