"""The audit trail: paginated, filtered, and free of content."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey


def test_pages_newest_first(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    for number in range(4):
        client.post("/v1/keys", json={"name": f"key {number}", "role": "marketer"}, headers=admin.headers)

    first = client.get("/v1/audit/events?limit=2", headers=admin.headers).json()
    second = client.get("/v1/audit/events?limit=2&offset=2", headers=admin.headers).json()
    rest = client.get("/v1/audit/events?limit=2&offset=4", headers=admin.headers).json()
    assert first["total"] == second["total"] == 5  # the admin key itself plus four
    assert (first["limit"], first["offset"], second["offset"]) == (2, 0, 2)
    items = first["items"] + second["items"] + rest["items"]
    assert len({item["id"] for item in items}) == 5
    timestamps = [item["created_at"] for item in items]
    assert timestamps == sorted(timestamps, reverse=True)


def test_filter_by_event_type(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    created = client.post("/v1/keys", json={"name": "temp", "role": "marketer"}, headers=admin.headers).json()
    client.delete(f"/v1/keys/{created['id']}", headers=admin.headers)
    page = client.get("/v1/audit/events?event_type=api_key.revoked", headers=admin.headers).json()
    assert page["total"] == 1
    assert page["items"][0]["subject_id"] == created["id"]


def test_details_hold_no_names_or_secrets(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    created = client.post(
        "/v1/keys", json={"name": "Dr Maya Chen's laptop", "role": "marketer"}, headers=admin.headers
    ).json()
    events = client.get("/v1/audit/events", headers=admin.headers).text
    assert "Maya" not in events
    assert created["key"] not in events
    assert admin.secret not in events


def test_page_size_is_bounded(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    assert_problem(client.get("/v1/audit/events?limit=1000", headers=admin.headers), 422, "validation")
    assert_problem(client.get("/v1/audit/events?offset=-1", headers=admin.headers), 422, "validation")
