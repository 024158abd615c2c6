"""Keys, roles and organisation scoping."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.store.models import ApiKey, Role
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

OPEN_PATHS = {"/healthz", "/readyz"}


def served_operations(client: TestClient) -> list[tuple[str, str]]:
    """(method, path template) for every operation the app documents, i.e. every API route."""
    paths = client.get("/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


def test_every_v1_route_requires_a_key(client: TestClient) -> None:
    v1_operations = [(method, path) for method, path in served_operations(client) if path.startswith("/v1/")]
    assert len(v1_operations) >= 6
    for method, template in v1_operations:
        path = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", template)
        assert_problem(client.request(method, path), 401, "unauthorized")


def test_only_health_and_the_openapi_document_are_open(client: TestClient) -> None:
    open_paths = {path for _, path in served_operations(client) if not path.startswith("/v1/")}
    assert open_paths == OPEN_PATHS


def test_key_reads_its_own_organisation(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    key = make_key(org="acme", role=Role.integration)
    response = client.get("/v1/organisations/me", headers=key.headers)
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"
    assert response.json()["id"] == str(key.organisation_id)


@pytest.mark.parametrize("role", [Role.marketer, Role.reviewer, Role.integration])
def test_non_admin_key_on_admin_endpoint_is_403(
    client: TestClient, make_key: Callable[..., IssuedKey], role: Role
) -> None:
    key = make_key(role=role)
    body = assert_problem(client.get("/v1/keys", headers=key.headers), 403, "forbidden")
    assert "admin" in body["detail"]
    assert_problem(
        client.post("/v1/keys", json={"name": "x", "role": "admin"}, headers=key.headers), 403, "forbidden"
    )


@pytest.mark.parametrize(("role", "status"), [(Role.admin, 200), (Role.reviewer, 200), (Role.marketer, 403)])
def test_audit_trail_is_for_admins_and_reviewers(
    client: TestClient, make_key: Callable[..., IssuedKey], role: Role, status: int
) -> None:
    key = make_key(role=role)
    assert client.get("/v1/audit/events", headers=key.headers).status_code == status


def test_revoked_key_is_refused(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    other = make_key(role=Role.marketer)
    assert client.get("/v1/organisations/me", headers=other.headers).status_code == 200
    assert client.delete(f"/v1/keys/{other.key_id}", headers=admin.headers).status_code == 204
    assert_problem(client.get("/v1/organisations/me", headers=other.headers), 401, "unauthorized")


def test_use_is_recorded(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = make_key(role=Role.marketer)
    client.get("/v1/organisations/me", headers=key.headers)
    with sessions() as session:
        stored = session.get(ApiKey, key.key_id)
        assert stored is not None
        assert stored.last_used_at is not None


class TestOtherOrganisationsRecordsAreNotFound:
    """A key of organisation A asking for organisation B's records gets 404, as if they did not exist."""

    def test_reading_a_key(self, client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
        admin_a = make_key(org="acme")
        key_b = make_key(org="globex", role=Role.marketer)
        assert_problem(client.get(f"/v1/keys/{key_b.key_id}", headers=admin_a.headers), 404, "not-found")

    def test_revoking_a_key(self, client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
        admin_a = make_key(org="acme")
        key_b = make_key(org="globex", role=Role.marketer)
        assert_problem(client.delete(f"/v1/keys/{key_b.key_id}", headers=admin_a.headers), 404, "not-found")
        assert client.get("/v1/organisations/me", headers=key_b.headers).status_code == 200

    def test_reading_an_audit_event(self, client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
        admin_a = make_key(org="acme")
        admin_b = make_key(org="globex")
        events_b = client.get("/v1/audit/events", headers=admin_b.headers).json()["items"]
        assert events_b
        event_id = events_b[0]["id"]
        assert client.get(f"/v1/audit/events/{event_id}", headers=admin_b.headers).status_code == 200
        assert_problem(client.get(f"/v1/audit/events/{event_id}", headers=admin_a.headers), 404, "not-found")

    def test_listings_hold_only_own_records(
        self, client: TestClient, make_key: Callable[..., IssuedKey]
    ) -> None:
        admin_a = make_key(org="acme")
        key_b = make_key(org="globex")
        listed = {item["id"] for item in client.get("/v1/keys", headers=admin_a.headers).json()["items"]}
        assert listed == {str(admin_a.key_id)}
        assert str(key_b.key_id) not in listed
        events = client.get("/v1/audit/events", headers=admin_a.headers).json()["items"]
        assert {event["subject_id"] for event in events} == {str(admin_a.key_id)}
