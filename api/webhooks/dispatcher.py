"""Sending due deliveries: claim rows, sign and POST them, record the outcome with backoff.

At-least-once: a delivery is claimed by pushing its `next_attempt_at` past a
lease and counting the attempt, in a committed transaction, before anything is
sent. A dispatcher that dies mid-send leaves a row that becomes due again when
the lease ends; a restart re-reads the rows, so nothing is lost. Receivers
drop duplicates by event id (see `api.webhooks.verify_example`).

Several dispatchers may run at once (threads, `carepost serve` replicas): on
PostgreSQL the candidate rows are locked `FOR UPDATE SKIP LOCKED`; on every
backend the claim is a conditional UPDATE that only one of them can win.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.store.webhook_models import DeliveryState, Webhook, WebhookDelivery
from api.webhooks.config import WebhookConfig
from api.webhooks.registry import active_secrets
from api.webhooks.secrets import SecretUnreadable
from api.webhooks.signing import (
    DELIVERY_ID_HEADER,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)
from api.webhooks.ssrf import UrlRefused, resolve_target

log = logging.getLogger(__name__)

DUE_STATES = (DeliveryState.pending.value, DeliveryState.failed.value)
DEFAULT_BATCH = 20


@dataclass(frozen=True)
class ClaimedDelivery:
    id: uuid.UUID
    attempts: int  # including this one
    event_id: uuid.UUID
    event_type: str
    body: str
    url: str
    secrets: tuple[str, ...]
    secret_error: bool


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def make_http_client(config: WebhookConfig) -> httpx.Client:
    # No redirects (a 3xx could point anywhere, past the address check) and no proxies from the
    # environment (the checked address is the one connected to).
    return httpx.Client(
        timeout=config.timeout,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": f"Carepost-Webhooks/{version('carepost')}"},
    )


def _claim(
    sessions: sessionmaker[Session], config: WebhookConfig, now: datetime, limit: int
) -> list[ClaimedDelivery]:
    claimed: list[ClaimedDelivery] = []
    with sessions() as session:
        candidates = session.execute(
            select(WebhookDelivery, Webhook)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(
                WebhookDelivery.state.in_(DUE_STATES),
                WebhookDelivery.next_attempt_at <= now,
                Webhook.active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        ).all()
        for delivery, webhook in candidates:
            won = cast(
                CursorResult[Any],
                session.execute(
                    update(WebhookDelivery)
                    .where(
                        WebhookDelivery.id == delivery.id,
                        WebhookDelivery.attempts == delivery.attempts,
                        WebhookDelivery.state.in_(DUE_STATES),
                        WebhookDelivery.next_attempt_at <= now,
                    )
                    .values(
                        attempts=delivery.attempts + 1,
                        last_attempt_at=now,
                        next_attempt_at=now + config.lease,
                    )
                    .execution_options(synchronize_session=False)
                ),
            )
            if won.rowcount != 1:  # another dispatcher claimed it first
                continue
            try:
                secrets, secret_error = tuple(active_secrets(webhook, config.box, now)), False
            except SecretUnreadable:
                secrets, secret_error = (), True
            claimed.append(
                ClaimedDelivery(
                    id=delivery.id,
                    attempts=delivery.attempts + 1,
                    event_id=delivery.event_id,
                    event_type=delivery.event_type,
                    body=delivery.body,
                    url=webhook.url,
                    secrets=secrets,
                    secret_error=secret_error,
                )
            )
        session.commit()
    return claimed


def send(client: httpx.Client, delivery: ClaimedDelivery, config: WebhookConfig, now: datetime) -> Outcome:
    """One HTTP attempt; failures become fixed error codes (never exception text, never the URL)."""
    if delivery.secret_error:
        return Outcome(None, "secret_unreadable")
    try:
        # Checked again at every attempt: the name may point somewhere else by now.
        target = resolve_target(delivery.url, config.url_policy)
    except UrlRefused:
        return Outcome(None, "url_refused")
    body = delivery.body.encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "Host": target.url.netloc.decode("ascii"),
        SIGNATURE_HEADER: signature_header(delivery.secrets, timestamp, body),
        EVENT_ID_HEADER: str(delivery.event_id),
        EVENT_TYPE_HEADER: delivery.event_type,
        DELIVERY_ID_HEADER: str(delivery.id),
    }
    # Connect to the checked address; TLS still verifies the certificate against the host name.
    extensions = {"sni_hostname": target.url.host} if target.url.scheme == "https" else None
    request = client.build_request(
        "POST", target.pinned_url(), content=body, headers=headers, extensions=extensions
    )
    try:
        response = client.send(request, stream=True)  # the receiver's body is never read
        response.close()
    except httpx.TimeoutException:
        return Outcome(None, "timeout")
    except httpx.ConnectError:
        return Outcome(None, "connect_error")
    except httpx.TransportError:
        return Outcome(None, "transport_error")
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, None)
    return Outcome(response.status_code, "http_status")


def _record(
    sessions: sessionmaker[Session],
    delivery: ClaimedDelivery,
    outcome: Outcome,
    config: WebhookConfig,
    now: datetime,
) -> str:
    values: dict[str, object] = {"last_status_code": outcome.status_code, "last_error": outcome.error}
    if outcome.delivered:
        values |= {"state": DeliveryState.delivered.value, "delivered_at": now}
    elif delivery.attempts >= config.retry.max_attempts:
        values |= {"state": DeliveryState.dead.value}
    else:
        values |= {
            "state": DeliveryState.failed.value,
            "next_attempt_at": now + config.retry.delay(delivery.attempts),
        }
    with sessions() as session:
        # Only while the claim is ours: if the lease ran out and another dispatcher took the row,
        # its attempt count moved on and its outcome is the one that counts.
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery.id, WebhookDelivery.attempts == delivery.attempts)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return str(values.get("state", ""))


def deliver_due(
    sessions: sessionmaker[Session],
    client: httpx.Client,
    now: datetime,
    config: WebhookConfig,
    *,
    limit: int = DEFAULT_BATCH,
) -> int:
    """Claim up to `limit` deliveries due at `now`, send each once; returns how many were attempted."""
    claimed = _claim(sessions, config, now, limit)
    for delivery in claimed:
        outcome = send(client, delivery, config, now)
        state = _record(sessions, delivery, outcome, config, now)
        log.info(
            "webhook delivery attempted",
            extra={
                "delivery_id": str(delivery.id),
                "event_type": delivery.event_type,
                "attempt": delivery.attempts,
                "status_code": outcome.status_code,
                "error": outcome.error,
                "state": state,
            },
        )
    return len(claimed)
