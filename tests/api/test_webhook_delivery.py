"""The outbox and the dispatcher: emit in the caller's transaction, signed sends, backoff, rotation, claims."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.keyring import Actor
from api.store.models import utcnow
from api.store.webhook_models import DeliveryState, Webhook, WebhookDelivery
from api.webhooks import dispatcher, registry
from api.webhooks.config import RetryPolicy, WebhookConfig
from api.webhooks.dispatcher import deliver_due
from api.webhooks.events import EventType, PayloadRefused
from api.webhooks.outbox import emit
from api.webhooks.verify_example import DeliveryVerifier
from tests.api.webhook_helpers import (
    PUBLIC_ADDRESS,
    WebhookFactory,
    fake_resolver,
    make_config,
    organisation,
    webhook_factory,
)

APPROVED = {"draft_id": "0b6c1c52-4f5e-4a36-9c3e-6f0f2b1f0c11", "state": "approved", "content_hash": "ab12"}


@pytest.fixture
def config() -> WebhookConfig:
    return make_config()


@pytest.fixture
def make_webhook(sessions: sessionmaker[Session], config: WebhookConfig) -> WebhookFactory:
    return webhook_factory(sessions, config)


class Receiver:
    """An httpx MockTransport endpoint that answers with scripted statuses and keeps every request."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.statuses = statuses or []
        self.delay = delay
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self.delay)
        with self.lock:
            self.requests.append(request)
            status = self.statuses.pop(0) if self.statuses else 204
        return httpx.Response(status)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def deliveries(sessions: sessionmaker[Session]) -> list[WebhookDelivery]:
    with sessions() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at)))


# --- emit ----------------------------------------------------------------------------


def test_emit_writes_one_delivery_per_subscribed_active_webhook(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory
) -> None:
    acme, other = organisation(sessions, "acme"), organisation(sessions, "other")
    approved_hook, _ = make_webhook(acme, events=[EventType.draft_approved, EventType.draft_rejected])
    second_hook, _ = make_webhook(acme, events=[EventType.draft_approved])
    make_webhook(acme, events=[EventType.consent_revoked])  # not subscribed
    inactive, _ = make_webhook(acme, events=[EventType.draft_approved])
    make_webhook(other, events=[EventType.draft_approved])  # another organisation
    with sessions() as session:
        row = session.get(Webhook, inactive.id)
        assert row is not None
        row.active = False
        session.commit()

    with sessions() as session:
        event_id = emit(session, acme, "draft.approved", APPROVED)
        session.commit()

    rows = deliveries(sessions)
    assert {row.webhook_id for row in rows} == {approved_hook.id, second_hook.id}
    assert {row.event_id for row in rows} == {event_id}
    assert all(row.state == "pending" and row.attempts == 0 for row in rows)
    body = json.loads(rows[0].body)
    assert body == {
        "id": str(event_id),
        "type": "draft.approved",
        "created_at": body["created_at"],
        "organisation_id": str(acme),
        "data": APPROVED,
    }


def test_emit_commits_or_rolls_back_with_the_caller(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory
) -> None:
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session:
        emit(session, acme, EventType.draft_approved, APPROVED)
        session.rollback()  # the state change failed: its event must not go out
    assert deliveries(sessions) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"patient": "Maria Lopez"},
        {"email": "maria@example.com"},
        {"note": "x" * 200},
        {"Bad Key": "1"},
        {"nested": {"name": "x"}},
        {"names": ["ok", "Maria Lopez"]},
    ],
)
def test_emit_refuses_free_text(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, payload: dict[str, object]
) -> None:
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session, pytest.raises(PayloadRefused) as refused:
        emit(session, acme, EventType.draft_approved, payload)
    for value in ("Maria", "maria@example.com"):
        assert value not in str(refused.value)


def test_emit_refuses_an_unknown_event_type(sessions: sessionmaker[Session]) -> None:
    acme = organisation(sessions)
    with sessions() as session, pytest.raises(ValueError, match=r"draft\.deleted"):
        emit(session, acme, "draft.deleted", {})


# --- sending -------------------------------------------------------------------------


def test_a_delivery_is_signed_and_pinned_to_the_checked_address(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    acme = organisation(sessions)
    webhook, secret = make_webhook(acme, url="https://hooks.example.org:8443/in?x=1")
    with sessions() as session:
        event_id = emit(session, acme, EventType.draft_approved, APPROVED)
        session.commit()
    receiver = Receiver()
    now = utcnow()
    with receiver.client() as client:
        assert deliver_due(sessions, client, now, config) == 1

    [request] = receiver.requests
    assert request.url == httpx.URL(f"https://{PUBLIC_ADDRESS}:8443/in?x=1")
    assert request.headers["host"] == "hooks.example.org:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.org"
    assert request.headers["carepost-event-id"] == str(event_id)
    assert request.headers["carepost-event-type"] == "draft.approved"
    timestamp = int(now.timestamp())
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.content, hashlib.sha256)
    assert request.headers["carepost-signature"] == f"t={timestamp},v1={expected.hexdigest()}"
    verifier = DeliveryVerifier([secret], clock=lambda: float(timestamp))
    assert verifier.verify(request.content, request.headers["carepost-signature"])["id"] == str(event_id)

    [row] = deliveries(sessions)
    assert (row.state, row.attempts, row.last_status_code, row.last_error) == ("delivered", 1, 204, None)
    assert row.delivered_at == now
    with receiver.client() as client:
        assert (
            deliver_due(sessions, client, now + timedelta(days=1), config) == 0
        )  # delivered stays delivered
    assert webhook.id == row.webhook_id


def test_failures_back_off_exponentially_then_the_delivery_dies(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session:
        emit(session, acme, EventType.draft_approved, APPROVED)
        session.commit()
    receiver = Receiver(statuses=[500, 503, 302, 404])
    now = utcnow()
    waits = []
    with receiver.client() as client:
        for attempt in range(1, 5):
            assert deliver_due(sessions, client, now, config) == 1
            [row] = deliveries(sessions)
            assert row.attempts == attempt
            if attempt < 4:
                assert row.state == "failed"
                assert row.last_error == "http_status"
                waits.append(row.next_attempt_at - now)
                # Not due a moment before its time; due at it.
                assert deliver_due(sessions, client, row.next_attempt_at - timedelta(seconds=1), config) == 0
                now = row.next_attempt_at
        assert row.state == "dead"
        assert deliver_due(sessions, client, now + timedelta(days=30), config) == 0
    # base 10 s doubling, capped at 60 s; random() pinned to 1.0 puts the jitter at its top.
    assert waits == [timedelta(seconds=10), timedelta(seconds=20), timedelta(seconds=40)]
    assert len(receiver.requests) == 4


def test_backoff_is_capped_and_jittered_within_half_to_full() -> None:
    draws = iter([0.0, 0.5, 0.999])
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(hours=1), random=lambda: next(draws))
    assert policy.delay(1) == timedelta(seconds=15)  # half of 30 s
    assert policy.delay(3) == timedelta(seconds=90)  # 120 s, 0.5 -> three quarters
    assert timedelta(minutes=59) < policy.delay(20) < timedelta(hours=1)  # capped


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (httpx.ConnectError("refused"), "connect_error"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.RemoteProtocolError("garbage"), "transport_error"),
    ],
)
def test_transport_errors_are_stored_as_codes(
    sessions: sessionmaker[Session],
    make_webhook: WebhookFactory,
    config: WebhookConfig,
    error: Exception,
    code: str,
) -> None:
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session:
        emit(session, acme, EventType.draft_approved, APPROVED)
        session.commit()

    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    with httpx.Client(transport=httpx.MockTransport(fail)) as client:
        assert deliver_due(sessions, client, utcnow(), config) == 1
    [row] = deliveries(sessions)
    assert (row.state, row.last_error, row.last_status_code) == ("failed", code, None)


def test_the_address_is_checked_again_at_delivery(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    """DNS rebinding: the name was public at registration and points inside at delivery time."""
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session:
        emit(session, acme, EventType.draft_approved, APPROVED)
        session.commit()
    rebound = make_config(fake_resolver({"hooks.example.org": ["169.254.169.254"]}))
    receiver = Receiver()
    with receiver.client() as client:
        assert deliver_due(sessions, client, utcnow(), rebound) == 1
    assert receiver.requests == []
    [row] = deliveries(sessions)
    assert (row.state, row.last_error) == ("failed", "url_refused")


# --- rotation ------------------------------------------------------------------------


def test_rotation_signs_with_both_secrets_until_the_window_ends(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    acme = organisation(sessions)
    webhook, old_secret = make_webhook(acme)
    with sessions() as session:
        row = session.get(Webhook, webhook.id)
        assert row is not None
        new_secret = registry.rotate_secret(session, config, row, actor=Actor(source="cli"))
        expires = row.previous_secret_expires_at
        session.commit()
    assert expires is not None
    assert new_secret != old_secret

    receiver = Receiver()
    with receiver.client() as client:
        for when in (expires - timedelta(seconds=1), expires):
            with sessions() as session:
                emit(session, acme, EventType.draft_approved, APPROVED, now=when)
                session.commit()
            assert deliver_due(sessions, client, when, config) == 1

    during, after = receiver.requests
    during_header = during.headers["carepost-signature"]
    assert during_header.count("v1=") == 2
    t_during = int((expires - timedelta(seconds=1)).timestamp())
    for secret in (new_secret, old_secret):  # a receiver holding either secret accepts it
        DeliveryVerifier([secret], clock=lambda: float(t_during)).verify(during.content, during_header)
    after_header = after.headers["carepost-signature"]
    assert after_header.count("v1=") == 1
    t_after = int(expires.timestamp())
    DeliveryVerifier([new_secret], clock=lambda: float(t_after)).verify(after.content, after_header)
    with pytest.raises(Exception, match="no signature matches"):
        DeliveryVerifier([old_secret], clock=lambda: float(t_after)).verify(after.content, after_header)


def test_secrets_are_stored_encrypted(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    acme = organisation(sessions)
    webhook, secret = make_webhook(acme)
    with sessions() as session:
        row = session.get(Webhook, webhook.id)
        assert row is not None
        assert secret not in row.secret_ciphertext
        assert config.box.open(row.secret_ciphertext) == secret


# --- claims and crashes ----------------------------------------------------------------


def test_a_sender_that_dies_mid_send_loses_nothing(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session:
        emit(session, acme, EventType.draft_approved, APPROVED)
        session.commit()
    now = utcnow()
    [claimed] = dispatcher._claim(sessions, config, now, limit=10)  # claimed, then the process dies
    assert claimed.attempts == 1
    receiver = Receiver()
    with receiver.client() as client:
        assert deliver_due(sessions, client, now + timedelta(seconds=5), config) == 0  # still leased
        assert deliver_due(sessions, client, now + config.lease, config) == 1
    [row] = deliveries(sessions)
    assert (row.state, row.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 1


def test_concurrent_dispatchers_send_each_delivery_once(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session:
        for _ in range(12):
            emit(session, acme, EventType.draft_approved, APPROVED)
        session.commit()
    receiver = Receiver(delay=0.02)
    now = utcnow()
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with receiver.client() as client:
                for _ in range(4):
                    counts.append(deliver_due(sessions, client, now, config, limit=3))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(counts) == 12
    sent = Counter(request.headers["carepost-delivery-id"] for request in receiver.requests)
    assert len(sent) == 12
    assert set(sent.values()) == {1}
    assert {row.state for row in deliveries(sessions)} == {"delivered"}


def test_redelivery_sends_the_same_event_again(
    sessions: sessionmaker[Session], make_webhook: WebhookFactory, config: WebhookConfig
) -> None:
    acme = organisation(sessions)
    make_webhook(acme)
    with sessions() as session:
        event_id = emit(session, acme, EventType.draft_approved, APPROVED)
        session.commit()
    receiver = Receiver(statuses=[500])
    single = make_config(max_attempts=1)
    now = utcnow()
    with receiver.client() as client:
        deliver_due(sessions, client, now, single)
        [dead] = deliveries(sessions)
        assert dead.state == DeliveryState.dead
        with sessions() as session:
            original = session.get(WebhookDelivery, dead.id)
            assert original is not None
            copy = registry.redeliver(session, original, actor=Actor(source="cli"))
            session.commit()
        assert deliver_due(sessions, client, utcnow(), single) == 1
    first, second = receiver.requests
    assert first.content == second.content
    assert second.headers["carepost-event-id"] == str(event_id)
    rows = {row.id: row for row in deliveries(sessions)}
    assert rows[dead.id].state == "dead"
    assert (rows[copy.id].state, rows[copy.id].redelivery_of) == ("delivered", dead.id)
