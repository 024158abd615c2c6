"""Webhook subscriptions and their deliveries (the outbox).

A delivery row is written in the same transaction as the state change it
announces, and stays until it is delivered or gives up: the rows are the queue,
so a restart loses nothing. Bodies hold ids, states and hashes only (see
`api.webhooks.events`), never content.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, JSONDocument, UTCDateTime, utcnow

URL_LENGTH = 2048


class DeliveryState(StrEnum):
    pending = "pending"  # not tried yet
    failed = "failed"  # tried, failed, another attempt is scheduled
    delivered = "delivered"
    dead = "dead"  # attempts exhausted; only a manual redelivery sends it again


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[list[str]] = mapped_column(JSONDocument)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Signing secrets are needed in clear to sign, so they are stored encrypted with a key derived
    # from CAREPOST_SECRET_KEY (api.webhooks.secrets), never hashed and never returned again.
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    # During a rotation the previous secret keeps signing too, until it expires.
    previous_secret_ciphertext: Mapped[str | None] = mapped_column(Text, default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook_id_created_at", "webhook_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    webhook_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # One event id per emitted event, shared by every subscription's delivery and by redeliveries,
    # so receivers can drop duplicates.
    event_id: Mapped[uuid.UUID] = mapped_column()
    event_type: Mapped[str] = mapped_column(String(64))
    # The exact bytes that are signed and sent, fixed when the event is emitted.
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Also the claim lease: a claimed row is pushed past the send timeout, so a crashed sender's
    # delivery becomes due again instead of being lost.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    # A fixed error code ("timeout", "connect_error", "http_status", "url_refused"...), never a message.
    last_error: Mapped[str | None] = mapped_column(String(40), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    redelivery_of: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
