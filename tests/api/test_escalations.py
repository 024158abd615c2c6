"""The escalation queue: listing with filters, assignment, resolution, illegal moves, audit and webhooks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.background import job_handlers
from api.jobs.worker import Worker
from api.services import Services
from api.store.drafting_models import DraftRow
from api.store.library_repository import knowledge_org
from api.store.models import AuditEvent, Role
from api.store.webhook_models import WebhookDelivery
from knowledge.pack.loader import load_pack_library
from tests.api.helpers import assert_problem
from tests.api.signoff_helpers import make_draft, make_escalation
from tests.conftest import IssuedKey


@pytest.fixture
def reviewer(make_key: Callable[..., IssuedKey]) -> IssuedKey:
    return make_key("acme", Role.reviewer, "reviewer")


def test_the_queue_lists_most_urgent_first_with_filters(
    client: TestClient,
    reviewer: IssuedKey,
    sessions: sessionmaker[Session],
    make_key: Callable[..., IssuedKey],
) -> None:
    org = reviewer.organisation_id
    late = make_escalation(sessions, org, kind="adverse_event", due_in=timedelta(minutes=-30))
    soon = make_escalation(sessions, org, kind="crisis", due_in=timedelta(hours=2))
    later = make_escalation(sessions, org, kind="clinical_question", due_in=timedelta(hours=4))
    make_escalation(sessions, make_key("globex", Role.admin).organisation_id)  # never listed for acme

    everything = client.get("/v1/escalations", headers=reviewer.headers).json()
    assert [item["id"] for item in everything["items"]] == [str(late), str(soon), str(later)]
    assert everything["total"] == 3
    assert [item["overdue"] for item in everything["items"]] == [True, False, False]

    overdue = client.get("/v1/escalations", params={"overdue": "true"}, headers=reviewer.headers).json()
    assert [item["id"] for item in overdue["items"]] == [str(late)]
    not_overdue = client.get("/v1/escalations", params={"overdue": "false"}, headers=reviewer.headers).json()
    assert {item["id"] for item in not_overdue["items"]} == {str(soon), str(later)}
    crisis = client.get("/v1/escalations", params={"kind": "crisis"}, headers=reviewer.headers).json()
    assert [item["id"] for item in crisis["items"]] == [str(soon)]
    page = client.get("/v1/escalations", params={"limit": 1, "offset": 1}, headers=reviewer.headers).json()
    assert [item["id"] for item in page["items"]] == [str(soon)]
    assert page["total"] == 3

    client.post(
        f"/v1/escalations/{late}/resolve", json={"code": "adverse_event_reported"}, headers=reviewer.headers
    )
    # A resolved escalation is never overdue, however late it was.
    assert (
        client.get("/v1/escalations", params={"overdue": "true"}, headers=reviewer.headers).json()["total"]
        == 0
    )
    resolved = client.get("/v1/escalations", params={"state": "resolved"}, headers=reviewer.headers).json()
    assert [item["id"] for item in resolved["items"]] == [str(late)]


def test_assign_acknowledges_then_resolve_closes(
    client: TestClient,
    reviewer: IssuedKey,
    sessions: sessionmaker[Session],
    make_key: Callable[..., IssuedKey],
) -> None:
    escalation = make_escalation(sessions, reviewer.organisation_id)
    taken = client.post(f"/v1/escalations/{escalation}/assign", headers=reviewer.headers)
    assert taken.status_code == 200, taken.text
    body = taken.json()
    assert body["state"] == "acknowledged"
    assert body["owner"] == {"type": "key", "id": str(reviewer.key_id)}
    assert body["acknowledged_at"] is not None

    colleague = make_key("acme", Role.admin, "colleague")
    handed = client.post(
        f"/v1/escalations/{escalation}/assign",
        json={"owner_key_id": str(colleague.key_id)},
        headers=reviewer.headers,
    ).json()
    assert handed["state"] == "acknowledged"
    assert handed["owner"]["id"] == str(colleague.key_id)
    assert handed["acknowledged_at"] == body["acknowledged_at"]

    closed = client.post(
        f"/v1/escalations/{escalation}/resolve",
        json={"code": "referred_to_clinician"},
        headers=colleague.headers,
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "resolved"
    assert closed.json()["resolution_code"] == "referred_to_clinician"
    assert client.get(f"/v1/escalations/{escalation}", headers=reviewer.headers).json() == closed.json()

    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == str(escalation)).order_by(AuditEvent.seq)
        ).all()
    assert [e.event_type for e in events] == [
        "escalation.assigned",
        "escalation.assigned",
        "escalation.resolved",
    ]
    assert events[0].details["previous_state"] == "open"
    assert events[2].details == {
        "kind": "clinical_question",
        "state": "resolved",
        "overdue_now": False,
        "previous_state": "acknowledged",
        "code": "referred_to_clinician",
        "resolved_overdue": False,
    }
    assert events[2].actor_key_id == colleague.key_id


def test_illegal_state_changes_are_conflicts(
    client: TestClient, reviewer: IssuedKey, sessions: sessionmaker[Session]
) -> None:
    escalation = make_escalation(sessions, reviewer.organisation_id)
    resolve = {"code": "no_action_needed"}
    assert (
        client.post(
            f"/v1/escalations/{escalation}/resolve", json=resolve, headers=reviewer.headers
        ).status_code
        == 200
    )
    again = client.post(f"/v1/escalations/{escalation}/resolve", json=resolve, headers=reviewer.headers)
    assert "cannot be resolved again" in assert_problem(again, 409, "conflict")["detail"]
    assign = client.post(f"/v1/escalations/{escalation}/assign", headers=reviewer.headers)
    assert_problem(assign, 409, "conflict")
    assert client.get(f"/v1/escalations/{escalation}", headers=reviewer.headers).json()[
        "resolution_code"
    ] == ("no_action_needed")


def test_owners_must_belong_to_the_organisation(
    client: TestClient,
    reviewer: IssuedKey,
    sessions: sessionmaker[Session],
    make_key: Callable[..., IssuedKey],
) -> None:
    escalation = make_escalation(sessions, reviewer.organisation_id)
    stranger = make_key("globex", Role.reviewer)
    for body in (
        {"owner_key_id": str(stranger.key_id)},
        {"owner_user_id": str(uuid.uuid4())},
        {"owner_key_id": str(reviewer.key_id), "owner_user_id": str(uuid.uuid4())},
    ):
        refused = client.post(f"/v1/escalations/{escalation}/assign", json=body, headers=reviewer.headers)
        assert_problem(refused, 422, "validation")
    unknown_code = client.post(
        f"/v1/escalations/{escalation}/resolve", json={"code": "told_them_to_rest"}, headers=reviewer.headers
    )
    assert_problem(unknown_code, 422, "validation")
    assert client.get(f"/v1/escalations/{escalation}", headers=reviewer.headers).json()["state"] == "open"


def test_resolving_never_touches_the_draft(
    client: TestClient, reviewer: IssuedKey, sessions: sessionmaker[Session]
) -> None:
    draft_id = make_draft(sessions, reviewer.organisation_id, [("Thanks for asking.", [])])
    with sessions() as session:
        brief_id = session.scalars(select(DraftRow.brief_id).where(DraftRow.id == draft_id)).one()
    escalation = make_escalation(sessions, reviewer.organisation_id, brief_id=brief_id)
    client.post(
        f"/v1/escalations/{escalation}/resolve", json={"code": "answered_privately"}, headers=reviewer.headers
    )
    with sessions() as session:
        draft = session.get(DraftRow, draft_id)
        assert draft is not None
        assert draft.state == "needs_review"


def test_marketers_read_but_do_not_handle(
    client: TestClient, sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    marketer = make_key("acme", Role.marketer)
    escalation = make_escalation(sessions, marketer.organisation_id)
    assert client.get(f"/v1/escalations/{escalation}", headers=marketer.headers).status_code == 200
    assert_problem(
        client.post(f"/v1/escalations/{escalation}/assign", headers=marketer.headers), 403, "forbidden"
    )


def test_drafting_a_flagged_reply_emits_escalation_created_with_ids_only(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    admin = make_key("acme", Role.admin)
    services = client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services, Services)
    services.knowledge.libraries.put(knowledge_org(admin.organisation_id), load_pack_library())
    hook = client.post(
        "/v1/webhooks",
        json={"url": "https://93.184.216.34/carepost", "event_types": ["escalation.created"]},
        headers=admin.headers,
    )
    assert hook.status_code == 201, hook.text
    reply = {
        "topic": "Reply to a comment about a vaccine reaction",
        "content_type": "comment_reply",
        "platforms": ["facebook"],
        "reply_to": {
            "text": "My arm swelled up and I got hives after the flu shot at your clinic. Is that normal?"
        },
    }
    job = client.post("/v1/briefs", json=reply, headers={**admin.headers, "Idempotency-Key": "esc-1"}).json()
    worker = Worker(services.jobs, job_handlers(services), name="test-worker")
    while worker.run_once():
        pass
    queue = client.get("/v1/escalations", headers=admin.headers).json()
    assert "adverse_event" in {item["kind"] for item in queue["items"]}
    with sessions() as session:
        deliveries = session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_type == "escalation.created")
        ).all()
    assert len(deliveries) == queue["total"]
    payloads = {json.loads(d.body)["data"]["escalation_id"]: json.loads(d.body)["data"] for d in deliveries}
    for item in queue["items"]:
        data = payloads[item["id"]]
        assert data["kind"] == item["kind"]
        assert data["brief_id"] == job["brief_id"]
        assert set(data) == {"escalation_id", "kind", "brief_id", "draft_id", "due_at"}
    assert all("hives" not in d.body for d in deliveries)
