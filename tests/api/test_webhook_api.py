"""Webhook registration over HTTP: roles, organisation scope, secrets shown once, SSRF refusals, the log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.store.models import AuditEvent, Role
from api.store.webhook_models import Webhook, WebhookDelivery
from api.webhooks.events import EventType
from api.webhooks.outbox import emit
from tests.api.helpers import assert_problem
from tests.api.webhook_helpers import PUBLIC_ADDRESS, patch_system_dns
from tests.conftest import IssuedKey

URL = "https://hooks.example.org/carepost"


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> None:
    patch_system_dns(
        monkeypatch,
        {"hooks.example.org": PUBLIC_ADDRESS, "cms.internal.example": "10.0.8.15", "v6.example": "::1"},
    )


def create(client: TestClient, key: IssuedKey, **overrides: Any) -> Any:
    body = {"url": URL, "event_types": ["draft.approved", "content.takedown"], **overrides}
    return client.post("/v1/webhooks", json=body, headers=key.headers)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.admin, True), (Role.integration, True), (Role.reviewer, False), (Role.marketer, False)],
)
def test_only_admin_and_integration_keys_manage_webhooks(
    client: TestClient, make_key: Callable[..., IssuedKey], role: Role, allowed: bool
) -> None:
    key = make_key(role=role)
    responses = [
        create(client, key),
        client.get("/v1/webhooks", headers=key.headers),
        client.get("/v1/webhooks/events", headers=key.headers),
    ]
    for response in responses:
        if allowed:
            assert response.status_code in (200, 201), response.text
        else:
            assert_problem(response, 403, "forbidden")


def test_register_read_update_delete(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = make_key(role=Role.integration)
    response = create(client, key, description="WordPress")
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["location"] == f"/v1/webhooks/{created['id']}"
    assert created["event_types"] == ["content.takedown", "draft.approved"]

    read = client.get(f"/v1/webhooks/{created['id']}", headers=key.headers)
    listed = client.get("/v1/webhooks", headers=key.headers)
    assert "secret" not in read.json()
    assert created["secret"] not in read.text + listed.text
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]

    patched = client.patch(
        f"/v1/webhooks/{created['id']}",
        json={"event_types": ["draft.rejected"], "active": False},
        headers=key.headers,
    )
    assert patched.status_code == 200
    assert (patched.json()["event_types"], patched.json()["active"]) == (["draft.rejected"], False)

    assert client.delete(f"/v1/webhooks/{created['id']}", headers=key.headers).status_code == 204
    assert_problem(client.get(f"/v1/webhooks/{created['id']}", headers=key.headers), 404, "not-found")
    with sessions() as session:
        audited = session.scalars(
            select(AuditEvent.event_type).where(AuditEvent.subject_id == created["id"])
        ).all()
    assert sorted(audited) == ["webhook.created", "webhook.deleted", "webhook.updated"]


@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://cms.internal.example/hook",  # a name that resolves to a private address
        "https://v6.example/hook",
        "http://hooks.example.org/hook",
        "https://unknown.example/hook",
    ],
)
def test_ssrf_refusals_are_422_problems_with_a_stable_type(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session], url: str
) -> None:
    key = make_key()
    body = assert_problem(create(client, key, url=url), 422, "webhook-url-refused")
    assert url not in body["detail"]
    existing = create(client, key).json()
    patched = client.patch(f"/v1/webhooks/{existing['id']}", json={"url": url}, headers=key.headers)
    assert_problem(patched, 422, "webhook-url-refused")
    with sessions() as session:
        assert session.scalars(select(Webhook.url)).all() == [URL]


def test_unknown_event_types_are_refused(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    key = make_key()
    assert_problem(create(client, key, event_types=["draft.deleted"]), 422, "validation")
    assert_problem(create(client, key, event_types=[]), 422, "validation")


def test_the_catalogue_lists_every_event_type(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    items = client.get("/v1/webhooks/events", headers=make_key().headers).json()["items"]
    assert [item["type"] for item in items] == [kind.value for kind in EventType]
    assert all(item["description"] for item in items)
    for required in ("draft.needs_review", "draft.approved", "draft.rejected", "content.takedown"):
        assert required in [item["type"] for item in items]


def test_other_organisations_see_nothing(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    mine, theirs = make_key(org="acme"), make_key(org="globex")
    created = create(client, mine).json()
    with sessions() as session:
        emit(session, mine.organisation_id, EventType.draft_approved, {"draft_id": "d1"})
        session.commit()
        delivery_id = session.scalars(select(WebhookDelivery.id)).one()
    assert client.get("/v1/webhooks", headers=theirs.headers).json()["items"] == []
    for method, path in [
        ("GET", f"/v1/webhooks/{created['id']}"),
        ("PATCH", f"/v1/webhooks/{created['id']}"),
        ("DELETE", f"/v1/webhooks/{created['id']}"),
        ("POST", f"/v1/webhooks/{created['id']}/rotate-secret"),
        ("GET", f"/v1/webhooks/{created['id']}/deliveries"),
        ("POST", f"/v1/webhooks/deliveries/{delivery_id}/redeliver"),
    ]:
        kwargs: dict[str, Any] = {"json": {}} if method == "PATCH" else {}
        response = client.request(method, path, headers=theirs.headers, **kwargs)
        assert_problem(response, 404, "not-found")


def test_rotation_returns_a_new_secret_once(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    key = make_key()
    created = create(client, key).json()
    rotated = client.post(f"/v1/webhooks/{created['id']}/rotate-secret", headers=key.headers)
    assert rotated.status_code == 200
    assert rotated.headers["cache-control"] == "no-store"
    secret = rotated.json()["secret"]
    assert secret.startswith("whsec_")
    assert secret != created["secret"]
    read = client.get(f"/v1/webhooks/{created['id']}", headers=key.headers)
    assert read.json()["previous_secret_expires_at"] == rotated.json()["previous_secret_expires_at"]
    assert secret not in read.text


def test_delivery_log_and_redelivery(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = make_key()
    created = create(client, key).json()
    with sessions() as session:
        event_id = emit(session, key.organisation_id, EventType.content_takedown, {"draft_id": "d1"})
        emit(session, key.organisation_id, EventType.consent_revoked, {"consent_id": "c1"})  # not subscribed
        session.commit()
    log = client.get(f"/v1/webhooks/{created['id']}/deliveries", headers=key.headers).json()
    assert log["total"] == 1
    [item] = log["items"]
    assert (item["event_id"], item["event_type"], item["state"]) == (
        str(event_id),
        "content.takedown",
        "pending",
    )

    again = client.post(f"/v1/webhooks/deliveries/{item['id']}/redeliver", headers=key.headers)
    assert again.status_code == 202
    assert (again.json()["event_id"], again.json()["redelivery_of"]) == (str(event_id), item["id"])
    pending = client.get(
        f"/v1/webhooks/{created['id']}/deliveries", params={"state": "pending"}, headers=key.headers
    ).json()
    assert pending["total"] == 2
    ping = client.post(f"/v1/webhooks/{created['id']}/ping", headers=key.headers)
    assert ping.status_code == 202
    log = client.get(f"/v1/webhooks/{created['id']}/deliveries", headers=key.headers).json()
    assert log["total"] == 3
    assert log["items"][0]["event_type"] == "webhook.ping"
