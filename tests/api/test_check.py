from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.store.models import Role
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

SYNTHETIC_PHI = "Thanks Rosalind Quenby, MRN 00482913, for trusting us with your knee surgery"


def test_check_requires_a_key(client: TestClient) -> None:
    response = client.post("/v1/check", json={"text": "hi", "platform": "x", "content_type": "post"})
    assert_problem(response, 401, "unauthorized")


def test_check_returns_findings_and_blocked(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    key = make_key(role=Role.marketer)
    response = client.post(
        "/v1/check",
        json={
            "text": "Flu shots are available this week at all locations.",
            "platform": "x",
            "content_type": "post",
        },
        headers=key.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"findings", "blocked"}
    assert isinstance(body["findings"], list)
    assert body["blocked"] is any(f["severity"] == "block" for f in body["findings"])


def test_check_validation_error_never_echoes_text(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    key = make_key(role=Role.marketer)
    response = client.post(
        "/v1/check",
        json={"text": SYNTHETIC_PHI, "platform": "myspace", "content_type": "post"},
        headers=key.headers,
    )
    body = assert_problem(response, 422, "validation")
    assert "Rosalind" not in response.text
    assert "00482913" not in response.text
    assert any(error["loc"][-1] == "platform" for error in body["errors"])


def test_context_schema_is_published(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    key = make_key(role=Role.integration)
    schema = client.get("/v1/check/context-schema", headers=key.headers).json()
    assert {"organisation", "products", "approved_claims", "consents", "media"} <= set(schema["properties"])


def test_redact_returns_placeholders_and_spans(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    key = make_key(role=Role.marketer)
    text = "Please call Rosalind Quenby at 555-0143."
    response = client.post("/v1/redact", json={"text": text}, headers=key.headers)
    assert response.status_code == 200
    body = response.json()
    assert "Rosalind" not in body["text"]
    assert "555-0143" not in body["text"]
    spans = {(e["entity"], text[e["start"] : e["end"]]) for e in body["entities"]}
    assert ("PHONE", "555-0143") in spans
    assert any(entity == "PERSON" and "Quenby" in value for entity, value in spans)


def test_check_flags_a_named_patient(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    key = make_key(role=Role.marketer)
    text = "So proud of our patient Rosalind Quenby, discharged on March 3 after her bypass!"
    body = client.post(
        "/v1/check", json={"text": text, "platform": "facebook", "content_type": "post"}, headers=key.headers
    ).json()
    assert body["blocked"] is True
    phi = [f for f in body["findings"] if f["category"] == "phi"]
    assert any(text[f["start"] : f["end"]] == "Rosalind Quenby" for f in phi)
    assert "Rosalind" not in " ".join(f["message"] for f in body["findings"])
