"""Edits as new checked versions, word-level diffs, and what an edit audits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.store.drafting_models import DraftVersionRow
from tests.api.helpers import assert_problem
from tests.api.workflow.helpers import (
    CLEAN_TEXT,
    PHI_TEXT,
    Org,
    approve,
    edit,
    events,
    make_draft,
)


def test_an_edit_is_a_new_checked_version_and_diffs_word_by_word(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id)
    response = edit(client, org.marketer, made.draft_id, PHI_TEXT)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/drafts/{made.draft_id}/versions/2"
    draft = response.json()
    assert (draft["state"], draft["current_version"]) == ("blocked", 2)
    assert any(f["category"] == "phi" and f["severity"] == "block" for f in draft["findings"])
    assert [v["number"] for v in draft["versions"]] == [1, 2]
    assert draft["versions"][1]["author"] == f"key:{org.marketer.key_id}"

    fixed = edit(client, org.marketer, made.draft_id, CLEAN_TEXT + " Walk-ins welcome.").json()
    assert (fixed["state"], fixed["current_version"]) == ("needs_review", 3)
    first = client.get(f"/v1/drafts/{made.draft_id}/versions/1", headers=org.reviewer.headers).json()
    assert (first["text"], first["content_sha256"]) == (CLEAN_TEXT, made.content_sha256)
    diff = client.get(
        f"/v1/drafts/{made.draft_id}/diff", params={"from": 1, "to": 3}, headers=org.reviewer.headers
    ).json()
    assert diff["ops"] == [
        {"op": "equal", "text": CLEAN_TEXT},
        {"op": "insert", "text": "Walk-ins welcome."},
    ]
    swapped = client.get(
        f"/v1/drafts/{made.draft_id}/diff", params={"from": 2, "to": 3}, headers=org.reviewer.headers
    ).json()
    assert {"op": "delete", "text": "So proud of our patient Maria Lopez, 67, after her bypass"} in swapped[
        "ops"
    ]
    assert {"op": "insert", "text": "Free flu shots on Saturdays"} in swapped["ops"]
    missing = client.get(f"/v1/drafts/{made.draft_id}/versions/9", headers=org.reviewer.headers)
    assert_problem(missing, 404, "not-found")
    with sessions() as session:
        numbers = session.scalars(
            select(DraftVersionRow.number).where(DraftVersionRow.draft_id == made.draft_id)
        ).all()
    assert sorted(numbers) == [1, 2, 3]  # version 1 untouched: edits never update a version


def test_editing_published_content_is_refused(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id, state="published")
    response = edit(client, org.marketer, made.draft_id, "Something else.")
    body = assert_problem(response, 409, "illegal-transition")
    assert body["detail"] == "Cannot edit a draft in state published."


def test_an_edit_audits_counts_and_rule_ids_never_text(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id)
    assert edit(client, org.marketer, made.draft_id, PHI_TEXT).status_code == 201
    [event] = [e for e in events(sessions, made.draft_id) if e.event_type == "draft.edit"]
    details = event.details
    assert (details["from_state"], details["to_state"], details["version"]) == ("needs_review", "blocked", 2)
    assert details["findings_by_severity"]["block"] >= 1
    assert details["findings_by_category"]["phi"] >= 1
    assert "phi.identifier" in details["rule_ids"]
    assert event.actor_key_id == org.marketer.key_id
    assert "Maria" not in str(details)
    assert "bypass" not in str(details)


def test_editing_an_approved_draft_sends_it_back_to_review(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id)
    assert approve(client, org.reviewer, made.draft_id).json()["state"] == "approved"
    edited = edit(client, org.marketer, made.draft_id, CLEAN_TEXT + " Bring your card.").json()
    assert (edited["state"], edited["current_version"]) == ("needs_review", 2)
    listed = client.get("/v1/drafts", params={"state": "approved"}, headers=org.integration.headers).json()
    assert listed["total"] == 0
