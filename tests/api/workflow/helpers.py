"""Shared pieces of the review workflow tests: drafts in a chosen state, signatures, webhooks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agents.brief import Brief
from api.drafting.handler import content_sha256
from api.drafting.submit import Submitter, submit_brief
from api.jobs.queue import JobQueue
from api.services import Services
from api.store.drafting_models import DraftRow, DraftVersionRow
from api.store.models import AuditEvent
from api.store.webhook_models import WebhookDelivery
from tests.conftest import IssuedKey

BRIEF_BODY: dict[str, Any] = {
    "topic": "Free Saturday flu shot clinics",
    "platforms": ["facebook"],
    "key_messages": ["Free flu shots on Saturdays at the Brightwater Clinic"],
    "links": ["https://larkspurvalleyhealth.example/flu"],
    "topics": ["flu"],
}
CLEAN_TEXT = "Free flu shots on Saturdays at the Brightwater Clinic."
# A block finding of an overridable family (the test configuration makes brand.banned_term
# overridable) and one of PHI, which is never overridable.
BRAND_BLOCK = {
    "rule_id": "brand.banned_term",
    "category": "brand",
    "severity": "block",
    "start": 0,
    "end": 4,
    "message": "A banned term.",
}
PHI_BLOCK = {
    "rule_id": "phi.identifier",
    "category": "phi",
    "severity": "block",
    "start": 5,
    "end": 9,
    "message": "An identifier.",
    "entity": "PERSON",
}
PATIENT_STATUS_BLOCK = {
    "rule_id": "patient_status.care_relationship",
    "category": "patient_status",
    "severity": "block",
    "start": 10,
    "end": 14,
    "message": "Confirms a care relationship.",
}
EVERY_EVENT = [
    "draft.needs_review",
    "draft.approved",
    "draft.rejected",
    "draft.changes_requested",
    "draft.published",
    "draft.expired",
    "content.takedown",
]


@dataclass
class Org:
    """Keys of one organisation, by role (three reviewers for multi-step policies)."""

    admin: IssuedKey
    marketer: IssuedKey
    reviewer: IssuedKey
    reviewer2: IssuedKey
    reviewer3: IssuedKey
    integration: IssuedKey

    @property
    def id(self) -> uuid.UUID:
        return self.admin.organisation_id


@dataclass(frozen=True)
class Made:
    draft_id: uuid.UUID
    brief_id: uuid.UUID
    content_sha256: str


def make_draft(
    sessions: sessionmaker[Session],
    organisation_id: uuid.UUID,
    *,
    state: str = "needs_review",
    text: str = CLEAN_TEXT,
    findings: list[dict[str, Any]] | None = None,
    brief: dict[str, Any] | None = None,
    submitter_key: uuid.UUID | None = None,
    citations: list[str] | None = None,
) -> Made:
    """A brief (as submitted by `submitter_key`) and one draft in `state` with version 1 by the engine."""
    with sessions() as session:
        submission = submit_brief(
            session,
            JobQueue(sessions),
            submitter=Submitter(organisation_id=organisation_id, key_id=submitter_key),
            brief=Brief.model_validate(brief or BRIEF_BODY),
            engine="modular",
            idempotency_key=uuid.uuid4().hex,
        )
        brief_id = submission.brief.id
    with sessions() as session:
        draft = DraftRow(
            organisation_id=organisation_id,
            brief_id=brief_id,
            platform="facebook",
            variant=1,
            engine="modular",
            state=state,
            current_version=1,
            created_by_key_id=submitter_key,
            approved_version=1 if state in ("approved", "published") else None,
        )
        session.add(draft)
        session.flush()
        digest = content_sha256(text)
        session.add(
            DraftVersionRow(
                draft_id=draft.id,
                number=1,
                text=text,
                content_sha256=digest,
                findings=findings or [],
                alt_texts=[],
                rounds=0,
                citations=citations or [],
                author="engine:modular",
            )
        )
        session.commit()
        return Made(draft_id=draft.id, brief_id=brief_id, content_sha256=digest)


def signed(key: IssuedKey, meaning: str = "approved_for_publication", **extra: Any) -> dict[str, Any]:
    """A request body with an e-signature re-authenticating with the key's own secret."""
    return {"signature": {"meaning": meaning, "credential": key.secret}, **extra}


def approve(client: TestClient, key: IssuedKey, draft_id: uuid.UUID, **extra: Any) -> Any:
    return client.post(f"/v1/drafts/{draft_id}/approve", json=signed(key, **extra), headers=key.headers)


def subscribe_everything(client: TestClient, admin: IssuedKey) -> None:
    """A webhook subscribed to every workflow event (an address literal: nothing is sent in tests)."""
    response = client.post(
        "/v1/webhooks",
        json={"url": "https://93.184.216.34/carepost", "event_types": EVERY_EVENT},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text


def delivered(sessions: sessionmaker[Session], organisation_id: uuid.UUID) -> list[str]:
    """Event types queued for the organisation's webhooks, in order."""
    with sessions() as session:
        return list(
            session.scalars(
                select(WebhookDelivery.event_type)
                .where(WebhookDelivery.organisation_id == organisation_id)
                .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
            )
        )


PHI_TEXT = "So proud of our patient Maria Lopez, 67, after her bypass at Brightwater Clinic."


def services_of(client: TestClient) -> Services:
    services = client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services, Services)
    return services


def edit(client: TestClient, key: IssuedKey, draft_id: uuid.UUID, text: str, **extra: Any) -> Any:
    return client.post(f"/v1/drafts/{draft_id}/versions", json={"text": text, **extra}, headers=key.headers)


def events(sessions: sessionmaker[Session], subject_id: uuid.UUID) -> list[AuditEvent]:
    """The audit events about one subject, in chain order."""
    with sessions() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.subject_id == str(subject_id)).order_by(AuditEvent.seq)
            )
        )
