"""`emit`: record an event as one delivery row per subscribed webhook, in the caller's transaction.

The outbox pattern: the state change and its deliveries commit together or not
at all, so a CMS never hears of an approval that was rolled back, and never
misses one that was committed. Sending happens later, in the dispatcher.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
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
    webhooks: Sequence[Webhook] | None = None,
) -> uuid.UUID:
    """Queue `event_type` for every active webhook of the organisation subscribed to it; returns the event id.

    Flushes but never commits: the caller's commit publishes the event. An unknown
    event type or a payload with free text raises instead of being sent. A caller emitting
    several events in one transaction may pass the organisation's `active_webhooks` once.
    """
    kind = EventType(event_type)
    check_payload(payload)
    when = now or utcnow()
    envelope = EventEnvelope(
        id=uuid.uuid4(), type=kind, created_at=when, organisation_id=organisation_id, data=payload
    )
    body = encode_event(envelope)
    if only_webhook is not None:
        targets = [w for w in active_webhooks(session, organisation_id) if w.id == only_webhook]
    else:
        # Subscriptions are filtered here, not in SQL: JSON containment differs per backend and an
        # organisation has a handful of webhooks.
        candidates = active_webhooks(session, organisation_id) if webhooks is None else webhooks
        targets = [
            w
            for w in candidates
            if kind.value in w.event_types and w.organisation_id == organisation_id and w.active
        ]
    for webhook in targets:
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


def active_webhooks(session: Session, organisation_id: uuid.UUID) -> list[Webhook]:
    query = select(Webhook).where(Webhook.organisation_id == organisation_id, Webhook.active.is_(True))
    return list(session.scalars(query))
