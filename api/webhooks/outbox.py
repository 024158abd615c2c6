"""`emit`: record an event as one delivery row per subscribed webhook, in the caller's transaction.

The outbox pattern: the state change and its deliveries commit together or not
at all, so a CMS never hears of an approval that was rolled back, and never
misses one that was committed. Sending happens later, in the dispatcher.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.models import utcnow
from api.store.webhook_models import DeliveryState, Webhook, WebhookDelivery
from api.webhooks.events import EventEnvelope, EventType, check_payload, encode_event


def emit(
    session: Session,
    organisation_id: uuid.UUID,
    event_type: EventType | str,
    payload: dict[str, Any],
    *,
    now: datetime | None = None,
    only_webhook: uuid.UUID | None = None,
) -> uuid.UUID:
    """Queue `event_type` for every active webhook of the organisation subscribed to it; returns the event id.

    Flushes but never commits: the caller's commit publishes the event. An unknown
    event type or a payload with free text raises instead of being sent.
    """
    kind = EventType(event_type)
    check_payload(payload)
    when = now or utcnow()
    envelope = EventEnvelope(
        id=uuid.uuid4(), type=kind, created_at=when, organisation_id=organisation_id, data=payload
    )
    body = encode_event(envelope)
    query = select(Webhook).where(Webhook.organisation_id == organisation_id, Webhook.active.is_(True))
    if only_webhook is not None:
        query = query.where(Webhook.id == only_webhook)
    # Subscriptions are filtered here, not in SQL: JSON containment differs per backend and an
    # organisation has a handful of webhooks.
    for webhook in session.scalars(query):
        if kind.value in webhook.event_types or only_webhook is not None:
            session.add(
                WebhookDelivery(
                    webhook_id=webhook.id,
                    organisation_id=organisation_id,
                    event_id=envelope.id,
                    event_type=kind.value,
                    body=body,
                    state=DeliveryState.pending.value,
                    attempts=0,
                    next_attempt_at=when,
                    created_at=when,
                )
            )
    session.flush()
    return envelope.id
