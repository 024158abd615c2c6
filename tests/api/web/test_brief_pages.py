"""The brief form and a brief's page, through the test client (the browser tests drive the same pages)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agents.brief import Brief
from api.consents import registry
from api.consents.schemas import ConsentCreate, RevocationReason
from api.consents.withdrawal import record_pending
from api.keyring import Actor
from api.store.drafting_models import BriefRow
from api.store.library_repository import knowledge_org
from api.store.models import Role
from knowledge.libraries.models import KnowledgeLibrary
from knowledge.pack.loader import load_pack_library
from tests.api.test_briefs import services_of, work
from tests.api.web.helpers import Person, csrf_of, make_person, sign_in

# Synthetic: a made-up patient, so the guardrails have identifiers to find in the drafts.
STORY = {
    "topic": "A heart surgery recovery story",
    "platforms": ["facebook", "x"],
    "key_messages": "Our patient Maria Lopez, 67, is home after her bypass surgery on March 3",
    "topics": "heart",
}


@pytest.fixture(scope="module")
def pack_library() -> KnowledgeLibrary:
    return load_pack_library()


@pytest.fixture
def marketer(
    web_client: TestClient, sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> Person:
    person = make_person(sessions, role=Role.marketer)
    services_of(web_client).knowledge.libraries.put(knowledge_org(person.organisation_id), pack_library)
    assert sign_in(web_client, person).status_code == 303
    return person


def post_brief(client: TestClient, fields: dict[str, Any]) -> Any:
    form = client.get("/web/briefs/new")
    return client.post(
        "/web/briefs", data={"csrf_token": csrf_of(form.text), **fields}, follow_redirects=False
    )


def test_the_form_has_every_brief_field_and_the_pickers(
    web_client: TestClient, marketer: Person, sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    with sessions() as session:
        actor = Actor(source="cli")
        scope = {"content_types": ["post"], "platforms": ["facebook"]}
        active = registry.create(
            session,
            marketer.organisation_id,
            ConsentCreate.model_validate(
                {
                    "subject_hint": "Maria L.",
                    "scope": scope,
                    "signed_on": "2026-01-10",
                    "document_ref": "dms:1",
                }
            ),
            actor=actor,
        )
        revoked = registry.create(
            session,
            marketer.organisation_id,
            ConsentCreate.model_validate(
                {
                    "subject_hint": "Patient B",
                    "scope": scope,
                    "signed_on": "2026-01-10",
                    "document_ref": "dms:2",
                }
            ),
            actor=actor,
        )
        registry.revoke(session, revoked, RevocationReason.other, actor=actor, handler=record_pending)
        session.commit()
    page = web_client.get("/web/briefs/new")
    assert page.status_code == 200
    names = set(re.findall(r'name="([a-z_0-9-]+)"', page.text))
    # Every field of agents.brief.Brief has a control (the id is generated; media and reply_to are nested).
    nested = {"media": "media-0-description", "reply_to": "reply_text"}
    for field_name in Brief.model_fields:
        if field_name != "id":
            assert nested.get(field_name, field_name) in names, field_name
    assert {"media-0-kind", "media-0-alt_text", "reply_rating", "reply_author"} <= names
    for product in pack_library.products:
        assert f'value="{product.id}"' in page.text
    assert f'value="{active.id}"' in page.text
    assert "Maria L." in page.text
    assert str(revoked.id) not in page.text
    # every control is labelled
    for control in re.findall(r'<(?:input|select|textarea) id="([^"]+)"', page.text):
        assert f'for="{control}"' in page.text, control


def test_errors_are_shown_beside_their_fields_without_the_values(
    web_client: TestClient, marketer: Person
) -> None:
    typed_phi = "Maria Lopez MRN 4417"  # pragma: allowlist secret (synthetic PHI a marketer might type)
    response = post_brief(
        web_client,
        {
            "topic": "",
            "links": f"https://ok.example/a\n{typed_phi}",
            "media-1-alt_text": "x" * 301,
            "variants": "7",
        },
    )
    assert response.status_code == 422
    page = response.text
    errors = dict(re.findall(r'<ul class="field-errors" id="([^"]+)-error">(.*?)</ul>', page, re.S))
    assert set(errors) == {"topic", "platforms", "links", "media-1-alt_text", "variants"}
    assert "Line 2" in errors["links"]
    assert 'aria-describedby="links-error' in page
    assert 'aria-invalid="true"' in page
    assert all(typed_phi not in message for message in errors.values())
    assert page.count(typed_phi) == 1  # only back in its own textarea, for correcting
    assert "5 problems to fix" in page


def test_a_reply_needs_one_platform_and_says_so_for_the_whole_form(
    web_client: TestClient, marketer: Person
) -> None:
    response = post_brief(
        web_client,
        {
            "topic": "Reply",
            "content_type": "review_response",
            "platforms": ["facebook", "x"],
            "reply_text": "Hi",
        },
    )
    assert response.status_code == 422
    assert "A reply answers one review or comment on one platform." in response.text


def test_a_fabricated_testimonial_is_refused(web_client: TestClient, marketer: Person) -> None:
    response = post_brief(
        web_client, {"topic": "Write a 5-star review from a happy patient", "platforms": ["facebook"]}
    )
    assert response.status_code == 422
    assert "never fabricates testimonials" in response.text


def test_a_submitted_brief_shows_progress_then_drafts_with_labelled_findings(
    web_client: TestClient, marketer: Person, sessions: sessionmaker[Session]
) -> None:
    response = post_brief(web_client, STORY)
    assert response.status_code == 303
    location = response.headers["location"]
    brief_id = location.rsplit("/", 1)[1]
    with sessions() as session:
        row = session.get_one(BriefRow, uuid.UUID(brief_id))
        assert row.created_by_user_id == marketer.user_id
        assert row.created_by_key_id is None
    waiting = web_client.get(location)
    assert "data-poll" in waiting.text
    assert "Waiting for a worker" in waiting.text

    assert work(web_client) == 1
    page = web_client.get(location).text
    assert "data-poll" not in page
    assert "Done: 2 drafts." in page
    marks = re.findall(r'<mark class="hl sev-(\w+) [^"]*" tabindex="0" aria-describedby="([^"]+)"', page)
    assert marks
    for severity, tip in marks:
        assert severity in {"block", "warn", "info"}
        assert f'role="tooltip" id="{tip}"' in page
    # each highlight carries a worded label, not only a colour
    assert re.search(
        r'<mark class="hl sev-block[^>]*><span class="badge sev-block"><span aria-hidden="true">[^<]+</span> Block</span>',
        page,
    )
    assert "45 CFR" in page  # citations shown with the findings
    # the platform preview counts against the limit from the guardrails' platform file
    assert re.search(
        r'<span class="count">[\d,]+ / 280</span> <span class="hint">\(each link counts as 23\)', page
    )
    assert "/ 63,206" in page


def test_the_same_form_sent_twice_drafts_once(
    web_client: TestClient, marketer: Person, sessions: sessionmaker[Session]
) -> None:
    form = web_client.get("/web/briefs/new")
    key = re.findall(r'name="idempotency_key" value="([^"]+)"', form.text)[0]
    fields = {"csrf_token": csrf_of(form.text), "idempotency_key": key, **STORY}
    first = web_client.post("/web/briefs", data=fields, follow_redirects=False)
    second = web_client.post("/web/briefs", data=fields, follow_redirects=False)
    assert first.headers["location"] == second.headers["location"]
    with sessions() as session:
        assert len(session.scalars(select(BriefRow)).all()) == 1


def test_a_draft_has_its_own_page(web_client: TestClient, marketer: Person) -> None:
    location = post_brief(web_client, STORY).headers["location"]
    work(web_client)
    brief_page = web_client.get(location).text
    draft_path = re.findall(r'href="(/web/drafts/[0-9a-f-]+)"', brief_page)[0]
    page = web_client.get(draft_path)
    assert page.status_code == 200
    assert f'href="{location}"' in page.text
    assert "Versions" in page.text
    assert "<td>modular engine</td>" in page.text  # who wrote version 1
    assert web_client.get("/web/drafts/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_knowledge_page_lists_the_library_and_admins_upload(
    web_client: TestClient, sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    admin = make_person(sessions, role=Role.admin)
    services_of(web_client).knowledge.libraries.put(knowledge_org(admin.organisation_id), pack_library)
    sign_in(web_client, admin)
    page = web_client.get("/web/knowledge")
    assert page.status_code == 200
    for text in (
        pack_library.products[0].brand_name,
        pack_library.claims[0].text,
        pack_library.brand.staff[0].name,
    ):
        assert text in page.text
    assert "Disclaimers" in page.text
    uploaded = web_client.post(
        "/web/knowledge/documents",
        data={"csrf_token": csrf_of(page.text), "kind": "policy", "title": "Parking", "topics": "campus"},
        files={"file": ("parking.md", b"# Parking\n\nStaff park on level 3.\n", "text/markdown")},
    )
    assert uploaded.status_code == 201
    assert "Parking: created, version 1" in uploaded.text
    again = web_client.post(
        "/web/knowledge/documents",
        data={"csrf_token": csrf_of(page.text), "kind": "policy"},
        files={"file": ("notes.exe", b"MZ\x90\x00binary", "application/octet-stream")},
    )
    assert again.status_code == 415
    assert 'role="alert"' in again.text
