"""A withdrawn consent sends the content that used it back to review, and published content down."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.consents import registry
from api.consents.withdrawal import withdrawal_handler
from api.settings import Settings
from api.store.library_repository import knowledge_org
from api.store.models import AuditEvent, Role
from api.store.webhook_models import WebhookDelivery
from knowledge.pack.loader import load_pack_library
from tests.api.helpers import assert_problem
from tests.api.test_consent_registry import consent_body
from tests.api.workflow.helpers import CLEAN_TEXT, approve, make_draft, subscribe_everything
from tests.conftest import IssuedKey


def state_of(client: TestClient, key: IssuedKey, draft_id: uuid.UUID) -> str:
    state: str = client.get(f"/v1/drafts/{draft_id}", headers=key.headers).json()["state"]
    return state


def takedowns(sessions: sessionmaker[Session], organisation_id: uuid.UUID) -> list[str]:
    with sessions() as session:
        bodies = session.scalars(
            select(WebhookDelivery.body).where(
                WebhookDelivery.organisation_id == organisation_id,
                WebhookDelivery.event_type == "content.takedown",
            )
        ).all()
    return list(bodies)


def test_revocation_sends_content_to_re_review_and_published_content_down(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    admin = make_key("acme", Role.admin)
    reviewer = make_key("acme", Role.reviewer)
    marketer = make_key("acme", Role.marketer)
    client.app.state.services.knowledge.libraries.put(  # type: ignore[attr-defined]
        knowledge_org(admin.organisation_id), load_pack_library()
    )
    subscribe_everything(client, admin)
    consent_id = client.post("/v1/consents", json=consent_body(), headers=admin.headers).json()["id"]
    drafts = {
        state: make_draft(sessions, admin.organisation_id, state=state)
        for state in ("approved", "published", "blocked", "rejected")
    }
    unrelated = make_draft(sessions, admin.organisation_id, state="published")
    with sessions() as session:
        for made in drafts.values():
            registry.record_use(session, admin.organisation_id, uuid.UUID(consent_id), str(made.draft_id))
        session.commit()

    revoked = client.post(
        f"/v1/consents/{consent_id}/revoke", json={"reason": "patient_request"}, headers=admin.headers
    )
    assert revoked.status_code == 200, revoked.text
    assert state_of(client, admin, drafts["approved"].draft_id) == "needs_review"
    assert state_of(client, admin, drafts["published"].draft_id) == "needs_review"
    assert state_of(client, admin, drafts["blocked"].draft_id) == "blocked"
    assert state_of(client, admin, drafts["rejected"].draft_id) == "rejected"
    assert state_of(client, admin, unrelated.draft_id) == "published"
    [takedown] = takedowns(sessions, admin.organisation_id)
    assert str(drafts["published"].draft_id) in takedown
    assert consent_id in takedown
    assert "Maria" not in takedown
    with sessions() as session:
        rereviews = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "draft.rereview").order_by(AuditEvent.seq)
        ).all()
    assert sorted(e.subject_id for e in rereviews) == sorted(
        str(drafts[s].draft_id) for s in ("approved", "published")
    )
    assert all(e.details["consent_id"] == consent_id and e.details["cause"] == "revoked" for e in rereviews)

    # The stored findings were made while the consent held: the version cannot be approved again.
    refused = approve(client, reviewer, drafts["published"].draft_id)
    assert_problem(refused, 409, "consent-withdrawn")
    edited = client.post(
        f"/v1/drafts/{drafts['published'].draft_id}/versions",
        json={"text": CLEAN_TEXT + " Walk-ins welcome."},
        headers=marketer.headers,
    )
    assert edited.json()["state"] == "needs_review"
    assert approve(client, reviewer, drafts["published"].draft_id).json()["state"] == "approved"


def test_expiry_sweep_does_the_same(
    client: TestClient,
    make_key: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    test_settings: Settings,
) -> None:
    admin = make_key("acme", Role.admin)
    subscribe_everything(client, admin)
    today = datetime.now(UTC).date()
    consent_id = client.post(
        "/v1/consents", json=consent_body(expires_on=today.isoformat()), headers=admin.headers
    ).json()["id"]
    made = make_draft(sessions, admin.organisation_id, state="published")
    with sessions() as session:
        registry.record_use(session, admin.organisation_id, uuid.UUID(consent_id), str(made.draft_id))
        session.commit()
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with sessions() as session:
        handled = registry.sweep_expired(
            session, clock=lambda: tomorrow, handler=withdrawal_handler(test_settings)
        )
        session.commit()
    assert [str(w.consent_id) for w in handled] == [consent_id]
    assert state_of(client, admin, made.draft_id) == "needs_review"
    [takedown] = takedowns(sessions, admin.organisation_id)
    assert "consent_expired" in takedown
