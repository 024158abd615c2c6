"""GET /v1/review-queue: the reviewers' page's queue and filters, as JSON, per organisation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.store.models import Role, utcnow
from tests.api.helpers import assert_problem
from tests.api.web.review_data import make_draft
from tests.api.web.test_queue_filters import finding, with_findings
from tests.conftest import IssuedKey


def test_the_queue_lists_waiting_drafts_of_the_callers_organisation_with_filters(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    reviewer = make_key("acme", Role.reviewer, "reviewer")
    org = reviewer.organisation_id
    now = utcnow()
    blocked = with_findings(
        sessions,
        make_draft(sessions, org, state="blocked", updated_at=now - timedelta(hours=30)),
        [finding("phi", "block")],
    )
    waiting = with_findings(
        sessions,
        make_draft(sessions, org, platform="instagram", updated_at=now - timedelta(hours=2)),
        [finding("unsubstantiated_claim", "warn")],
    )
    make_draft(sessions, org, state="approved")  # not waiting
    make_draft(sessions, make_key("globex", Role.admin).organisation_id)  # another organisation's

    def listed(**params: str) -> list[str]:
        response = client.get("/v1/review-queue", params=params, headers=reviewer.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(body["items"])
        return [item["draft_id"] for item in body["items"]]

    assert listed() == [str(blocked), str(waiting)]  # oldest change first
    assert listed(state="blocked") == [str(blocked)]
    assert listed(platform="instagram") == [str(waiting)]
    assert listed(category="unsubstantiated_claim", severity="warn") == [str(waiting)]
    assert listed(age="1d") == [str(blocked)]
    item = client.get("/v1/review-queue", headers=reviewer.headers).json()["items"][0]
    assert item["severities"] == {"block": 1}
    assert item["state"] == "blocked"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"severity": "zzz-severe"}, "severity"),
        ({"category": "zzz-category"}, "category"),
        ({"state": "approved"}, "state"),
        ({"age": "99999d"}, "age"),
        ({"author": "zzz-not-a-user"}, "author"),
    ],
)
def test_a_bad_filter_is_a_problem_naming_the_filter_never_the_value(
    client: TestClient, make_key: Callable[..., IssuedKey], params: dict[str, str], name: str
) -> None:
    reviewer = make_key("acme", Role.reviewer, "reviewer")
    response = client.get("/v1/review-queue", params=params, headers=reviewer.headers)
    body = assert_problem(response, 422, "invalid-queue-filter")
    assert name in body["detail"]
    assert "zzz" not in response.text
    assert "99999" not in response.text
