"""Access logs and the OpenAPI document."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.logs import ACCESS_LOGGER, JsonFormatter
from api.problems import PROBLEM_MEDIA_TYPE
from tests.conftest import IssuedKey


def test_access_log_has_route_template_and_no_query_or_body(
    client: TestClient, make_key: Callable[..., IssuedKey], caplog: pytest.LogCaptureFixture
) -> None:
    admin = make_key()
    key_id = admin.key_id
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        client.get(f"/v1/keys/{key_id}?note=Maria+Lopez", headers=admin.headers)
        client.post("/v1/keys", json={"name": "Maria Lopez", "role": "admin"}, headers=admin.headers)
    records = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    lines = [json.loads(JsonFormatter().format(record)) for record in records]
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("GET", "/v1/keys/{key_id}", 200),
        ("POST", "/v1/keys", 201),
    ]
    for line in lines:
        assert set(line) >= {"ts", "level", "request_id", "duration_ms"}
        assert "Maria" not in json.dumps(line)
        assert str(key_id) not in json.dumps(line)


def test_openapi_declares_problem_responses_for_every_route(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "ProblemDetail" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            errors = {code: r for code, r in operation["responses"].items() if code[0] in "45"}
            expected = (
                {"500", "503"} if not path.startswith("/v1/") else {"401", "403", "404", "413", "422", "500"}
            )
            assert expected <= set(errors), (method, path)
            for response in errors.values():
                assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (method, path)
                assert response["content"][PROBLEM_MEDIA_TYPE]["schema"]["$ref"].endswith("/ProblemDetail")


def test_openapi_declares_bearer_auth(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert [scheme["scheme"] for scheme in schemes.values()] == ["bearer"]
    assert document["paths"]["/v1/keys"]["get"]["security"]
    assert "security" not in document["paths"]["/healthz"]["get"]
