"""GET /v1/knowledge/search: meaning-based search with kind, platform, product and date filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.store.models import Role
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

DOCUMENTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "privacy.md",
        "# Patient privacy\n\nNever confirm that someone is a patient, even when they post about their own visit.",
        {"kind": "policy"},
    ),
    (
        "voice.md",
        "# Voice\n\nWe write warmly and plainly, like a neighbour who happens to be a nurse.",
        {"kind": "brand"},
    ),
    (
        "x-tips.md",
        "# Posting on X\n\nKeep posts short: one idea, one link, at most two hashtags.",
        {"kind": "brand", "platforms": "x"},
    ),
    (
        "facebook-tips.md",
        "# Posting on Facebook\n\nLonger posts with a photo and alt text work well for community news.",
        {"kind": "brand", "platforms": "facebook"},
    ),
    (
        "old-hours.md",
        "# Visiting hours\n\nThe lobby closes at 5 p.m. and visitors must leave by then.",
        {"kind": "policy", "expires": "2020-01-31"},
    ),
]


@pytest.fixture
def admin(client: TestClient, make_key: Callable[..., IssuedKey]) -> IssuedKey:
    key = make_key()
    for filename, text, fields in DOCUMENTS:
        response = client.post(
            "/v1/knowledge/documents",
            files={"file": (filename, text.encode(), "text/markdown")},
            data=fields,
            headers=key.headers,
        )
        assert response.status_code == 201, response.text
    return key


def search(client: TestClient, key: IssuedKey, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/knowledge/search", params=params, headers=key.headers)
    assert response.status_code == 200, response.text
    chunks: list[dict[str, Any]] = response.json()["chunks"]
    return chunks


def doc_ids(chunks: list[dict[str, Any]]) -> list[str]:
    return [c["citation"]["doc_id"] for c in chunks]


def test_results_are_ranked_and_cited(client: TestClient, admin: IssuedKey) -> None:
    chunks = search(client, admin, q="can we say a reviewer was treated here?")
    assert doc_ids(chunks)[0] == "privacy"
    scores = [c["score"] for c in chunks]
    assert scores == sorted(scores, reverse=True)
    top = chunks[0]
    assert top["kind"] == "policy"
    citation = top["citation"]
    assert (citation["doc_id"], citation["version"], citation["title"]) == ("privacy", 1, "Patient privacy")
    assert (citation["chunk_index"], citation["page"]) == (0, None)
    assert "Never confirm" in top["text"]


def test_kinds_filter(client: TestClient, admin: IssuedKey) -> None:
    brand_only = search(client, admin, q="confirming someone is a patient", kinds="brand")
    assert brand_only
    assert {c["kind"] for c in brand_only} == {"brand"}
    both = search(client, admin, q="confirming someone is a patient", kinds=["brand", "policy"])
    assert doc_ids(both)[0] == "privacy"


def test_platform_filter_keeps_that_platform_and_untagged_passages(
    client: TestClient, admin: IssuedKey
) -> None:
    on_x = doc_ids(search(client, admin, q="how long should a post be", platform="x", k=10))
    assert "x-tips" in on_x
    assert "voice" in on_x  # tagged for every platform
    assert "facebook-tips" not in on_x
    everywhere = doc_ids(search(client, admin, q="how long should a post be", k=10))
    assert {"x-tips", "facebook-tips"} <= set(everywhere)


def test_expired_documents_are_not_returned(client: TestClient, admin: IssuedKey) -> None:
    found = doc_ids(search(client, admin, q="when does the lobby close for visitors", k=10))
    assert "old-hours" not in found
    listed = client.get("/v1/knowledge/documents", headers=admin.headers).json()
    assert "old-hours" in [i["doc_id"] for i in listed["items"]]  # stored, just not in force


def test_k_limits_the_results(client: TestClient, admin: IssuedKey) -> None:
    assert len(search(client, admin, q="posting", k=1)) == 1
    assert len(search(client, admin, q="posting", k=3)) == 3


def test_every_role_may_search(
    client: TestClient, admin: IssuedKey, make_key: Callable[..., IssuedKey]
) -> None:
    for role in Role:
        key = make_key(role=role)
        assert doc_ids(search(client, key, q="patient privacy"))[0] == "privacy"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 1001},
        {"q": "privacy", "k": 0},
        {"q": "privacy", "k": 51},
        {"q": "privacy", "kinds": "rumour"},
        {"q": "privacy", "platform": "myspace"},
    ],
    ids=["no query", "empty", "too long", "k 0", "k 51", "unknown kind", "unknown platform"],
)
def test_bad_parameters_are_validation_problems(
    client: TestClient, make_key: Callable[..., IssuedKey], params: dict[str, Any]
) -> None:
    key = make_key()
    body = assert_problem(
        client.get("/v1/knowledge/search", params=params, headers=key.headers), 422, "validation"
    )
    assert "x" * 100 not in str(body)


def test_an_unknown_product_is_not_found(client: TestClient, admin: IssuedKey) -> None:
    response = client.get(
        "/v1/knowledge/search", params={"q": "dosage", "product_ids": "nope"}, headers=admin.headers
    )
    assert_problem(response, 404, "not-found")
