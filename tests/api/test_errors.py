"""Every error is problem+json with a stable type, and never repeats what the client sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.settings import ONE_MIB, Settings
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

# Text that stands in for PHI: none of it may come back in an error body.
PHI_LIKE = "Maria Lopez, 67, after her bypass at St. Mary's"


def test_no_key_is_401_problem(client: TestClient) -> None:
    response = client.get("/v1/organisations/me")
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer cp_not-a-real-key-but-long-enough-to-look-like-one", "Bearer nonsense", "Basic dXNlcjpwYXNz"],
)
def test_wrong_or_malformed_key_is_401(client: TestClient, authorization: str) -> None:
    response = client.get("/v1/organisations/me", headers={"Authorization": authorization})
    assert_problem(response, 401, "unauthorized")


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, "not-found")


def test_wrong_method_is_405_problem(client: TestClient) -> None:
    assert_problem(client.put("/healthz"), 405, "method-not-allowed")


def test_malformed_json_is_422_without_the_submitted_text(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    admin = make_key()
    payload = '{"name": "' + PHI_LIKE + '", "role": '
    response = client.post(
        "/v1/keys", content=payload, headers={**admin.headers, "Content-Type": "application/json"}
    )
    body = assert_problem(response, 422, "validation")
    assert body["errors"] == [
        {"loc": ["body", len(payload)], "msg": "Malformed JSON", "type": "json_invalid"}
    ]
    for fragment in ("Maria", "Lopez", "bypass", "Mary"):
        assert fragment not in response.text


def test_schema_error_lists_locations_but_not_values(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    admin = make_key()
    response = client.post("/v1/keys", json={"name": PHI_LIKE * 10, "role": PHI_LIKE}, headers=admin.headers)
    body = assert_problem(response, 422, "validation")
    assert {tuple(error["loc"]) for error in body["errors"]} == {("body", "name"), ("body", "role")}
    assert all(set(error) == {"loc", "msg", "type"} for error in body["errors"])
    assert "Maria" not in response.text


def test_bad_path_parameter_does_not_echo_it(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    response = client.get("/v1/keys/Maria-Lopez-67", headers=admin.headers)
    body = assert_problem(response, 422, "validation")
    assert body["errors"][0]["loc"] == ["path", "key_id"]
    assert "Maria" not in response.text


def test_body_over_limit_by_content_length_is_413(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    admin = make_key()
    two_mib = b"x" * (2 * ONE_MIB)
    response = client.post(
        "/v1/keys", content=two_mib, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload-too-large")


def test_streamed_body_over_limit_is_413(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    """No Content-Length (chunked upload): the middleware counts the bytes as they arrive."""
    admin = make_key()

    def chunks() -> Iterator[bytes]:
        for _ in range(32):
            yield b"x" * (64 * 1024)

    response = client.post(
        "/v1/keys", content=chunks(), headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "payload-too-large")


def test_limit_is_configurable(test_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> None:
    settings = test_settings.model_copy(update={"max_body_bytes": 10})
    with TestClient(app_factory(settings)) as small_client:
        response = small_client.post("/v1/keys", content=b"x" * 11)
    assert_problem(response, 413, "payload-too-large")


def test_unexpected_error_is_generic_500_with_request_id(
    test_settings: Settings, caplog: pytest.LogCaptureFixture, app_factory: Callable[[Settings], FastAPI]
) -> None:
    app: FastAPI = app_factory(test_settings)

    def explode() -> None:
        raise RuntimeError(f"internal detail about {PHI_LIKE}")

    app.add_api_route("/explode", explode)
    with TestClient(app) as test_client:
        response = test_client.get("/explode", headers={"X-Request-ID": "trace-123"})
    body = assert_problem(response, 500, "internal")
    assert body["request_id"] == "trace-123"
    assert "internal detail" not in response.text
    # The details go to the log, tied to the same request id.
    logged = [r for r in caplog.records if r.name == "carepost.errors"]
    assert logged
    assert logged[0].request_id == "trace-123"  # type: ignore[attr-defined]


class TestRequestId:
    def test_generated_when_absent(self, client: TestClient) -> None:
        first = client.get("/healthz").headers["x-request-id"]
        second = client.get("/healthz").headers["x-request-id"]
        assert first
        assert first != second

    def test_sane_incoming_id_is_kept(self, client: TestClient) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42:1"})
        assert response.headers["x-request-id"] == "lb-7f3a.42:1"

    @pytest.mark.parametrize("incoming", ["has spaces", "x" * 200, "semi;colon", "<script>"])
    def test_odd_incoming_id_is_replaced(self, client: TestClient, incoming: str) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": incoming})
        assert response.headers["x-request-id"] != incoming

    def test_present_on_errors(self, client: TestClient) -> None:
        assert client.get("/v1/keys").headers["x-request-id"]
