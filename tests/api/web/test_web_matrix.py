"""The pages' authorisation matrix: every /web route x every person's role x own or other organisation.

Pages use session cookies, not API keys, so they have this matrix of their own
(the API's matrix leaves /web routes to it). As there, the expectations are the
policy, written by hand: who may open or post each page, the status they get, and
404 for a page naming another organisation's resource (whose ids must not leak).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from agents.brief import Brief
from api.drafting.submit import Submitter, submit_brief
from api.jobs.queue import JobQueue
from api.store.drafting_models import DraftRow, DraftVersionRow, EscalationRow
from api.store.eval_models import EvalRun
from api.store.library_repository import knowledge_org
from api.store.models import Role, User, utcnow
from knowledge.pack.loader import load_pack_library
from tests.api.test_authorization_matrix import served_routes
from tests.api.web.helpers import PASSWORD, Person, csrf_of, make_person, sign_in

ADMIN, MARKETER, REVIEWER = Role.admin, Role.marketer, Role.reviewer
PEOPLE = frozenset({ADMIN, MARKETER, REVIEWER})
OWNER, OTHER = "owner-org", "other-org"


@dataclass(frozen=True)
class Page:
    roles: frozenset[Role]
    ok: int
    other_org: int | None = None  # for pages naming one resource
    data: dict[str, Any] = field(
        default_factory=dict
    )  # form fields of a valid POST (the CSRF token is added)
    files: dict[str, Any] = field(default_factory=dict)


WEB_MATRIX: dict[tuple[str, str], Page] = {
    ("GET", "/web"): Page(PEOPLE, 200),
    ("POST", "/web/logout"): Page(PEOPLE, 303),
    # Briefs are written by marketers (and admins); everyone reads the drafts.
    ("GET", "/web/briefs/new"): Page(frozenset({ADMIN, MARKETER}), 200),
    ("POST", "/web/briefs"): Page(
        frozenset({ADMIN, MARKETER}), 303, data={"topic": "Free flu shots", "platforms": "facebook"}
    ),
    ("GET", "/web/briefs/{brief_id}"): Page(PEOPLE, 200, other_org=404),
    ("GET", "/web/drafts/{draft_id}"): Page(PEOPLE, 200, other_org=404),
    # The review queue is for reviewers and admins; only reviewers decide (as with the API), and
    # approve and reject carry the signer's password (an e-signature).
    ("GET", "/web/review"): Page(frozenset({ADMIN, REVIEWER}), 200),
    ("POST", "/web/drafts/{draft_id}/approve"): Page(
        frozenset({REVIEWER}), 303, other_org=404, data={"password": PASSWORD}
    ),
    ("POST", "/web/drafts/{draft_id}/request-changes"): Page(
        frozenset({REVIEWER}), 303, other_org=404, data={"reason": "Add the opening hours."}
    ),
    ("POST", "/web/drafts/{draft_id}/reject"): Page(
        frozenset({REVIEWER}), 303, other_org=404, data={"reason": "Off-brand.", "password": PASSWORD}
    ),
    # Edits are the API's editors' (marketers, admins); everyone compares versions; the audit
    # history is for those who read the audit trail (admins, reviewers), as GET /v1/audit/events.
    ("POST", "/web/drafts/{draft_id}/versions"): Page(
        frozenset({ADMIN, MARKETER}),
        303,
        other_org=404,
        data={"text": "Free flu shots on Saturdays at the clinic.", "version": "1"},
    ),
    ("GET", "/web/drafts/{draft_id}/diff"): Page(PEOPLE, 200, other_org=404),
    # The matrix's draft needs review, not blocked: a reviewer is let through, the state machine refuses.
    ("POST", "/web/drafts/{draft_id}/override"): Page(
        frozenset({REVIEWER}),
        409,
        other_org=404,
        data={"finding": "0", "reason": "Exception.", "password": PASSWORD},
    ),
    ("GET", "/web/drafts/{draft_id}/history"): Page(frozenset({ADMIN, REVIEWER}), 200, other_org=404),
    # Everyone sees the knowledge; only admins change it, as with the API.
    ("GET", "/web/knowledge"): Page(PEOPLE, 200),
    ("POST", "/web/knowledge/documents"): Page(
        frozenset({ADMIN}),
        201,
        data={"kind": "policy"},
        files={"file": ("parking.md", b"# Parking\n\nStaff park on level 3.\n", "text/markdown")},
    ),
    # Escalations: everyone who drafts sees the queue; reviewers and admins act (as with the API).
    ("GET", "/web/escalations"): Page(PEOPLE, 200),
    ("POST", "/web/escalations/{escalation_id}/acknowledge"): Page(
        frozenset({ADMIN, REVIEWER}), 303, other_org=404
    ),
    ("POST", "/web/escalations/{escalation_id}/resolve"): Page(
        frozenset({ADMIN, REVIEWER}), 303, other_org=404, data={"code": "duplicate"}
    ),
    # Eval runs: admins and reviewers, as POST /v1/evals/runs. The report of a run that has none
    # yet is 409 for those who may read it (the authorisation is what this matrix is about).
    ("GET", "/web/evals"): Page(frozenset({ADMIN, REVIEWER}), 200),
    ("POST", "/web/evals/runs"): Page(frozenset({ADMIN, REVIEWER}), 303, data={"suite": "redact"}),
    ("GET", "/web/evals/runs/{run_id}/report.html"): Page(frozenset({ADMIN, REVIEWER}), 409, other_org=404),
    # Users: admins only.
    ("GET", "/web/admin/users"): Page(frozenset({ADMIN}), 200),
    ("POST", "/web/admin/users"): Page(
        frozenset({ADMIN}),
        303,
        data={
            "email": "matrix@example.org",
            "display_name": "Matrix",
            "role": "marketer",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    ),
    ("POST", "/web/admin/users/{user_id}/role"): Page(
        frozenset({ADMIN}), 303, other_org=404, data={"role": "reviewer"}
    ),
    ("POST", "/web/admin/users/{user_id}/lock"): Page(frozenset({ADMIN}), 303, other_org=404),
    ("POST", "/web/admin/users/{user_id}/unlock"): Page(frozenset({ADMIN}), 303, other_org=404),
}
# The sign-in form: open to anyone (its POST still needs the form's CSRF token).
WEB_PUBLIC = {("GET", "/web/login"), ("POST", "/web/login")}


def web_routes(client: TestClient) -> set[tuple[str, str]]:
    return {(method, path) for method, path in served_routes(client) if path.startswith("/web")}


def test_the_web_matrix_covers_every_page(web_client: TestClient) -> None:
    served = web_routes(web_client)
    missing = sorted(served - set(WEB_MATRIX) - WEB_PUBLIC)
    assert not missing, f"pages without a row in WEB_MATRIX (add who may use them): {missing}"
    stale = sorted((set(WEB_MATRIX) | WEB_PUBLIC) - served)
    assert not stale, f"WEB_MATRIX rows for pages that no longer exist: {stale}"


@dataclass
class Resources:
    sessions: sessionmaker[Session]
    organisation_id: uuid.UUID
    markers: set[str] = field(default_factory=set)

    def brief_id(self) -> str:
        with self.sessions() as session:
            submission = submit_brief(
                session,
                JobQueue(self.sessions),
                submitter=Submitter(organisation_id=self.organisation_id),
                brief=Brief.model_validate({"topic": "Owner-only topic", "platforms": ["facebook"]}),
                engine="modular",
                idempotency_key=uuid.uuid4().hex,
            )
        self.markers.add(str(submission.brief.id))
        return str(submission.brief.id)

    def draft_id(self) -> str:
        brief_id = uuid.UUID(self.brief_id())
        with self.sessions() as session:
            draft = DraftRow(
                organisation_id=self.organisation_id,
                brief_id=brief_id,
                platform="facebook",
                variant=1,
                engine="modular",
                state="needs_review",
                current_version=1,
            )
            session.add(draft)
            session.flush()
            session.add(
                DraftVersionRow(
                    draft_id=draft.id,
                    number=1,
                    text="Flu shots on Saturday.",
                    # A real hash: the audit trail refuses anything else (the review posts sign it).
                    content_sha256=hashlib.sha256(b"Flu shots on Saturday.").hexdigest(),
                    findings=[],
                    alt_texts=[],
                    rounds=0,
                    citations=[],
                    author="engine:modular",
                )
            )
            session.commit()
        self.markers.add(str(draft.id))
        return str(draft.id)

    def escalation_id(self) -> str:
        brief_id = uuid.UUID(self.brief_id())
        with self.sessions() as session:
            row = EscalationRow(
                organisation_id=self.organisation_id, brief_id=brief_id, kind="crisis", due_at=utcnow()
            )
            session.add(row)
            session.commit()
        self.markers.add(str(row.id))
        return str(row.id)

    def run_id(self) -> str:
        with self.sessions() as session:
            run = EvalRun(organisation_id=self.organisation_id, suite="redact", splits=[], options={})
            session.add(run)
            session.commit()
        self.markers.add(str(run.id))
        return str(run.id)

    def user_id(self) -> str:
        with self.sessions() as session:
            user = User(
                organisation_id=self.organisation_id,
                email=f"{uuid.uuid4().hex[:8]}@example.org",
                display_name="Matrix target",
                role=Role.marketer.value,
            )
            session.add(user)
            session.commit()
        self.markers.add(str(user.id))
        return str(user.id)


def fill(template: str, resources: Resources) -> str:
    factories: dict[str, Callable[[], str]] = {
        "brief_id": resources.brief_id,
        "draft_id": resources.draft_id,
        "escalation_id": resources.escalation_id,
        "run_id": resources.run_id,
        "user_id": resources.user_id,
    }
    return re.sub(r"\{(\w+)\}", lambda m: factories[m.group(1)](), template)


def call(client: TestClient, method: str, path: str, page: Page) -> Any:
    if method == "GET":
        return client.get(path, follow_redirects=False)
    token = csrf_of(client.get("/web").text)
    return client.post(
        path, data={**page.data, "csrf_token": token}, files=page.files or None, follow_redirects=False
    )


def expected(page: Page, role: Role, org: str) -> int:
    if role not in page.roles:
        return 403
    if org == OTHER and page.other_org is not None:
        return page.other_org
    return page.ok


def no_suite(name: str, splits: list[str] | None, options: dict[str, Any]) -> NoReturn:
    raise RuntimeError("the matrix starts runs; it does not run suites")


def test_every_page_for_every_role_in_both_organisations(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    cast(FastAPI, web_client.app).state.services.evals.runner = no_suite  # runs are started, not run
    people = {
        (org, role): make_person(sessions, org=org, role=role) for org in (OWNER, OTHER) for role in PEOPLE
    }
    resources = Resources(sessions, people[OWNER, ADMIN].organisation_id)
    # The owner has a knowledge library, so an edit is checked (and saved) rather than refused.
    libraries = cast(FastAPI, web_client.app).state.services.knowledge.libraries
    libraries.put(knowledge_org(resources.organisation_id), load_pack_library())
    mismatches = []
    for (method, template), page in WEB_MATRIX.items():
        for (org, role), person in people.items():
            assert sign_in(web_client, person).status_code == 303
            response = call(web_client, method, fill(template, resources), page)
            want = expected(page, role, org)
            if response.status_code != want:
                mismatches.append(
                    f"{method} {template} as {role} of {org}: {response.status_code}, want {want}"
                )
            elif org == OTHER and (leaked := {m for m in resources.markers if m in response.text}):
                mismatches.append(
                    f"{method} {template} as {role} of {org} shows the owner's {sorted(leaked)}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_strangers_are_sent_to_sign_in_and_their_posts_refused(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    resources = Resources(sessions, make_person(sessions, org=OWNER).organisation_id)
    for (method, template), page in WEB_MATRIX.items():
        path = fill(template, resources)
        if method == "GET":
            response = web_client.get(path, follow_redirects=False)
            assert response.status_code == 303, template
            assert response.headers["location"].startswith("/web/login?next="), template
        else:
            # No session, so no CSRF token: refused before the page runs.
            response = web_client.post(path, data=page.data, follow_redirects=False)
            assert response.status_code == 403, template


def test_a_machine_role_cannot_use_the_pages(web_client: TestClient, sessions: sessionmaker[Session]) -> None:
    """A user row with the integration role (never created by `users create`) is refused everywhere."""
    person = make_person(sessions, org=OWNER, role=MARKETER)
    with sessions() as session:
        session.get_one(User, person.user_id).role = Role.integration.value
        session.commit()
    assert (
        sign_in(
            web_client, Person(OWNER, person.email, Role.integration, person.user_id, person.organisation_id)
        ).status_code
        == 303
    )
    resources = Resources(sessions, person.organisation_id)
    for method, template in WEB_MATRIX:
        if method == "GET":
            response = web_client.get(fill(template, resources), follow_redirects=False)
            assert response.status_code == 403, template
