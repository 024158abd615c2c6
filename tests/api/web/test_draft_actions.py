"""The draft page's edit form, version diff and audit history, through the test client."""

from __future__ import annotations

import dataclasses
import re
import uuid

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.store.drafting_models import DraftRow, DraftVersionRow
from api.store.library_repository import knowledge_org
from api.store.models import AuditEvent, Role
from api.store.workflow_models import SignatureRow
from api.workflow.schemas import MAX_TEXT
from knowledge.pack.loader import load_pack_library
from tests.api.web.helpers import PASSWORD, Person, csrf_of, make_person, sign_in
from tests.api.web.test_review_pages import state_of
from tests.api.workflow.helpers import (
    BRAND_BLOCK,
    CLEAN_TEXT,
    PATIENT_STATUS_BLOCK,
    PHI_BLOCK,
    PHI_TEXT,
    make_draft,
    services_of,
)

EDITED = CLEAN_TEXT + " Walk-ins welcome."


def signed_in(client: TestClient, sessions: sessionmaker[Session], role: Role = Role.marketer) -> Person:
    person = make_person(sessions, role=role)
    assert sign_in(client, person).status_code == 303
    return person


@pytest.fixture
def draft_id(web_client: TestClient, sessions: sessionmaker[Session]) -> uuid.UUID:
    """A draft of "acme", whose knowledge library is the default pack (so edits are checked)."""
    org = make_person(sessions, role=Role.admin).organisation_id
    services_of(web_client).knowledge.libraries.put(knowledge_org(org), load_pack_library())
    return make_draft(sessions, org).draft_id


def post_edit(client: TestClient, draft_id: uuid.UUID, text: str, version: str = "1") -> httpx2.Response:
    token = csrf_of(client.get(f"/web/drafts/{draft_id}").text)
    return client.post(
        f"/web/drafts/{draft_id}/versions",
        data={"csrf_token": token, "text": text, "version": version},
        follow_redirects=False,
    )


def stored(sessions: sessionmaker[Session], draft_id: uuid.UUID) -> tuple[str, list[str]]:
    with sessions() as session:
        texts = session.scalars(
            select(DraftVersionRow.text)
            .where(DraftVersionRow.draft_id == draft_id)
            .order_by(DraftVersionRow.number)
        ).all()
        return session.get_one(DraftRow, draft_id).state, list(texts)


def test_an_edit_is_a_new_checked_version_shown_with_its_findings(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions)
    page = web_client.get(f"/web/drafts/{draft_id}").text
    assert '<label for="edit-text">' in page
    assert f">{CLEAN_TEXT}</textarea>" in page

    blocked = post_edit(web_client, draft_id, PHI_TEXT)
    assert blocked.status_code == 303
    assert blocked.headers["location"] == f"/web/drafts/{draft_id}?done=edit"
    assert stored(sessions, draft_id) == ("blocked", [CLEAN_TEXT, PHI_TEXT])
    shown = web_client.get(blocked.headers["location"]).text
    assert "version 2" in shown
    assert "Blocked: cannot be approved" in shown
    assert 'class="finding sev-block"' in shown  # the new version's findings
    assert 'role="status">Your edit is saved' in shown

    fixed = post_edit(web_client, draft_id, EDITED, version="2")
    assert fixed.status_code == 303
    assert stored(sessions, draft_id) == ("needs_review", [CLEAN_TEXT, PHI_TEXT, EDITED])


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "cannot be empty"), ("x" * (MAX_TEXT + 1), "too long"), ("a\x00b", "cannot be stored")],
)
def test_an_invalid_text_is_refused_next_to_the_field(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID, text: str, message: str
) -> None:
    signed_in(web_client, sessions)
    page = post_edit(web_client, draft_id, text)
    assert page.status_code == 422
    assert 'id="edit-error" class="field-error" role="alert"' in page.text
    assert message in page.text
    assert 'aria-invalid="true"' in page.text
    assert stored(sessions, draft_id) == ("needs_review", [CLEAN_TEXT])


def test_a_stale_edit_is_a_409_with_a_message_not_a_save(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions)
    assert post_edit(web_client, draft_id, EDITED).status_code == 303
    stale = post_edit(web_client, draft_id, PHI_TEXT, version="1")  # the form of version 1, posted late
    assert stale.status_code == 409
    assert 'role="alert">The draft changed since you opened it' in stale.text
    assert stored(sessions, draft_id)[1] == [CLEAN_TEXT, EDITED]


def test_an_illegal_edit_shows_the_workflow_refusal(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    person = signed_in(web_client, sessions)
    draft = make_draft(sessions, person.organisation_id, state="published").draft_id
    page = web_client.get(f"/web/drafts/{draft}").text
    assert 'id="edit-form"' not in page  # not offered for a published draft
    token = csrf_of(page)
    refused = web_client.post(
        f"/web/drafts/{draft}/versions", data={"csrf_token": token, "text": EDITED, "version": "1"}
    )
    assert refused.status_code == 409
    assert 'class="alert" role="alert"' in refused.text
    assert stored(sessions, draft) == ("published", [CLEAN_TEXT])


def test_an_edit_needs_the_csrf_token_and_an_editor(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions)
    missing = web_client.post(f"/web/drafts/{draft_id}/versions", data={"text": EDITED, "version": "1"})
    assert missing.status_code == 403
    web_client.cookies.clear()
    signed_in(web_client, sessions, Role.reviewer)
    page = web_client.get(f"/web/drafts/{draft_id}").text
    assert 'id="edit-form"' not in page
    assert post_edit(web_client, draft_id, EDITED).status_code == 403
    assert stored(sessions, draft_id) == ("needs_review", [CLEAN_TEXT])


def test_the_diff_page_lists_versions_and_marks_words_without_colour_alone(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions)
    assert post_edit(web_client, draft_id, EDITED).status_code == 303
    page = web_client.get(f"/web/drafts/{draft_id}/diff")
    assert page.status_code == 200
    with sessions() as session:
        rows = session.scalars(
            select(DraftVersionRow)
            .where(DraftVersionRow.draft_id == draft_id)
            .order_by(DraftVersionRow.number)
        ).all()
        hashes = [row.content_sha256[:12] for row in rows]
    assert all(f"<code>{h}</code>" in page.text for h in hashes)
    # Default: the latest edit, 1 -> 2; the added words carry a "+" and hidden "added:" text.
    assert "Changes from version 1 to version 2" in page.text
    assert (
        '<ins><span class="diff-mark" aria-hidden="true">+</span>'
        '<span class="visually-hidden">added: </span>Walk-ins welcome.</ins>'
    ) in page.text
    assert "<del>" not in page.text
    assert '<label for="diff-from">' in page.text
    assert '<label for="diff-to">' in page.text
    # Who wrote each version, by name: the edit's author is the signed-in marketer.
    assert "<td>Test marketer</td>" in page.text
    assert "user:" not in page.text
    assert "<td>Test marketer</td>" in web_client.get(f"/web/drafts/{draft_id}").text

    backwards = web_client.get(f"/web/drafts/{draft_id}/diff", params={"from": 2, "to": 1}).text
    assert '<span class="visually-hidden">removed: </span>Walk-ins welcome.</del>' in backwards
    assert "<ins>" not in backwards


@pytest.mark.parametrize("query", [{"from": "9"}, {"to": "zz-crafted"}, {"from": "0", "to": "1"}])
def test_the_diff_page_refuses_an_unknown_version_without_echoing_it(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID, query: dict[str, str]
) -> None:
    signed_in(web_client, sessions)
    page = web_client.get(f"/web/drafts/{draft_id}/diff", params=query)
    assert page.status_code == 422
    assert "zz-crafted" not in page.text


def test_the_diff_page_of_another_organisations_draft_is_404(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID
) -> None:
    outsider = make_person(sessions, org="other-org", role=Role.reviewer)
    assert sign_in(web_client, outsider).status_code == 303
    assert web_client.get(f"/web/drafts/{draft_id}/diff").status_code == 404


def test_the_history_lists_edits_and_signatures_with_their_meaning_and_no_text(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions)
    assert post_edit(web_client, draft_id, PHI_TEXT).status_code == 303
    assert post_edit(web_client, draft_id, EDITED, version="2").status_code == 303
    assert web_client.get(f"/web/drafts/{draft_id}/history").status_code == 403  # marketers: no audit
    web_client.cookies.clear()
    reviewer = signed_in(web_client, sessions, Role.reviewer)
    page = web_client.get(f"/web/drafts/{draft_id}").text
    assert f'href="/web/drafts/{draft_id}/history"' in page
    token = csrf_of(page)
    refused = web_client.post(
        f"/web/drafts/{draft_id}/approve", data={"csrf_token": token, "password": "wrong guess here"}
    )
    assert refused.status_code == 403
    approved = web_client.post(
        f"/web/drafts/{draft_id}/approve",
        data={"csrf_token": token, "password": PASSWORD},
        follow_redirects=False,
    )
    assert approved.status_code == 303

    history = web_client.get(f"/web/drafts/{draft_id}/history")
    assert history.status_code == 200
    whats = re.findall(r"<td><code>([a-z_.]+)</code></td>", history.text)
    assert whats[:2] == ["draft.edit", "draft.edit"]
    assert "signature.refused" in whats
    assert "signature.recorded" in whats
    assert whats.index("signature.refused") < whats.index("signature.recorded")
    assert "approved for publication" in history.text
    assert history.text.count("Test reviewer") >= 2
    assert history.text.count("Test marketer") == 2
    with sessions() as session:
        recorded = session.scalars(
            select(AuditEvent.event_type).where(AuditEvent.actor_user_id == reviewer.user_id)
        ).all()
    assert len(whats) >= len([e for e in recorded if e != "user.signed_in"])
    # Events store no text, and the page adds none: no word of the PHI version appears.
    assert "Lopez" not in history.text
    assert "bypass" not in history.text


def test_the_history_of_another_organisations_draft_is_404(
    web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID
) -> None:
    outsider = make_person(sessions, org="other-org", role=Role.admin)
    assert sign_in(web_client, outsider).status_code == 303
    assert web_client.get(f"/web/drafts/{draft_id}/history").status_code == 404


@pytest.fixture
def blocked_id(web_client: TestClient, sessions: sessionmaker[Session], draft_id: uuid.UUID) -> uuid.UUID:
    """A blocked draft of the same organisation: one overridable block, one PHI, one patient status.

    The default configuration makes no rule overridable; here the brand rule is (as a deployment may
    configure it), and PHI and patient status are made overridable too, so only the workflow's own
    "never" keeps them off the form.
    """
    services = services_of(web_client)
    services.workflow = dataclasses.replace(services.workflow, overridable=lambda rule_id: True)
    with sessions() as session:
        org = session.get_one(DraftRow, draft_id).organisation_id
    findings = [BRAND_BLOCK, PHI_BLOCK, PATIENT_STATUS_BLOCK]
    return make_draft(sessions, org, state="blocked", findings=findings).draft_id


def post_override(
    client: TestClient, draft_id: uuid.UUID, findings: list[str], password: str = PASSWORD
) -> httpx2.Response:
    token = csrf_of(client.get(f"/web/drafts/{draft_id}").text)
    return client.post(
        f"/web/drafts/{draft_id}/override",
        data={
            "csrf_token": token,
            "finding": findings,
            "reason": "Approved brand exception.",
            "password": password,
        },
        follow_redirects=False,
    )


def signatures(sessions: sessionmaker[Session], draft_id: uuid.UUID) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(SignatureRow.meaning).where(SignatureRow.draft_id == draft_id)))


def test_a_reviewer_overrides_only_what_may_be_overridden_with_a_signature(
    web_client: TestClient, sessions: sessionmaker[Session], blocked_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions, Role.reviewer)
    page = web_client.get(f"/web/drafts/{blocked_id}").text
    assert 'id="override-form"' in page
    assert '<label for="override-f0">' in page
    assert 'value="1"' not in page.split('id="override-form"')[1].split("</form>")[0]  # no PHI offered
    assert 'id="override-f2"' not in page  # nor patient status
    assert '<label for="override-password">' in page

    forced = post_override(web_client, blocked_id, ["0", "1"])  # PHI forced into the post
    assert forced.status_code == 422
    assert "cannot be overridden" in forced.text
    assert signatures(sessions, blocked_id) == []

    done = post_override(web_client, blocked_id, ["0"])
    assert done.status_code == 303
    assert signatures(sessions, blocked_id) == ["block_finding_overridden"]
    assert state_of(sessions, blocked_id) == "blocked"  # PHI and patient status still block


def test_a_wrong_password_signs_nothing_and_is_audited(
    web_client: TestClient, sessions: sessionmaker[Session], blocked_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions, Role.reviewer)
    refused = post_override(web_client, blocked_id, ["0"], password="not the password at all")
    assert refused.status_code == 403
    assert "does not match your account" in refused.text
    assert "not the password at all" not in refused.text
    assert signatures(sessions, blocked_id) == []
    with sessions() as session:
        kinds = session.scalars(
            select(AuditEvent.event_type).where(AuditEvent.subject_id == str(blocked_id))
        ).all()
    assert "signature.refused" in kinds


def test_an_author_cannot_override_their_own_draft(
    web_client: TestClient, sessions: sessionmaker[Session], blocked_id: uuid.UUID
) -> None:
    reviewer = signed_in(web_client, sessions, Role.reviewer)
    with sessions() as session:
        version = session.get_one(DraftVersionRow, (blocked_id, 1))
        version.author_user_id = reviewer.user_id
        session.commit()
    refused = post_override(web_client, blocked_id, ["0"])
    assert refused.status_code == 403, refused.status_code
    assert 'class="alert" role="alert"' in refused.text
    assert signatures(sessions, blocked_id) == []


def test_an_override_needs_a_finding_and_the_csrf_token(
    web_client: TestClient, sessions: sessionmaker[Session], blocked_id: uuid.UUID
) -> None:
    signed_in(web_client, sessions, Role.reviewer)
    assert post_override(web_client, blocked_id, []).status_code == 422
    missing = web_client.post(
        f"/web/drafts/{blocked_id}/override", data={"finding": "0", "reason": "x", "password": PASSWORD}
    )
    assert missing.status_code == 403
    assert signatures(sessions, blocked_id) == []
