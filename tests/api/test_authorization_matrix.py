"""Authorisation matrix: every endpoint x every role x the key's own or another organisation.

The expectations are written out below by hand: they are the policy, not a copy
of the implementation. Adding a route without a row here fails
`test_the_matrix_covers_every_route`, so whoever adds an endpoint decides (and
reviews) who may call it. A row says which roles are admitted (the others get
403), the status an admitted key of the owning organisation gets, and, for a
route that addresses one resource, what an admitted key of another organisation
gets when it names that resource (404: it must not even learn it exists).
Collection routes are checked the other way round: nothing another organisation
reads may contain an identifier of the owner's.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agents.brief import Brief
from api.drafting.submit import Submission, Submitter, submit_brief
from api.jobs.queue import JobQueue
from api.settings import Settings
from api.store.drafting_models import DraftRow, DraftVersionRow, EscalationRow
from api.store.eval_models import EvalRun, EvalRunState
from api.store.models import AuditEvent, Role, utcnow
from api.store.webhook_models import WebhookDelivery
from evals.runner import load_suite, run_suite
from tests.conftest import IssuedKey
from tests.evals.helpers import FakeChecker, guardrail_suite

ADMIN, REVIEWER, MARKETER, INTEGRATION = Role.admin, Role.reviewer, Role.marketer, Role.integration
EVERY_ROLE = frozenset(Role)
OWNER, OTHER = "owner-org", "other-org"


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role]
    ok: int
    other_org: int | None = None  # for routes naming one resource; None for collection routes
    # Query, json or multipart for a valid call; a function of the calling key when the body must
    # carry its secret (an e-signature re-authenticates with it).
    request: dict[str, Any] | Callable[[IssuedKey], dict[str, Any]] = field(default_factory=dict)


def admits(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


CHECK_BODY = {"text": "Our flu shot clinic is open Saturday.", "platform": "facebook", "content_type": "post"}

CONSENT_BODY = {
    "subject_hint": "Maria L.",
    "scope": {"content_types": ["post"], "platforms": ["facebook"]},
    "signed_on": "2026-01-10",
    "document_ref": "dms:consent/matrix",
}

BRIEF_BODY = {"topic": "Free Saturday flu shot clinics", "platforms": ["facebook"]}
# An address literal: registration checks it without a name lookup; nothing is ever sent in this test.
WEBHOOK_BODY = {"url": "https://93.184.216.34/carepost", "event_types": ["draft.approved"]}


def signing(meaning: str, **body: Any) -> Callable[[IssuedKey], dict[str, Any]]:
    """A request whose e-signature re-authenticates with the calling key's own secret."""
    return lambda key: {"json": {"signature": {"meaning": meaning, "credential": key.secret}, **body}}


DISPOSITION = "/v1/drafts/{draft_id}/versions/{version}/findings/{finding_index}/disposition"
# The draft fixture's first version has this one finding: a warning, so the draft can still be approved.
DRAFT_FINDING = {
    "rule_id": "unsubstantiated_claim.superlative",
    "category": "unsubstantiated_claim",
    "severity": "warn",
    "start": 0,
    "end": 3,
    "message": "An unqualified superlative.",
}

# (method, path template as in the OpenAPI document) -> who may do it.
MATRIX: dict[tuple[str, str], Access] = {
    ("GET", "/v1/organisations/me"): Access(EVERY_ROLE, 200),
    ("GET", "/v1/keys"): Access(admits(ADMIN), 200),
    ("POST", "/v1/keys"): Access(admits(ADMIN), 201, request={"json": {"name": "new", "role": "marketer"}}),
    ("GET", "/v1/keys/{key_id}"): Access(admits(ADMIN), 200, other_org=404),
    ("DELETE", "/v1/keys/{key_id}"): Access(admits(ADMIN), 204, other_org=404),
    ("GET", "/v1/audit/events"): Access(admits(ADMIN, REVIEWER), 200),
    ("GET", "/v1/audit/events/{event_id}"): Access(admits(ADMIN, REVIEWER), 200, other_org=404),
    ("GET", "/v1/audit/export"): Access(admits(ADMIN, REVIEWER), 200),
    ("POST", "/v1/check"): Access(EVERY_ROLE, 200, request={"json": CHECK_BODY}),
    ("GET", "/v1/check/context-schema"): Access(EVERY_ROLE, 200),
    ("POST", "/v1/redact"): Access(EVERY_ROLE, 200, request={"json": {"text": "Call Ana on 555-0100."}}),
    ("POST", "/v1/knowledge/documents"): Access(
        admits(ADMIN),
        201,
        request={
            "data": {"kind": "policy"},
            "files": {
                "file": ("visiting-hours.md", b"# Visiting\n\nVisiting hours end at 8pm.\n", "text/markdown")
            },
        },
    ),
    ("GET", "/v1/knowledge/documents"): Access(EVERY_ROLE, 200),
    ("DELETE", "/v1/knowledge/documents/{doc_id}"): Access(admits(ADMIN), 204, other_org=404),
    ("GET", "/v1/knowledge/search"): Access(EVERY_ROLE, 200, request={"params": {"q": "visiting hours"}}),
    ("GET", "/v1/knowledge/products"): Access(EVERY_ROLE, 200),
    ("GET", "/v1/knowledge/claims"): Access(EVERY_ROLE, 200),
    ("GET", "/v1/knowledge/disclaimers"): Access(EVERY_ROLE, 200),
    # Neither organisation has a brand library yet: admitted keys learn that (404), others get 403.
    ("GET", "/v1/knowledge/brand"): Access(EVERY_ROLE, 404),
    ("GET", "/v1/knowledge/templates"): Access(EVERY_ROLE, 200),
    # Patient authorisations: compliance records them, marketers read them, machine clients neither.
    ("POST", "/v1/consents"): Access(admits(ADMIN, REVIEWER), 201, request={"json": CONSENT_BODY}),
    ("GET", "/v1/consents"): Access(admits(ADMIN, REVIEWER, MARKETER), 200),
    ("GET", "/v1/consents/{consent_id}"): Access(admits(ADMIN, REVIEWER, MARKETER), 200, other_org=404),
    ("POST", "/v1/consents/{consent_id}/revoke"): Access(
        admits(ADMIN, REVIEWER), 200, other_org=404, request={"json": {"reason": "other"}}
    ),
    # Drafting: people and plugins that write content submit briefs; every role reads the results.
    ("POST", "/v1/briefs"): Access(
        admits(ADMIN, MARKETER, INTEGRATION),
        202,
        request={"json": BRIEF_BODY, "headers": {"Idempotency-Key": "matrix"}},
    ),
    ("GET", "/v1/briefs/{brief_id}"): Access(EVERY_ROLE, 200, other_org=404),
    ("GET", "/v1/jobs/{job_id}"): Access(EVERY_ROLE, 200, other_org=404),
    ("GET", "/v1/drafts/{draft_id}"): Access(EVERY_ROLE, 200, other_org=404),
    # The review workflow: marketers edit, reviewers decide, the CMS publishes. The owner's draft is
    # in needs_review, so an override or a publish is refused by the state machine (409), and an
    # edit cannot be checked because the owner has no knowledge library (409): both after the role
    # and organisation checks this test is about.
    ("GET", "/v1/drafts"): Access(EVERY_ROLE, 200, request={"params": {"state": "needs_review"}}),
    ("POST", "/v1/drafts/{draft_id}/versions"): Access(
        admits(ADMIN, MARKETER), 409, other_org=404, request={"json": {"text": "Flu shots on Sunday."}}
    ),
    ("GET", "/v1/drafts/{draft_id}/versions/{number}"): Access(EVERY_ROLE, 200, other_org=404),
    ("GET", "/v1/drafts/{draft_id}/diff"): Access(
        EVERY_ROLE, 200, other_org=404, request={"params": {"from": 1, "to": 1}}
    ),
    ("GET", "/v1/drafts/{draft_id}/review"): Access(EVERY_ROLE, 200, other_org=404),
    ("POST", "/v1/drafts/{draft_id}/approve"): Access(
        admits(REVIEWER), 200, other_org=404, request=signing("approved_for_publication")
    ),
    ("POST", "/v1/drafts/{draft_id}/request-changes"): Access(
        admits(REVIEWER), 200, other_org=404, request={"json": {"reason": "Shorter."}}
    ),
    ("POST", "/v1/drafts/{draft_id}/reject"): Access(
        admits(REVIEWER), 200, other_org=404, request=signing("rejected_for_publication", reason="No.")
    ),
    ("POST", "/v1/drafts/{draft_id}/override"): Access(
        admits(REVIEWER),
        409,
        other_org=404,
        request=signing("block_finding_overridden", reason="Fine.", finding_indexes=[0]),
    ),
    ("POST", "/v1/drafts/{draft_id}/publish"): Access(
        admits(INTEGRATION), 409, other_org=404, request={"json": {"content_sha256": "0" * 64}}
    ),
    ("POST", "/v1/drafts/{draft_id}/archive"): Access(EVERY_ROLE, 200, other_org=404),
    # The approval policy is the organisation's configuration: admins only.
    ("GET", "/v1/approval-policy"): Access(admits(ADMIN), 200),
    ("PUT", "/v1/approval-policy"): Access(
        admits(ADMIN),
        200,
        request={"json": {"steps": [{"name": "compliance", "mode": "any", "role": "reviewer"}]}},
    ),
    # Webhooks are integration plumbing: the organisation's admin and its machine clients only.
    ("GET", "/v1/webhooks/events"): Access(admits(ADMIN, INTEGRATION), 200),
    ("POST", "/v1/webhooks"): Access(admits(ADMIN, INTEGRATION), 201, request={"json": WEBHOOK_BODY}),
    ("GET", "/v1/webhooks"): Access(admits(ADMIN, INTEGRATION), 200),
    ("GET", "/v1/webhooks/{webhook_id}"): Access(admits(ADMIN, INTEGRATION), 200, other_org=404),
    ("PATCH", "/v1/webhooks/{webhook_id}"): Access(
        admits(ADMIN, INTEGRATION), 200, other_org=404, request={"json": {"description": "cms"}}
    ),
    ("DELETE", "/v1/webhooks/{webhook_id}"): Access(admits(ADMIN, INTEGRATION), 204, other_org=404),
    ("POST", "/v1/webhooks/{webhook_id}/rotate-secret"): Access(
        admits(ADMIN, INTEGRATION), 200, other_org=404
    ),
    ("POST", "/v1/webhooks/{webhook_id}/ping"): Access(admits(ADMIN, INTEGRATION), 202, other_org=404),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): Access(admits(ADMIN, INTEGRATION), 200, other_org=404),
    ("POST", "/v1/webhooks/deliveries/{delivery_id}/redeliver"): Access(
        admits(ADMIN, INTEGRATION), 202, other_org=404
    ),
    # Eval runs: compliance and admins measure the guardrails. The split does not exist, so each
    # accepted run fails in the background at once instead of loading models.
    ("POST", "/v1/evals/runs"): Access(
        admits(ADMIN, REVIEWER), 202, request={"json": {"suite": "redact", "splits": ["matrix"]}}
    ),
    ("GET", "/v1/evals/runs"): Access(admits(ADMIN, REVIEWER), 200),
    ("GET", "/v1/evals/runs/{run_id}"): Access(admits(ADMIN, REVIEWER), 200, other_org=404),
    ("GET", "/v1/evals/runs/{run_id}/report.html"): Access(admits(ADMIN, REVIEWER), 200, other_org=404),
    # The escalation queue: marketers see what is waiting; reviewers and admins take and close it.
    ("GET", "/v1/review-queue"): Access(admits(ADMIN, REVIEWER), 200),
    ("GET", "/v1/escalations"): Access(admits(ADMIN, REVIEWER, MARKETER), 200),
    ("GET", "/v1/escalations/{escalation_id}"): Access(admits(ADMIN, REVIEWER, MARKETER), 200, other_org=404),
    ("POST", "/v1/escalations/{escalation_id}/assign"): Access(admits(ADMIN, REVIEWER), 200, other_org=404),
    ("POST", "/v1/escalations/{escalation_id}/resolve"): Access(
        admits(ADMIN, REVIEWER), 200, other_org=404, request={"json": {"code": "answered_privately"}}
    ),
    # Finding dispositions: compliance decides findings and exports them as eval cases.
    ("GET", DISPOSITION): Access(admits(ADMIN, REVIEWER), 200, other_org=404),
    ("PUT", DISPOSITION): Access(
        admits(ADMIN, REVIEWER),
        200,
        other_org=404,
        request={"json": {"disposition": "false_positive", "reason": "a staff member"}},
    ),
    ("GET", "/v1/dispositions/export"): Access(admits(ADMIN, REVIEWER), 200),
}
# Open to anyone, with or without a key.
PUBLIC: dict[tuple[str, str], int] = {
    ("GET", "/healthz"): 200,
    ("GET", "/readyz"): 200,
    ("GET", "/openapi.json"): 200,
    ("GET", "/docs"): 200,
    ("GET", "/docs/init.js"): 200,
}


def _walk(routes: list[Any]) -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        # FastAPI >= 0.16x wraps included routers; each context carries the full path.
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                yield context.path, set(getattr(context.original_route, "methods", None) or ())
        elif getattr(route, "methods", None):
            yield route.path, set(route.methods)


def served_routes(client: TestClient) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, documented or not, with converters like `:path` dropped."""
    served = set()
    for path, methods in _walk(client.app.routes):  # type: ignore[attr-defined]
        served |= {(method, re.sub(r"\{(\w+):\w+\}", r"{\1}", path)) for method in methods - {"HEAD"}}
    documented = client.get("/openapi.json").json()["paths"]
    return served | {(method.upper(), path) for path, item in documented.items() for method in item}


@pytest.fixture
def client(test_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    """Rate limits off: one admin key builds every fixture resource, which is not what limits are about."""
    with TestClient(app_factory(test_settings.model_copy(update={"rate_limit_enabled": False}))) as client:
        yield client


def test_the_matrix_covers_every_route(client: TestClient) -> None:
    # The web pages (/web) sign in with session cookies, not keys: their own role x page matrix
    # (tests/api/web/test_web_matrix.py) covers them.
    served = {(method, path) for method, path in served_routes(client) if not path.startswith("/web")}
    missing = sorted(served - set(MATRIX) - set(PUBLIC))
    assert not missing, f"routes without a row in MATRIX (add who may call them): {missing}"
    stale = sorted((set(MATRIX) | set(PUBLIC)) - served)
    assert not stale, f"MATRIX rows for routes that no longer exist: {stale}"


@dataclass
class Owner:
    """The organisation whose resources every call names, and the identifiers it must not leak."""

    client: TestClient
    admin: IssuedKey
    make_key: Callable[..., IssuedKey]
    sessions: sessionmaker[Session]
    markers: set[str] = field(default_factory=set)

    def key_id(self) -> str:
        key = self.make_key(org=OWNER, role=MARKETER, name="matrix target")
        self.markers.add(str(key.key_id))
        return str(key.key_id)

    def event_id(self) -> str:
        with self.sessions() as session:
            event_id = session.scalars(
                select(AuditEvent.id).where(AuditEvent.organisation_id == self.admin.organisation_id).limit(1)
            ).one()
        self.markers.add(str(event_id))
        return str(event_id)

    def doc_id(self) -> str:
        doc_id = f"owner-only-{uuid.uuid4().hex[:12]}"
        response = self.client.post(
            "/v1/knowledge/documents",
            data={"kind": "policy", "doc_id": doc_id},
            files={"file": (f"{doc_id}.md", b"# Parking\n\nStaff park on level 3.\n", "text/markdown")},
            headers=self.admin.headers,
        )
        assert response.status_code == 201, response.text
        self.markers.add(doc_id)
        return doc_id

    def consent_id(self) -> str:
        response = self.client.post("/v1/consents", json=CONSENT_BODY, headers=self.admin.headers)
        assert response.status_code == 201, response.text
        consent_id: str = response.json()["id"]
        self.markers.add(consent_id)
        return consent_id

    def _submission(self) -> Submission:
        with self.sessions() as session:
            submission = submit_brief(
                session,
                JobQueue(self.sessions),
                submitter=Submitter(organisation_id=self.admin.organisation_id),
                brief=Brief.model_validate(BRIEF_BODY),
                engine="modular",
                idempotency_key=uuid.uuid4().hex,
            )
        self.markers |= {str(submission.brief.id), str(submission.job.id)}
        return submission

    def brief_id(self) -> str:
        return str(self._submission().brief.id)

    def job_id(self) -> str:
        return str(self._submission().job.id)

    def draft_id(self) -> str:
        brief_id = self._submission().brief.id
        with self.sessions() as session:
            draft = DraftRow(
                organisation_id=self.admin.organisation_id,
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
                    # A real digest: the workflow audits it, and the audit refuses digit-only values.
                    content_sha256=hashlib.sha256(b"Flu shots on Saturday.").hexdigest(),
                    findings=[DRAFT_FINDING],
                    alt_texts=[],
                    rounds=0,
                    citations=[],
                    author="engine:modular",
                )
            )
            session.commit()
        self.markers.add(str(draft.id))
        return str(draft.id)

    def number(self) -> str:
        return "1"  # a draft version: every draft has its first

    def _webhook(self) -> tuple[str, IssuedKey]:
        # A key of its own: the owner's admin key would run into its rate-limit burst.
        key = self.make_key(org=OWNER, role=INTEGRATION, name="webhook maker")
        response = self.client.post("/v1/webhooks", json=WEBHOOK_BODY, headers=key.headers)
        assert response.status_code == 201, response.text
        webhook_id: str = response.json()["id"]
        self.markers.add(webhook_id)
        return webhook_id, key

    def webhook_id(self) -> str:
        return self._webhook()[0]

    def delivery_id(self) -> str:
        webhook_id, key = self._webhook()
        ping = self.client.post(f"/v1/webhooks/{webhook_id}/ping", headers=key.headers)
        assert ping.status_code == 202, ping.text
        with self.sessions() as session:
            delivery_id = session.scalars(
                select(WebhookDelivery.id).where(
                    WebhookDelivery.event_id == uuid.UUID(ping.json()["event_id"])
                )
            ).one()
        self.markers.add(str(delivery_id))
        return str(delivery_id)

    def run_id(self) -> str:
        """A finished eval run of the owner's, with a real report (a small suite, a fake checker)."""
        with tempfile.TemporaryDirectory() as tmp:
            suite = guardrail_suite(Path(tmp))
            report = run_suite(load_suite(str(suite)), checker_factory=FakeChecker)
        with self.sessions() as session:
            run = EvalRun(
                organisation_id=self.admin.organisation_id,
                suite="guardrails",
                splits=[],
                options={},
                state=EvalRunState.succeeded.value,
                passed=report.passed,
                report=report.model_dump(mode="json"),
            )
            session.add(run)
            session.commit()
            run_id = str(run.id)
        self.markers.add(run_id)
        return run_id

    def version(self) -> str:
        return "1"  # of the draft its draft_id names

    def finding_index(self) -> str:
        return "0"  # DRAFT_FINDING

    def escalation_id(self) -> str:
        brief_id = self._submission().brief.id
        with self.sessions() as session:
            row = EscalationRow(
                organisation_id=self.admin.organisation_id,
                brief_id=brief_id,
                kind="clinical_question",
                due_at=utcnow() + timedelta(hours=4),
            )
            session.add(row)
            session.commit()
        self.markers.add(str(row.id))
        return str(row.id)


def fill(template: str, owner: Owner) -> str:
    """The path with each parameter naming a fresh resource of the owner (a new route's owner adds one)."""
    factories = {
        "key_id": owner.key_id,
        "event_id": owner.event_id,
        "doc_id": owner.doc_id,
        "consent_id": owner.consent_id,
        "brief_id": owner.brief_id,
        "job_id": owner.job_id,
        "draft_id": owner.draft_id,
        "webhook_id": owner.webhook_id,
        "delivery_id": owner.delivery_id,
        "run_id": owner.run_id,
        "number": owner.number,
        "escalation_id": owner.escalation_id,
        "version": owner.version,
        "finding_index": owner.finding_index,
    }
    return re.sub(r"\{(\w+)\}", lambda m: factories[m.group(1)](), template)


def expected_status(access: Access, role: Role, org: str) -> int:
    if role not in access.roles:
        return 403
    if org == OTHER and access.other_org is not None:
        return access.other_org
    return access.ok


def test_every_route_for_every_role_in_both_organisations(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    owner = Owner(client, make_key(org=OWNER, role=ADMIN), make_key, sessions)
    owner.markers.add(str(owner.admin.organisation_id))
    keys = {
        (org, role): make_key(org=org, role=role, name=f"{org} {role}")
        for org in (OWNER, OTHER)
        for role in Role
    }
    owner.doc_id()  # so collection routes have an owner document that must not leak
    mismatches = []
    calls = 0
    for (method, template), access in MATRIX.items():
        for org in (OWNER, OTHER):
            for role in Role:
                path = fill(template, owner)
                key = keys[org, role]
                request = dict(access.request(key) if callable(access.request) else access.request)
                headers = {**key.headers, **request.pop("headers", {})}
                response = client.request(method, path, headers=headers, **request)
                calls += 1
                want = expected_status(access, role, org)
                if response.status_code != want:
                    mismatches.append(
                        f"{method} {template} as {role} of {org}: {response.status_code}, want {want}"
                    )
                elif org == OTHER and (leaked := {m for m in owner.markers if m in response.text}):
                    mismatches.append(
                        f"{method} {template} as {role} of {org} shows the owner's {sorted(leaked)}"
                    )
    assert not mismatches, "\n".join(mismatches)
    assert calls == len(MATRIX) * 2 * len(Role)


def test_public_routes_need_no_key(client: TestClient) -> None:
    for (method, path), status in PUBLIC.items():
        assert client.request(method, path).status_code == status, (method, path)
