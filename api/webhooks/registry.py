"""Registering, changing, rotating and removing webhooks, with the audit events they leave.

The caller owns the transaction and commits. Secrets are returned once, by
`create_webhook` and `rotate_secret`, and stored only encrypted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.keyring import Actor
from api.store.models import utcnow
from api.store.repositories import AuditRepository
from api.store.webhook_models import DeliveryState, Webhook, WebhookDelivery
from api.webhooks.config import WebhookConfig
from api.webhooks.events import EventType
from api.webhooks.secrets import SecretBox, generate_secret
from api.webhooks.ssrf import resolve_target


def active_secrets(webhook: Webhook, box: SecretBox, now: datetime) -> list[str]:
    """The current secret, then the previous one while its rotation window lasts."""
    secrets = [box.open(webhook.secret_ciphertext)]
    expires = webhook.previous_secret_expires_at
    if webhook.previous_secret_ciphertext is not None and expires is not None and now < expires:
        secrets.append(box.open(webhook.previous_secret_ciphertext))
    return secrets


def _audit(session: Session, webhook: Webhook, event_type: str, actor: Actor, **details: object) -> None:
    AuditRepository(session).record(
        organisation_id=webhook.organisation_id,
        event_type=event_type,
        subject_type="webhook",
        subject_id=str(webhook.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"source": actor.source, **details},
    )


def _event_list(event_types: Sequence[EventType]) -> list[str]:
    return sorted({event.value for event in event_types})


def create_webhook(
    session: Session,
    config: WebhookConfig,
    *,
    organisation_id: uuid.UUID,
    url: str,
    event_types: Sequence[EventType],
    description: str,
    actor: Actor,
) -> tuple[Webhook, str]:
    """Check the URL (UrlRefused), store the webhook; returns it and its secret in clear, once."""
    resolve_target(url, config.url_policy)
    secret = generate_secret()
    now = utcnow()
    webhook = Webhook(
        organisation_id=organisation_id,
        url=url,
        description=description,
        event_types=_event_list(event_types),
        active=True,
        secret_ciphertext=config.box.seal(secret),
        created_at=now,
        updated_at=now,
    )
    session.add(webhook)
    session.flush()
    _audit(session, webhook, "webhook.created", actor, event_types=webhook.event_types)
    return webhook, secret


def update_webhook(
    session: Session,
    config: WebhookConfig,
    webhook: Webhook,
    *,
    actor: Actor,
    url: str | None = None,
    event_types: Sequence[EventType] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> Webhook:
    if url is not None:
        resolve_target(url, config.url_policy)
        webhook.url = url
    if event_types is not None:
        webhook.event_types = _event_list(event_types)
    if description is not None:
        webhook.description = description
    if active is not None:
        webhook.active = active
    webhook.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        webhook,
        "webhook.updated",
        actor,
        url_changed=url is not None,
        event_types=webhook.event_types,
        active=webhook.active,
    )
    return webhook


def rotate_secret(session: Session, config: WebhookConfig, webhook: Webhook, *, actor: Actor) -> str:
    """A new current secret; the old one keeps signing for the rotation window, then stops.

    Rotating again inside a window drops the oldest secret: at most two are ever active.
    """
    secret = generate_secret()
    now = utcnow()
    webhook.previous_secret_ciphertext = webhook.secret_ciphertext
    webhook.previous_secret_expires_at = now + config.rotation_window
    webhook.secret_ciphertext = config.box.seal(secret)
    webhook.updated_at = now
    session.flush()
    _audit(session, webhook, "webhook.secret_rotated", actor)
    return secret


def delete_webhook(session: Session, webhook: Webhook, *, actor: Actor) -> None:
    """Remove the webhook and its delivery log; undelivered events for it are dropped with it."""
    _audit(session, webhook, "webhook.deleted", actor)
    session.delete(webhook)
    session.flush()


def redeliver(session: Session, delivery: WebhookDelivery, *, actor: Actor) -> WebhookDelivery:
    """A fresh delivery of the same event (same event id and body), due now, with its own attempts."""
    now = utcnow()
    copy = WebhookDelivery(
        webhook_id=delivery.webhook_id,
        organisation_id=delivery.organisation_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=delivery.body,
        state=DeliveryState.pending.value,
        attempts=0,
        next_attempt_at=now,
        redelivery_of=delivery.id,
        created_at=now,
    )
    session.add(copy)
    session.flush()
    AuditRepository(session).record(
        organisation_id=delivery.organisation_id,
        event_type="webhook.redelivery_requested",
        subject_type="webhook_delivery",
        subject_id=str(copy.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"source": actor.source, "redelivery_of": str(delivery.id)},
    )
    return copy


class WebhookRepository:
    """Reads, always scoped to one organisation."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list_for(self, organisation_id: uuid.UUID) -> Sequence[Webhook]:
        return self.session.scalars(
            select(Webhook)
            .where(Webhook.organisation_id == organisation_id)
            .order_by(Webhook.created_at, Webhook.id)
        ).all()

    def get(self, organisation_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook | None:
        return self.session.scalar(
            select(Webhook).where(Webhook.id == webhook_id, Webhook.organisation_id == organisation_id)
        )

    def get_delivery(self, organisation_id: uuid.UUID, delivery_id: uuid.UUID) -> WebhookDelivery | None:
        return self.session.scalar(
            select(WebhookDelivery).where(
                WebhookDelivery.id == delivery_id, WebhookDelivery.organisation_id == organisation_id
            )
        )

    def deliveries(
        self, webhook_id: uuid.UUID, *, limit: int, offset: int, state: DeliveryState | None = None
    ) -> tuple[Sequence[WebhookDelivery], int]:
        condition = WebhookDelivery.webhook_id == webhook_id
        if state is not None:
            condition = condition & (WebhookDelivery.state == state.value)
        total = self.session.scalar(select(func.count()).select_from(WebhookDelivery).where(condition)) or 0
        items = self.session.scalars(
            select(WebhookDelivery)
            .where(condition)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return items, total
