"""The review queue and a reviewer's decisions on the draft page, through the test client."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.store.drafting_models import DraftRow
from api.store.models import AuditEvent, Role, utcnow
from api.store.workflow_models import SignatureRow
from tests.api.web.helpers import PASSWORD, Person, csrf_of, make_person, sign_in
from tests.api.web.review_data import make_draft

WRONG = "not my password at all"  # pragma: allowlist secret


def signed_in(client: TestClient, sessions: sessionmaker[Session], role: Role = Role.reviewer) -> Person:
    person = make_person(sessions, role=role)
    assert sign_in(client, person).status_code == 303
    return person


def state_of(sessions: sessionmaker[Session], draft_id: uuid.UUID) -> str:
    with sessions() as session:
        return session.get_one(DraftRow, draft_id).state


def post(client: TestClient, draft_id: uuid.UUID, action: str, **fields: str) -> httpx2.Response:
    token = csrf_of(client.get(f"/web/drafts/{draft_id}").text)
    return client.post(
        f"/web/drafts/{draft_id}/{action}", data={"csrf_token": token, **fields}, follow_redirects=False
    )


def test_the_queue_lists_waiting_drafts_and_filters_them(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions)
    org = reviewer.organisation_id
    old = make_draft(sessions, org, platform="x", updated_at=utcnow() - timedelta(days=10))
    fresh = make_draft(sessions, org, platform="facebook")
    blocked = make_draft(sessions, org, state="blocked", platform="facebook")
    approved = make_draft(sessions, org, state="approved")
    elsewhere = make_draft(sessions, make_person(sessions, org="other-org").organisation_id)

    def listed(query: str = "") -> set[uuid.UUID]:
        page = web_client.get("/web/review" + query)
        assert page.status_code == 200, page.text
        return {d for d in (old, fresh, blocked, approved, elsewhere) if f"/web/drafts/{d}" in page.text}

    assert listed() == {old, fresh, blocked}
    assert listed("?state=blocked") == {blocked}
    assert listed("?state=needs_review") == {old, fresh}
    assert listed("?platform=x") == {old}
    assert listed("?age=7") == {old}
    assert listed("?state=needs_review&platform=facebook") == {fresh}
    page = web_client.get("/web/review")
    assert page.text.index(str(old)) < page.text.index(str(fresh))  # oldest first
    assert 'aria-current="page">Review queue' in page.text


def test_an_unknown_filter_is_refused_without_echoing_it(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    signed_in(web_client, sessions)
    for query in ("?state=approved", "?platform=myspace-zzz", "?age=2w", "?age=0h", "?severity=myspace-zzz"):
        page = web_client.get("/web/review" + query)
        assert page.status_code == 422, query
        assert 'role="alert"' in page.text
        assert "myspace-zzz" not in page.text


def test_a_marketer_has_no_queue_and_no_review_forms(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    marketer = signed_in(web_client, sessions, Role.marketer)
    draft_id = make_draft(sessions, marketer.organisation_id)
    assert web_client.get("/web/review").status_code == 403
    page = web_client.get(f"/web/drafts/{draft_id}")
    assert "Review queue" not in page.text
    assert "/approve" not in page.text
    assert post(web_client, draft_id, "approve", password=PASSWORD).status_code == 403


def test_a_reviewer_approves_with_their_password(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions)
    draft_id = make_draft(sessions, reviewer.organisation_id)
    page = web_client.get(f"/web/drafts/{draft_id}")
    assert "Re-enter your password to sign" in page.text
    assert "approved for publication" in page.text
    response = post(web_client, draft_id, "approve", password=PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == f"/web/drafts/{draft_id}?done=approve"
    assert state_of(sessions, draft_id) == "approved"
    after = web_client.get(response.headers["location"])
    assert "State: approved" in after.text
    assert "Your approval is signed and recorded." in after.text
    with sessions() as session:
        signature = session.scalars(select(SignatureRow).where(SignatureRow.draft_id == draft_id)).one()
        assert signature.signer == f"user:{reviewer.user_id}"
        assert signature.meaning == "approved_for_publication"


def test_a_wrong_password_signs_nothing_and_is_not_echoed(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions)
    draft_id = make_draft(sessions, reviewer.organisation_id)
    for action, fields in (("approve", {}), ("reject", {"reason": "Off-brand tone."})):
        response = post(web_client, draft_id, action, password=WRONG, **fields)
        assert response.status_code == 403, action
        assert "does not match your account" in response.text
        assert 'role="alert"' in response.text
        assert WRONG not in response.text
        assert "Traceback" not in response.text
    assert state_of(sessions, draft_id) == "needs_review"
    with sessions() as session:
        refused = session.scalars(
            select(AuditEvent).where(
                AuditEvent.event_type == "signature.refused", AuditEvent.subject_id == str(draft_id)
            )
        ).all()
        assert len(refused) == 2
        assert session.scalars(select(SignatureRow).where(SignatureRow.draft_id == draft_id)).all() == []


def test_the_author_cannot_approve_their_own_draft(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions)
    draft_id = make_draft(sessions, reviewer.organisation_id, author_user_id=reviewer.user_id)
    response = post(web_client, draft_id, "approve", password=PASSWORD)
    assert response.status_code == 403
    assert "segregation of duties" in response.text
    assert state_of(sessions, draft_id) == "needs_review"


def test_request_changes_and_reject_need_a_reason(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions)
    draft_id = make_draft(sessions, reviewer.organisation_id)
    for action, fields in (("request-changes", {}), ("reject", {"password": PASSWORD, "reason": "   "})):
        response = post(web_client, draft_id, action, **fields)
        assert response.status_code == 422, action
        assert "Give a reason" in response.text
    assert post(web_client, draft_id, "reject", reason="Off-brand.").status_code == 422
    assert state_of(sessions, draft_id) == "needs_review"

    response = post(web_client, draft_id, "request-changes", reason="Add the clinic's opening hours.")
    assert response.status_code == 303
    assert state_of(sessions, draft_id) == "changes_requested"
    response = post(web_client, draft_id, "reject", reason="Off-brand.", password=PASSWORD)
    assert response.status_code == 303
    assert state_of(sessions, draft_id) == "rejected"


def test_an_illegal_transition_is_a_409_message(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions)
    draft_id = make_draft(sessions, reviewer.organisation_id, state="approved")
    page = web_client.get(f"/web/drafts/{draft_id}")
    assert "approve-form" not in page.text
    response = post(web_client, draft_id, "approve", password=PASSWORD)
    assert response.status_code == 409
    assert "Cannot approve a draft in state approved." in response.text
    assert 'role="alert"' in response.text


def test_another_organisations_draft_is_not_found(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    signed_in(web_client, sessions)
    foreign = make_draft(sessions, make_person(sessions, org="other-org").organisation_id)
    token = csrf_of(web_client.get("/web/review").text)
    response = web_client.post(
        f"/web/drafts/{foreign}/approve",
        data={"csrf_token": token, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert str(foreign) not in response.text
    assert state_of(sessions, foreign) == "needs_review"
