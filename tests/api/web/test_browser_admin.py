"""The queue and admin pages in a real browser (Debian's Chromium, headless, as in test_browser.py).

A reviewer filters the review queue with the labelled controls (the filtered view is a
link) and sees an overdue escalation marked in words; an admin locks a colleague
from the users page and the colleague's open session ends.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from api.store.models import Role, utcnow
from tests.api.signoff_helpers import make_escalation
from tests.api.web.helpers import make_person
from tests.api.web.review_data import make_draft
from tests.api.web.test_browser import LiveServer, browser, live_server, page, shot, sign_in  # noqa: F401  (fixtures)
from tests.api.web.test_queue_filters import finding, with_findings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page


def nav(on: Page, name: str) -> Locator:
    return on.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def test_a_reviewer_filters_the_queue_and_sees_an_overdue_escalation(
    page: Page,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    reviewer = make_person(sessions, role=Role.reviewer)
    org = reviewer.organisation_id
    blocked = with_findings(
        sessions,
        make_draft(sessions, org, state="blocked", updated_at=utcnow() - timedelta(hours=30)),
        [finding("phi", "block")],
    )
    quiet = make_draft(sessions, org)
    make_escalation(sessions, org, kind="adverse_event", due_in=timedelta(minutes=-5))
    sign_in(page, live_server, reviewer)
    nav(page, "Review queue").click()
    page.get_by_label("Has a finding of severity").select_option("block")
    page.get_by_label("Has a finding of category").select_option("phi")
    page.get_by_label("Waiting at least").select_option("24h")
    page.get_by_role("button", name="Filter").click()
    assert "severity=block" in page.url
    assert "category=phi" in page.url
    assert page.locator(f'tr[data-draft-id="{blocked}"]').count() == 1
    assert page.locator(f'tr[data-draft-id="{quiet}"]').count() == 0
    assert "1 draft waiting with these filters" in page.get_by_role("status").inner_text()
    shot(page, "review-queue-filtered")

    nav(page, "Escalations").click()
    row = page.locator("tr.overdue")
    assert row.count() == 1
    assert "Overdue" in row.inner_text()
    page.get_by_role("button", name="Acknowledge (take it)").click()
    assert page.get_by_role("status").first.inner_text() == "You own the escalation now."
    shot(page, "escalations")


def test_an_admin_locks_a_colleague_whose_session_then_ends(
    browser: Browser,  # noqa: F811
    page: Page,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    admin = make_person(sessions, role=Role.admin)
    colleague = make_person(sessions, role=Role.marketer)
    their_page = browser.new_context().new_page()  # the colleague's own browser (own cookies)
    sign_in(their_page, live_server, colleague)
    assert their_page.url.endswith("/web")

    sign_in(page, live_server, admin)
    nav(page, "Users").click()
    page.get_by_role("button", name="Lock Test marketer").click()
    assert "its open sessions have ended" in page.get_by_role("status").first.inner_text()
    shot(page, "users-admin")

    their_page.goto(live_server.url + "/web/knowledge")
    assert "/web/login" in their_page.url
    their_page.context.close()
