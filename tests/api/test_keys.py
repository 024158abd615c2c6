"""Key management over HTTP: secrets shown once, hashed at rest, revocation, audit events."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.credentials import KEY_MARKER, KEY_RANDOM_BYTES
from api.store.models import ApiKey, Role
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey


def test_create_returns_the_secret_once(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    response = client.post(
        "/v1/keys", json={"name": "WordPress plugin", "role": "integration"}, headers=admin.headers
    )
    assert response.status_code == 201
    created = response.json()
    assert created["key"].startswith(KEY_MARKER)
    # token_urlsafe(32) encodes 32 random bytes as 43 characters.
    assert len(created["key"]) - len(KEY_MARKER) >= (KEY_RANDOM_BYTES * 4) // 3
    assert created["prefix"] == created["key"][: len(created["prefix"])]
    assert response.headers["location"] == f"/v1/keys/{created['id']}"
    assert response.headers["cache-control"] == "no-store"

    new_key = {"Authorization": f"Bearer {created['key']}"}
    assert client.get("/v1/organisations/me", headers=new_key).status_code == 200

    read_back = client.get(f"/v1/keys/{created['id']}", headers=admin.headers).json()
    listed = client.get("/v1/keys", headers=admin.headers).json()["items"]
    assert "key" not in read_back
    assert all("key" not in item for item in listed)
    assert created["key"] not in client.get("/v1/keys", headers=admin.headers).text


def test_keys_are_hashed_at_rest(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    admin = make_key()
    secret = client.post("/v1/keys", json={"name": "cms", "role": "marketer"}, headers=admin.headers).json()[
        "key"
    ]
    with sessions() as session:
        rows = session.scalars(select(ApiKey)).all()
    stored = {row.key_hash: row for row in rows}
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    for row in rows:
        values = [str(getattr(row, column.key)) for column in ApiKey.__table__.columns]
        assert secret not in values
        assert admin.secret not in values


def test_revoke_writes_audit_events(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    created = client.post("/v1/keys", json={"name": "temp", "role": "reviewer"}, headers=admin.headers).json()
    assert client.delete(f"/v1/keys/{created['id']}", headers=admin.headers).status_code == 204
    # Revoking again is harmless and records nothing new.
    assert client.delete(f"/v1/keys/{created['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"/v1/keys/{created['id']}", headers=admin.headers).json()["revoked_at"] is not None

    events = client.get("/v1/audit/events", headers=admin.headers).json()["items"]
    about_key = [(e["event_type"], e["actor_key_id"]) for e in events if e["subject_id"] == created["id"]]
    assert about_key == [("api_key.revoked", str(admin.key_id)), ("api_key.created", str(admin.key_id))]


def test_last_admin_key_cannot_be_revoked(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    body = assert_problem(client.delete(f"/v1/keys/{admin.key_id}", headers=admin.headers), 409, "conflict")
    assert "last active admin key" in body["detail"]
    second = client.post("/v1/keys", json={"name": "spare", "role": "admin"}, headers=admin.headers).json()
    assert client.delete(f"/v1/keys/{admin.key_id}", headers=admin.headers).status_code == 204
    assert client.get("/v1/keys", headers={"Authorization": f"Bearer {second['key']}"}).status_code == 200


def test_create_rejects_unknown_fields_and_roles(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    admin = make_key()
    extra = client.post(
        "/v1/keys",
        json={"name": "x", "role": "admin", "organisation_id": "00000000-0000-0000-0000-000000000000"},
        headers=admin.headers,
    )
    assert_problem(extra, 422, "validation")
    assert_problem(
        client.post("/v1/keys", json={"name": "x", "role": "owner"}, headers=admin.headers), 422, "validation"
    )


def test_created_key_belongs_to_the_callers_organisation(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    admin = make_key(org="acme")
    make_key(org="globex")
    created = client.post(
        "/v1/keys", json={"name": "cms", "role": Role.marketer}, headers=admin.headers
    ).json()
    me = client.get("/v1/organisations/me", headers={"Authorization": f"Bearer {created['key']}"}).json()
    assert me["id"] == str(admin.organisation_id)
