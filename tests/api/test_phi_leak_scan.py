"""Seeded synthetic identifiers go through the service; afterwards none may appear in any log line, audit
row, webhook payload, job row, error body or any other stored column that is not content.

The flow is a list of steps (`STEPS`); a new feature (the review workflow, publishing) adds its steps
there and is scanned the same way. The scan covers every column of every table in the database, except
the few columns whose purpose is to hold the submitted content (`CONTENT_COLUMNS`), so a new table is
scanned without anyone remembering to add it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session, sessionmaker

from api.background import job_handlers
from api.jobs.worker import Worker
from api.logs import JsonFormatter, configure_logging
from api.services import Services
from api.store.library_repository import knowledge_org
from api.store.models import Role
from api.webhooks.events import EventType
from knowledge.pack.loader import load_pack_library
from tests.api.webhook_helpers import make_config, webhook_factory
from tests.conftest import IssuedKey

# Synthetic, and unusual enough that a hit is never a coincidence.
NAME = "Marisol Vantongeren"
SURNAME = "Vantongeren"
MRN = "48213957"
PHONE = "555-014-2298"
EMAIL = "marisol.vantongeren@example.net"
DOB = "03/14/1961"
IDENTIFIERS = (NAME, SURNAME, MRN, PHONE, EMAIL, DOB)
SENTENCE = f"Our patient {NAME} (MRN {MRN}, born {DOB}, {PHONE}, {EMAIL}) finished chemotherapy today."

# (table, column) pairs that hold submitted content by design: the brief as submitted, the draft text.
CONTENT_COLUMNS = {("briefs", "content"), ("draft_versions", "text"), ("draft_versions", "alt_texts")}


class Capture(logging.Handler):
    """Every record of every logger, as the shipped JSON line (message, extras, traceback)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.formatter_ = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.formatter_.format(record))


@pytest.fixture
def captured_logs() -> Iterator[Capture]:
    """The service's logging at its most verbose (`configure_logging("DEBUG")`, as CAREPOST_LOG_LEVEL=DEBUG
    sets it), every record of every logger captured as the JSON line it would ship."""
    capture = Capture()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved = {
        name: (logger.level, logger.disabled)
        for name, logger in [(n, logging.getLogger(n)) for n in list(logging.root.manager.loggerDict)]
    }
    configure_logging("DEBUG")
    root.handlers[:] = [capture]  # instead of stderr
    isolated = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if not logging.getLogger(name).propagate
    ]
    for logger in isolated:
        logger.addHandler(capture)
    try:
        yield capture
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for logger in isolated:
            logger.removeHandler(capture)
        for name, (level, disabled) in saved.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).disabled = disabled


@dataclass
class Flow:
    client: TestClient
    services: Services
    marketer: IssuedKey
    reviewer: IssuedKey
    admin: IssuedKey
    # Bodies that must not echo what was sent (errors, check and redact results); content reads are not here.
    bodies: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, key: IssuedKey, **kwargs: Any) -> Any:
        response = self.client.request(
            method, path, headers={**key.headers, **kwargs.pop("headers", {})}, **kwargs
        )
        self.bodies.append(f"{method} {path} -> {response.status_code}: {response.text}")
        return response

    def work(self) -> None:
        worker = Worker(self.services.jobs, job_handlers(self.services), name="scan-worker")
        while worker.run_once():
            pass


def brief_with_identifiers(flow: Flow) -> None:
    brief = {
        "topic": "A thank-you from our oncology team",
        "platforms": ["facebook", "x"],
        "audience": f"Friends of {NAME}",
        "call_to_action": "Read the story",
        "key_messages": [SENTENCE],
        "topics": ["oncology"],
    }
    response = flow.call(
        "POST", "/v1/briefs", flow.marketer, json=brief, headers={"Idempotency-Key": "scan-1"}
    )
    assert response.status_code == 202
    flow.work()
    job = flow.client.get(response.headers["location"], headers=flow.marketer.headers).json()
    assert job["state"] == "succeeded"
    brief_view = flow.client.get(f"/v1/briefs/{job['brief_id']}", headers=flow.marketer.headers).json()
    for draft in brief_view["drafts"]:
        body = flow.client.get(f"/v1/drafts/{draft['id']}", headers=flow.marketer.headers).json()
        findings = json.dumps(body["findings"])
        assert not any(identifier in findings for identifier in IDENTIFIERS)


def reply_with_identifiers(flow: Flow) -> None:
    brief = {
        "topic": "Reply to a review",
        "content_type": "review_response",
        "platforms": ["google_business"],
        "reply_to": {
            "text": f"I am {NAME}, DOB {DOB}. Call me at {PHONE} or {EMAIL} about my MRN {MRN} bill."
        },
    }
    response = flow.call(
        "POST", "/v1/briefs", flow.marketer, json=brief, headers={"Idempotency-Key": "scan-2"}
    )
    assert response.status_code == 202
    flow.work()


def refused_brief_with_identifiers(flow: Flow) -> None:
    """Invalid input: the 422 names fields, never the values."""
    brief = {"topic": SENTENCE, "platforms": [NAME], "key_messages": MRN}
    response = flow.call(
        "POST", "/v1/briefs", flow.marketer, json=brief, headers={"Idempotency-Key": "scan-3"}
    )
    assert response.status_code == 422


def check_and_redact(flow: Flow) -> None:
    checked = flow.call(
        "POST",
        "/v1/check",
        flow.marketer,
        json={"text": SENTENCE, "platform": "facebook", "content_type": "post"},
    )
    assert checked.status_code == 200
    assert checked.json()["blocked"] is True
    redacted = flow.call("POST", "/v1/redact", flow.marketer, json={"text": SENTENCE})
    assert redacted.status_code == 200
    bad = flow.call("POST", "/v1/check", flow.marketer, json={"text": SENTENCE, "platform": NAME})
    assert bad.status_code == 422


def consents(flow: Flow) -> None:
    scope = {"content_types": ["post"], "platforms": ["facebook"]}
    refused = flow.call(
        "POST",
        "/v1/consents",
        flow.reviewer,
        json={"subject_hint": NAME, "scope": scope, "signed_on": str(date(2026, 11, 1)), "document_ref": MRN},
    )
    assert refused.status_code == 422  # a full name is not a hint
    created = flow.call(
        "POST",
        "/v1/consents",
        flow.reviewer,
        json={
            "subject_hint": "Marisol V.",
            "scope": scope,
            "signed_on": "2026-11-01",
            "document_ref": "DOC-1",
        },
    )
    assert created.status_code == 201
    revoked = flow.call(
        "POST",
        f"/v1/consents/{created.json()['id']}/revoke",
        flow.reviewer,
        json={"reason": "patient_request"},
    )
    assert revoked.status_code == 200


def webhook_ping(flow: Flow) -> None:
    """So the outbox holds at least one payload; workflow events will add theirs."""
    (webhook,) = flow.client.get("/v1/webhooks", headers=flow.admin.headers).json()["items"]
    assert flow.call("POST", f"/v1/webhooks/{webhook['id']}/ping", flow.admin).status_code == 202


STEPS: list[Callable[[Flow], None]] = [
    brief_with_identifiers,
    reply_with_identifiers,
    refused_brief_with_identifiers,
    check_and_redact,
    consents,
    webhook_ping,
]


def stored_values(sessions: sessionmaker[Session]) -> Iterator[tuple[str, str, str]]:
    """(table, column, value as text) for every non-null value of every table, content columns aside."""
    with sessions() as session:
        metadata = MetaData()
        metadata.reflect(bind=session.get_bind())
        for table in metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or (table.name, column) in CONTENT_COLUMNS:
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    yield table.name, column, text


def test_no_seeded_identifier_leaks_anywhere(
    client: TestClient,
    make_key: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    captured_logs: Capture,
) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services, Services)
    marketer = make_key("acme", Role.marketer)
    reviewer = make_key("acme", Role.reviewer)
    admin = make_key("acme", Role.admin)
    services.knowledge.libraries.put(knowledge_org(marketer.organisation_id), load_pack_library())
    # A subscriber to every event, so whatever the flow emits lands in the outbox and is scanned.
    webhook_factory(sessions, make_config())(marketer.organisation_id, events=list(EventType))
    flow = Flow(client, services, marketer, reviewer, admin)
    for step in STEPS:
        step(flow)

    assert captured_logs.lines, "the capture saw no log line at all"
    leaks = [f"log: {line[:200]}" for line in captured_logs.lines if any(i in line for i in IDENTIFIERS)]
    leaks += [f"response: {body[:200]}" for body in flow.bodies if any(i in body for i in IDENTIFIERS)]
    scanned: set[str] = set()
    for table, column, text in stored_values(sessions):
        scanned.add(table)
        if any(identifier in text for identifier in IDENTIFIERS):
            leaks.append(f"{table}.{column}")
    assert {"audit_events", "jobs", "webhook_deliveries", "drafts", "consents"} <= scanned
    assert not leaks, "\n".join(leaks)


def test_the_scan_finds_an_identifier_where_one_is_planted(
    sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey], captured_logs: Capture
) -> None:
    """The scan itself can fail: an identifier written to the audit trail and the log is found."""
    from api.store.repositories import AuditRepository

    key = make_key("acme", Role.admin)
    with sessions() as session:
        AuditRepository(session).record(
            organisation_id=key.organisation_id,
            event_type="test.planted",
            subject_type="test",
            subject_id=MRN,
        )
        session.commit()
    logging.getLogger("carepost.test").debug("planted", extra={"value": EMAIL})
    assert any(table == "audit_events" and MRN in text for table, _, text in stored_values(sessions))
    assert any(EMAIL in line for line in captured_logs.lines)
