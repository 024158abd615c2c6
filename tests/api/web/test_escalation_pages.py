"""The escalation queue page: listing with owner, age and a non-colour overdue marker; acknowledge, resolve."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.store.drafting_models import EscalationRow
from api.store.models import AuditEvent, Role
from tests.api.signoff_helpers import make_escalation
from tests.api.web.helpers import Person, csrf_of, make_person, sign_in


def signed_in(client: TestClient, sessions: sessionmaker[Session], role: Role, org: str = "acme") -> Person:
    person = make_person(sessions, org=org, role=role)
    assert sign_in(client, person).status_code == 303
    return person


def row_of(html: str, escalation_id: uuid.UUID) -> str:
    match = re.search(rf'<tr data-escalation-id="{escalation_id}"[^>]*>.*?</tr>', html, re.S)
    assert match, "the escalation is not listed"
    return match.group(0)


def stored(sessions: sessionmaker[Session], escalation_id: uuid.UUID) -> EscalationRow:
    with sessions() as session:
        row = session.get_one(EscalationRow, escalation_id)
        session.expunge(row)
        return row


def post(client: TestClient, path: str, **fields: str) -> httpx2.Response:
    token = csrf_of(client.get("/web/escalations").text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def test_the_page_lists_most_urgent_first_and_marks_overdue_in_words(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions, Role.reviewer)
    org = reviewer.organisation_id
    late = make_escalation(sessions, org, kind="adverse_event", due_in=timedelta(minutes=-30))
    soon = make_escalation(sessions, org, kind="crisis", due_in=timedelta(hours=2))
    elsewhere = make_escalation(sessions, make_person(sessions, org="other-org").organisation_id)
    page = web_client.get("/web/escalations")
    assert page.status_code == 200
    assert page.text.index(str(late)) < page.text.index(str(soon))
    assert str(elsewhere) not in page.text
    overdue_row, on_time_row = row_of(page.text, late), row_of(page.text, soon)
    assert "Overdue" in overdue_row  # a word (and an icon), not colour alone
    assert "Overdue" not in on_time_row
    assert "adverse event" in overdue_row
    assert "nobody yet" in overdue_row
    assert 'aria-current="page">Escalations' in page.text
    filtered = web_client.get("/web/escalations?state=resolved")
    assert str(late) not in filtered.text
    refused = web_client.get("/web/escalations?state=zzz-bogus")
    assert refused.status_code == 422
    assert "zzz-bogus" not in refused.text


def test_a_reviewer_acknowledges_then_resolves_with_a_code(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = signed_in(web_client, sessions, Role.reviewer)
    escalation = make_escalation(sessions, reviewer.organisation_id)
    taken = post(web_client, f"/web/escalations/{escalation}/acknowledge")
    assert taken.status_code == 303
    row = stored(sessions, escalation)
    assert (row.state, row.owner_user_id, row.owner_key_id) == ("acknowledged", reviewer.user_id, None)
    page = web_client.get("/web/escalations?done=acknowledged").text
    assert "Test reviewer" in row_of(page, escalation)  # the owner by name
    assert "You own the escalation now." in page

    missing = post(web_client, f"/web/escalations/{escalation}/resolve", code="")
    assert missing.status_code == 422
    assert stored(sessions, escalation).state == "acknowledged"
    done = post(web_client, f"/web/escalations/{escalation}/resolve", code="referred_to_clinician")
    assert done.status_code == 303
    row = stored(sessions, escalation)
    assert (row.state, row.resolution_code, row.resolved_by_user_id) == (
        "resolved",
        "referred_to_clinician",
        reviewer.user_id,
    )
    again = post(web_client, f"/web/escalations/{escalation}/resolve", code="duplicate")
    assert again.status_code == 409
    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == str(escalation)).order_by(AuditEvent.seq)
        ).all()
        assert [(e.event_type, e.actor_user_id) for e in events] == [
            ("escalation.assigned", reviewer.user_id),
            ("escalation.resolved", reviewer.user_id),
        ]


def test_a_marketer_reads_the_queue_but_has_no_forms_and_cannot_post(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    marketer = signed_in(web_client, sessions, Role.marketer)
    escalation = make_escalation(sessions, marketer.organisation_id)
    page = web_client.get("/web/escalations")
    assert page.status_code == 200
    assert str(escalation) in page.text
    assert "/acknowledge" not in page.text
    assert "/resolve" not in page.text
    for action, fields in (("acknowledge", {}), ("resolve", {"code": "duplicate"})):
        refused = post(web_client, f"/web/escalations/{escalation}/{action}", **fields)
        assert refused.status_code == 403
    assert stored(sessions, escalation).state == "open"


def test_other_organisations_escalations_are_not_found_and_posts_need_the_token(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    signed_in(web_client, sessions, Role.admin)
    theirs = make_escalation(sessions, make_person(sessions, org="other-org").organisation_id)
    assert post(web_client, f"/web/escalations/{theirs}/acknowledge").status_code == 404
    forged = web_client.post(
        f"/web/escalations/{theirs}/resolve", data={"code": "duplicate"}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert stored(sessions, theirs).state == "open"
