"""The pages in a real browser: Debian's Chromium driven headless by Playwright against a live server.

The app runs under uvicorn on a loopback port in a thread, with its job workers, so a
brief submitted in the page is drafted while the page waits. Chromium comes from
`make install-dev` (apt); Playwright's own browser download is never used. Screenshots
are kept under test-output/web/ to look at. Every request the browser makes must stay
on the server's own origin, and the strict CSP must report no violation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from api.services import Services
from api.settings import Settings
from api.store.drafting_models import DraftRow
from api.store.library_repository import knowledge_org
from api.store.models import Role
from knowledge.pack.loader import load_pack_library
from tests.api.web.helpers import PASSWORD, Person, make_person
from tests.api.web.review_data import TEXT, make_draft
from tests.evals.test_report_browser import ARGS, CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "web"
STORY_MESSAGE = "Our patient Maria Lopez, 67, is home after her bypass surgery on March 3"  # synthetic


@dataclass
class LiveServer:
    url: str
    app: FastAPI

    @property
    def services(self) -> Services:
        services = self.app.state.services
        assert isinstance(services, Services)
        return services


@pytest.fixture
def live_server(test_settings: Settings, app_factory: Callable[..., FastAPI]) -> Iterator[LiveServer]:
    settings = test_settings.model_copy(update={"web_lockout_attempts": 3, "worker_poll_seconds": 0.2})
    app = app_factory(settings, run_workers=True)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="live-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the server thread died while starting"
        assert time.monotonic() < deadline, "the server did not start within 60 s"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), (
        "Debian's chromium is missing: run `make install-dev` as root (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    violations: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    opened = context.new_page()
    opened.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield opened
    context.close()
    assert all(url.startswith(live_server.url + "/") for url in requests), requests
    assert violations == []


def shot(page: Page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def sign_in(page: Page, server: LiveServer, person: Person, password: str = PASSWORD) -> None:
    page.goto(server.url + "/web/login")
    page.get_by_label("Organisation").fill(person.org)
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_marketer_submits_a_brief_and_sees_labelled_findings(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session]
) -> None:
    marketer = make_person(sessions, role=Role.marketer)
    live_server.services.knowledge.libraries.put(knowledge_org(marketer.organisation_id), load_pack_library())
    sign_in(page, live_server, marketer)
    page.get_by_role("link", name="New brief").click()
    page.get_by_label("Topic (required)").fill("A heart surgery recovery story")
    page.get_by_label("Facebook").check()
    page.get_by_label("X", exact=True).check()
    page.get_by_label("Key messages").fill(STORY_MESSAGE)
    page.get_by_label("Library topics").fill("heart")
    shot(page, "brief-form")
    page.get_by_role("button", name="Request drafts").click()

    # The page polls while the in-process worker drafts, then shows the drafts.
    page.get_by_text("Done: 2 drafts.").wait_for(timeout=60_000)
    marks = page.locator("mark.hl")
    assert marks.count() > 0
    first = marks.first
    label = first.locator(".badge")
    assert label.first.inner_text().strip().endswith(("Block", "Warning", "Note"))
    tip = page.locator("#" + (first.get_attribute("aria-describedby") or ""))
    assert not tip.is_visible()
    first.hover()
    assert tip.is_visible()
    assert "Source:" in tip.inner_text()
    shot(page, "draft-finding-hover")

    # Keyboard: the highlight takes focus with Tab, shows its explanation and a visible focus ring.
    page.mouse.move(0, 0)
    page.get_by_role("link", name="Open this draft").first.focus()
    for _ in range(50):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('hl')"):
            break
    focused = page.locator("mark.hl:focus")
    assert focused.count() == 1
    assert page.locator("#" + (focused.get_attribute("aria-describedby") or "")).is_visible()
    outline = focused.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    shot(page, "draft-finding-focus")
    page.keyboard.press("Escape")
    assert page.locator("mark.hl:focus").count() == 0

    assert page.get_by_text("/ 280").count() >= 1  # X's counter, from the guardrails' platform limits


def test_an_account_locks_after_repeated_failures(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session]
) -> None:
    person = make_person(sessions, role=Role.reviewer)
    for _ in range(3):
        sign_in(page, live_server, person, password="a wrong password, again")  # pragma: allowlist secret
        assert page.get_by_role("alert").inner_text().startswith("Sign-in failed")
    sign_in(page, live_server, person)  # the right password, but the account is locked now
    assert page.get_by_role("alert").inner_text().startswith("Sign-in failed")
    assert page.url.endswith("/web/login")
    shot(page, "signin-locked")
    page.goto(live_server.url + "/web/knowledge")
    assert "/web/login" in page.url


def test_a_post_without_the_csrf_token_is_refused(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session]
) -> None:
    marketer = make_person(sessions, role=Role.marketer)
    sign_in(page, live_server, marketer)
    page.goto(live_server.url + "/web/briefs/new")
    page.get_by_label("Topic (required)").fill("Flu shots")
    page.get_by_label("Facebook").check()
    page.locator('form[action="/web/briefs"] input[name="csrf_token"]').evaluate("el => el.remove()")
    page.get_by_role("button", name="Request drafts").click()
    assert page.get_by_role("heading", name="Not allowed").is_visible()
    assert "did not come from this site" in page.get_by_role("alert").inner_text()
    shot(page, "csrf-refused")


def test_an_admin_uploads_a_document_and_sees_the_libraries(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    admin = make_person(sessions, role=Role.admin)
    library = load_pack_library()
    live_server.services.knowledge.libraries.put(knowledge_org(admin.organisation_id), library)
    sign_in(page, live_server, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge").click()
    for heading in ("Products", "Approved claims", "Disclaimers", "Staff directory"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_text(library.brand.staff[0].name).first.is_visible()
    document = tmp_path / "visitor-parking.md"
    document.write_text("# Visitor parking\n\nVisitors park on level 2 of the east garage.\n")
    page.get_by_label("File (Markdown, text, HTML or PDF)").set_input_files(str(document))
    page.get_by_label("Title").fill("Visitor parking")
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_role("status").inner_text().startswith("Visitor parking: created, version 1")
    assert page.get_by_role("cell", name="visitor-parking").first.is_visible()
    shot(page, "knowledge")


def _state(sessions: sessionmaker[Session], draft_id: object) -> str:
    with sessions() as session:
        return session.get_one(DraftRow, draft_id).state


def _sign_approval(page: Page, password: str) -> None:
    form = page.locator("#approve-form")
    assert "approved for publication" in form.inner_text()
    form.get_by_label("Re-enter your password to sign").fill(password)
    form.get_by_role("button", name="Approve and sign").click()


def test_a_reviewer_approves_a_draft_from_the_queue_with_their_password(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session]
) -> None:
    reviewer = make_person(sessions, role=Role.reviewer)
    draft_id = make_draft(sessions, reviewer.organisation_id)
    sign_in(page, live_server, reviewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    assert page.get_by_role("heading", name="Review queue").is_visible()
    page.get_by_label("State").select_option("needs_review")
    page.get_by_role("button", name="Filter").click()
    assert "state=needs_review" in page.url
    shot(page, "review-queue")
    page.get_by_role("link", name=f"Open draft {str(draft_id)[:8]}").click()
    _sign_approval(page, PASSWORD)
    assert page.get_by_role("status").inner_text() == "Your approval is signed and recorded."
    assert page.get_by_text("State: approved").is_visible()
    assert page.locator("#approve-form").count() == 0
    assert _state(sessions, draft_id) == "approved"
    shot(page, "review-approved")


def test_the_author_cannot_approve_their_own_draft(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session]
) -> None:
    reviewer = make_person(sessions, role=Role.reviewer)
    draft_id = make_draft(sessions, reviewer.organisation_id, author_user_id=reviewer.user_id)
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/web/drafts/{draft_id}")
    _sign_approval(page, PASSWORD)
    assert "segregation of duties" in page.get_by_role("alert").inner_text()
    assert page.get_by_text("Needs review").first.is_visible()
    assert _state(sessions, draft_id) == "needs_review"
    shot(page, "review-own-draft-refused")


def test_a_wrong_password_at_signing_is_refused(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session]
) -> None:
    reviewer = make_person(sessions, role=Role.reviewer)
    draft_id = make_draft(sessions, reviewer.organisation_id)
    wrong = "not my password at all"  # pragma: allowlist secret
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/web/drafts/{draft_id}")
    _sign_approval(page, wrong)
    alert = page.get_by_role("alert").inner_text()
    assert alert == "That password does not match your account, so nothing was signed."
    assert wrong not in page.content()
    assert page.locator("#approve-password").input_value() == ""
    assert page.get_by_text("Needs review").first.is_visible()
    assert _state(sessions, draft_id) == "needs_review"
    shot(page, "review-wrong-password")


def test_a_marketer_edits_a_draft_and_compares_the_versions(
    page: Page, live_server: LiveServer, sessions: sessionmaker[Session]
) -> None:
    marketer = make_person(sessions, role=Role.marketer)
    live_server.services.knowledge.libraries.put(knowledge_org(marketer.organisation_id), load_pack_library())
    draft_id = make_draft(sessions, marketer.organisation_id)
    sign_in(page, live_server, marketer)
    page.goto(f"{live_server.url}/web/drafts/{draft_id}")
    page.get_by_label("Text of version 2").fill(TEXT + " Walk-ins welcome.")
    page.get_by_role("button", name="Save as a new version").click()
    assert (
        page.get_by_role("status").inner_text()
        == "Your edit is saved as a new version and was checked again."
    )
    assert page.get_by_text("version 2", exact=False).first.is_visible()
    shot(page, "draft-edited")
    page.get_by_role("link", name="Compare versions").click()
    assert page.get_by_role("heading", name="Changes from version 1 to version 2").is_visible()
    added = page.locator(".diff ins")
    assert added.count() == 1
    assert added.text_content() == "+added: Walk-ins welcome."  # the visible "+" and the hidden words
    page.get_by_label("From version").select_option("2")
    page.get_by_label("To version").select_option("1")
    page.get_by_role("button", name="Compare").click()
    assert page.locator(".diff del").count() == 1
    shot(page, "draft-diff")
