"""The review queue's filters (severity, category, author, age) on the page and in the queue service."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.store.drafting_models import DraftRow, DraftVersionRow
from api.store.models import Role, utcnow
from api.workflow.queue import InvalidQueueFilter, QueueFilters, parse_age, review_queue
from guardrails.findings import Category, Severity
from tests.api.web.helpers import make_person, sign_in
from tests.api.web.review_data import make_draft


def finding(category: str, severity: str) -> dict[str, Any]:
    """A stored finding as drafting writes it (a span, never the matched text)."""
    return {
        "rule_id": f"{category}.test",
        "category": category,
        "severity": severity,
        "start": 0,
        "end": 3,
        "message": "Test finding.",
        "citation": None,
        "suggestion": None,
    }


def with_findings(
    sessions: sessionmaker[Session], draft_id: uuid.UUID, findings: list[dict[str, Any]]
) -> uuid.UUID:
    with sessions() as session:
        session.get_one(DraftVersionRow, (draft_id, 1)).findings = findings
        session.commit()
    return draft_id


def created_by(sessions: sessionmaker[Session], draft_id: uuid.UUID, user_id: uuid.UUID) -> uuid.UUID:
    with sessions() as session:
        session.get_one(DraftRow, draft_id).created_by_user_id = user_id
        session.commit()
    return draft_id


def test_the_page_filters_by_severity_category_author_and_age_in_hours(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    reviewer = make_person(sessions, role=Role.reviewer)
    marketer = make_person(sessions, role=Role.marketer)
    editor = make_person(sessions, role=Role.marketer)
    org = reviewer.organisation_id
    now = utcnow()
    phi = with_findings(
        sessions,
        make_draft(sessions, org, state="blocked", updated_at=now - timedelta(hours=30)),
        [finding("phi", "block"), finding("brand", "info")],
    )
    claim = with_findings(
        sessions,
        make_draft(sessions, org, updated_at=now - timedelta(hours=5)),
        [finding("unsubstantiated_claim", "warn")],
    )
    clean = make_draft(sessions, org, author_user_id=editor.user_id, updated_at=now - timedelta(minutes=10))
    created_by(sessions, claim, marketer.user_id)
    assert sign_in(web_client, reviewer).status_code == 303

    def listed(query: str) -> set[uuid.UUID]:
        page = web_client.get("/web/review" + query)
        assert page.status_code == 200, page.text
        return {d for d in (phi, claim, clean) if f"/web/drafts/{d}" in page.text}

    assert listed("") == {phi, claim, clean}
    assert listed("?severity=block") == {phi}
    assert listed("?severity=warn") == {claim}
    assert listed("?severity=info") == {phi}
    assert listed("?category=phi") == {phi}
    assert listed("?category=brand&severity=block") == set()  # one finding must match both
    assert listed("?category=unsubstantiated_claim") == {claim}
    assert listed(f"?author={marketer.user_id}") == {claim}  # created the draft
    assert listed(f"?author={editor.user_id}") == {clean}  # wrote the version under review
    assert listed(f"?author={uuid.uuid4()}") == set()
    assert listed("?age=4h") == {phi, claim}
    assert listed("?age=24h") == {phi}
    assert listed("?age=1d") == {phi}
    assert listed("?age=2d") == set()
    assert listed("?age=4h&severity=warn&platform=facebook") == {claim}
    # The filtered view is a link: the form shows the filters it was opened with.
    page = web_client.get(f"/web/review?severity=warn&author={marketer.user_id}&age=2h").text
    assert '<option value="warn" selected>' in page
    assert f'<option value="{marketer.user_id}" selected>Test marketer</option>' in page
    assert '<option value="2h" selected>2 hours</option>' in page  # not one of the offered ages
    assert "1 draft waiting with these filters." in page
    # Findings per severity: an icon and a word beside the colour.
    row = re.search(rf'<tr data-draft-id="{phi}">.*?</tr>', web_client.get("/web/review").text, re.S)
    assert row is not None
    assert "1 block</span>" in row.group(0)
    assert "1 note</span>" in row.group(0)


def test_every_filter_control_is_labelled_and_offers_the_taxonomy(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    assert sign_in(web_client, make_person(sessions, role=Role.admin)).status_code == 303
    page = web_client.get("/web/review").text
    form = page[
        page.index('<form class="filters"') : page.index("</form>", page.index('<form class="filters"'))
    ]
    selects = re.findall(r'<select id="([^"]+)" name="([^"]+)"', form)
    assert {name for _, name in selects} == {"state", "severity", "category", "platform", "author", "age"}
    for control_id, _ in selects:
        assert f'<label for="{control_id}">' in form, control_id
    for category in Category:
        assert f'<option value="{category.value}">' in form
    for severity in Severity:
        assert f'<option value="{severity.value}">' in form


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("severity=fatal-zzz", "severity"),
        ("category=phi-ish-zzz", "category"),
        ("author=not-a-uuid-zzz", "author"),
        ("age=zzz", "age"),
        ("age=-3d", "age"),
        ("age=99999d", "age"),
    ],
)
def test_a_bad_filter_value_is_a_message_naming_the_filter_not_a_500(
    web_client: TestClient, sessions: sessionmaker[Session], query: str, name: str
) -> None:
    assert sign_in(web_client, make_person(sessions, role=Role.reviewer)).status_code == 303
    page = web_client.get("/web/review?" + query)
    assert page.status_code == 422
    assert 'role="alert"' in page.text
    assert f"cannot be filtered by that {name}" in page.text
    assert "zzz" not in page.text
    assert "99999" not in page.text


def test_the_service_parses_what_the_page_and_the_api_accept() -> None:
    assert parse_age("12h") == timedelta(hours=12)
    assert parse_age("3d") == parse_age("3") == timedelta(days=3)
    for bad in ("", "0h", "h", "3w", "1.5d", "4000d"):
        with pytest.raises(InvalidQueueFilter):
            parse_age(bad)
    filters = QueueFilters.parse(severity="warn", category="phi", state="blocked")
    assert (filters.severity, filters.category) == (Severity.WARN, Category.PHI)
    assert filters.narrowed
    assert not QueueFilters.parse().narrowed
    with pytest.raises(InvalidQueueFilter) as refused:
        QueueFilters.parse(state="approved")  # not a queue state
    assert refused.value.name == "state"


def test_the_service_counts_every_match_but_lists_at_most_the_cap(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = make_person(sessions, role=Role.reviewer).organisation_id
    now = utcnow()
    drafts = [
        with_findings(
            sessions,
            make_draft(sessions, org, updated_at=now - timedelta(hours=10 - i)),
            [finding("phi", "block")] if i % 2 == 0 else [],
        )
        for i in range(6)
    ]
    monkeypatch.setattr("api.workflow.queue.MAX_QUEUE_ITEMS", 2)
    with sessions() as session:
        queue = review_queue(session, org, now=now, filters=QueueFilters.parse(category="phi"))
    assert queue.total == 3
    assert [item.id for item in queue.items] == [drafts[0], drafts[2]]  # the oldest first
    assert queue.items[0].severities == {"block": 1}
