"""Assertions shared by the API tests."""

from __future__ import annotations

from typing import Any

import httpx2

from api.problems import PROBLEM_BASE_URI


def assert_problem(response: httpx2.Response, status: int, kind: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem of this status and type; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_BASE_URI + kind
    assert body["status"] == status
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body
