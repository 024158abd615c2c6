"""The consent registry over HTTP: roles, validation without echoes, revocation and its seam."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.consents import registry
from api.consents.withdrawal import ConsentWithdrawal
from api.store.models import Role
from tests.api.helpers import assert_problem
from tests.api.test_consent_registry import consent_body
from tests.conftest import IssuedKey


def create(client: TestClient, key: IssuedKey, **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/consents", json=consent_body(**overrides), headers=key.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/v1/consents/{body['id']}"
    return body


def test_reviewers_record_and_marketers_read(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    reviewer = make_key("acme", Role.reviewer)
    marketer = make_key("acme", Role.marketer)
    created = create(client, reviewer)
    assert created["status"] == "active"
    assert created["subject_hint"] == "Maria L."
    assert created["scope"] == {
        "content_types": ["post"],
        "platforms": ["facebook", "instagram"],
        "media_kinds": [],
        "topic": None,
    }
    assert client.get(f"/v1/consents/{created['id']}", headers=marketer.headers).json() == created
    page = client.get("/v1/consents", headers=marketer.headers).json()
    assert (page["total"], page["items"][0]["id"]) == (1, created["id"])
    assert_problem(
        client.post("/v1/consents", json=consent_body(), headers=marketer.headers), 403, "forbidden"
    )


def test_roles_outside_the_registry_are_refused(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    integration = make_key("acme", Role.integration)
    admin = make_key("acme", Role.admin)
    created = create(client, admin)
    assert_problem(client.get("/v1/consents", headers=integration.headers), 403, "forbidden")
    assert_problem(
        client.post(
            f"/v1/consents/{created['id']}/revoke", json={"reason": "other"}, headers=integration.headers
        ),
        403,
        "forbidden",
    )


def test_another_organisations_consent_is_not_found(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    created = create(client, make_key("acme", Role.reviewer))
    other = make_key("globex", Role.reviewer)
    assert_problem(client.get(f"/v1/consents/{created['id']}", headers=other.headers), 404, "not-found")
    revoke = client.post(
        f"/v1/consents/{created['id']}/revoke", json={"reason": "other"}, headers=other.headers
    )
    assert_problem(revoke, 404, "not-found")
    assert client.get("/v1/consents", headers=other.headers).json()["total"] == 0


def test_invalid_consents_are_refused_without_echoing_them(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    reviewer = make_key("acme", Role.reviewer)
    for body in (
        consent_body(subject_hint="Maria Lopez"),
        consent_body(subject_hint="Lopez 1957-03-02"),
        consent_body(document_ref="Lopez signed form"),
        consent_body(signed_on="2999-01-01", expires_on=None),
    ):
        response = client.post("/v1/consents", json=body, headers=reviewer.headers)
        assert_problem(response, 422, "validation")
        assert "Lopez" not in response.text
        assert "2999" not in response.text
    assert client.get("/v1/consents", headers=reviewer.headers).json()["total"] == 0


def test_revocation_is_recorded_once_and_reaches_the_seam(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    reviewer = make_key("acme", Role.reviewer)
    created = create(client, reviewer)
    consent_id = uuid.UUID(created["id"])
    with sessions() as session:
        registry.record_use(session, reviewer.organisation_id, consent_id, "draft-1")
        session.commit()
    calls: list[ConsentWithdrawal] = []
    services = client.app.state.services  # type: ignore[attr-defined]
    services.consent_withdrawal = lambda session, withdrawal: calls.append(withdrawal)

    revoked = client.post(
        f"/v1/consents/{consent_id}/revoke", json={"reason": "patient_request"}, headers=reviewer.headers
    )
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["status"], revoked.json()["revocation_reason"]) == ("revoked", "patient_request")
    assert [(c.consent_id, c.cause, c.draft_ids) for c in calls] == [(consent_id, "revoked", ("draft-1",))]

    again = client.post(
        f"/v1/consents/{consent_id}/revoke", json={"reason": "other"}, headers=reviewer.headers
    )
    assert_problem(again, 409, "conflict")
    assert client.get(f"/v1/consents/{consent_id}", headers=reviewer.headers).json()["revocation_reason"] == (
        "patient_request"
    )
    free_text = client.post(
        f"/v1/consents/{consent_id}/revoke", json={"reason": "Maria asked"}, headers=reviewer.headers
    )
    assert_problem(free_text, 422, "validation")

    listed = client.get("/v1/consents?status=revoked", headers=reviewer.headers).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert client.get("/v1/consents?status=active", headers=reviewer.headers).json()["total"] == 0


def test_audit_events_hold_ids_and_codes_only(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key("acme", Role.admin)
    created = create(client, admin)
    client.post(f"/v1/consents/{created['id']}/revoke", json={"reason": "superseded"}, headers=admin.headers)
    events = client.get("/v1/audit/events?limit=200", headers=admin.headers).json()["items"]
    consent_events = [e for e in events if e["subject_type"] == "consent"]
    assert [e["event_type"] for e in consent_events] == ["consent.revoked", "consent.created"]
    assert consent_events[0]["details"] == {"source": "api", "reason": "superseded", "affected_drafts": 0}
    text = client.get("/v1/audit/export", headers=admin.headers).text
    assert "Maria" not in text
    assert "dms:consent" not in text
