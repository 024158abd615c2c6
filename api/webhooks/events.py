"""The webhook event catalogue and the shape of an event body.

Event bodies leave the building, so they carry ids, states, hashes and counts
only: `check_payload` refuses anything that looks like free text (a space, an
@, a long string) rather than trusting every caller to remember.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class EventType(StrEnum):
    draft_needs_review = "draft.needs_review"
    draft_approved = "draft.approved"
    draft_rejected = "draft.rejected"
    draft_changes_requested = "draft.changes_requested"
    draft_published = "draft.published"
    draft_expired = "draft.expired"
    content_takedown = "content.takedown"
    consent_revoked = "consent.revoked"
    consent_expired = "consent.expired"
    escalation_created = "escalation.created"
    webhook_ping = "webhook.ping"


EVENT_DESCRIPTIONS: dict[EventType, str] = {
    EventType.draft_needs_review: "A draft version passed drafting and waits for a reviewer.",
    EventType.draft_approved: "A draft version was approved; `content_hash` is the approved content.",
    EventType.draft_rejected: "A reviewer rejected a draft.",
    EventType.draft_changes_requested: "A reviewer asked for changes to a draft.",
    EventType.draft_published: "The CMS confirmed publication of an approved version.",
    EventType.draft_expired: "An approval expired (date reached, or a claim or product fact expired).",
    EventType.content_takedown: "Published content must come down (e.g. its consent was revoked).",
    EventType.consent_revoked: "A patient consent was revoked.",
    EventType.consent_expired: "A patient consent reached its expiry date.",
    EventType.escalation_created: "A reply or comment was escalated (clinical question, adverse event, crisis).",
    EventType.webhook_ping: "Sent on request to test a subscription.",
}

# Keys are snake_case names; values are ids, states, hashes, timestamps, counts or flags.
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TOKEN = re.compile(r"^[A-Za-z0-9._:+/=-]{0,128}$")
_MAX_ITEMS = 50


class PayloadRefused(ValueError):
    """The payload holds something other than ids, states, hashes, counts or flags."""


def _check_scalar(key: str, value: object) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if not _TOKEN.fullmatch(value):
            # The key only: the value may be exactly what must not be repeated.
            raise PayloadRefused(f"payload field {key!r} is not an id, state or hash")
        return
    raise PayloadRefused(f"payload field {key!r} has an unsupported type")


def check_payload(payload: dict[str, Any]) -> None:
    """Refuse free text: the event leaves Carepost and may be logged by any receiver."""
    if len(payload) > _MAX_ITEMS:
        raise PayloadRefused("payload has too many fields")
    for key, value in payload.items():
        if not _KEY.fullmatch(key):
            raise PayloadRefused("payload keys are snake_case names")
        if isinstance(value, list):
            if len(value) > _MAX_ITEMS:
                raise PayloadRefused(f"payload field {key!r} has too many items")
            for item in value:
                _check_scalar(key, item)
        else:
            _check_scalar(key, value)


class EventEnvelope(BaseModel):
    """What a receiver gets as the request body."""

    id: uuid.UUID = Field(description="The event id; the same in every delivery of this event.")
    type: EventType
    created_at: datetime
    organisation_id: uuid.UUID
    data: dict[str, Any] = Field(description="Ids, states and hashes of the subject; never content.")


def encode_event(envelope: EventEnvelope) -> str:
    """The body that is signed and sent: compact, key-sorted JSON, fixed once at emit time."""
    return json.dumps(envelope.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
