"""End to end on loopback: a real receiver using the documented recipe, down for a while, a restart between.

The receiver is `api.webhooks.verify_example` behind a threaded http.server; the
sender is the real dispatcher with a real httpx client.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.settings import Settings
from api.store.database import make_engine, make_sessionmaker
from api.store.models import Role, utcnow
from api.store.webhook_models import WebhookDelivery
from api.webhooks.config import WebhookConfig
from api.webhooks.dispatcher import deliver_due, make_http_client
from api.webhooks.events import EventType
from api.webhooks.outbox import emit
from api.webhooks.signing import signature_header
from api.webhooks.verify_example import (
    BadSignature,
    DeliveryRejected,
    DeliveryVerifier,
    ReplayedDelivery,
    StaleDelivery,
)
from tests.conftest import IssuedKey


class RecipeReceiver:
    """A CMS endpoint: verifies with the recipe, answers 204 once handled, 200 to a replay, 401 otherwise."""

    def __init__(self, port: int, secrets: list[str]) -> None:
        self.port = port
        self.verifier = DeliveryVerifier(secrets)
        self.handled: list[dict[str, Any]] = []
        self.replays = 0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    try:
                        event = receiver.verifier.verify(body, self.headers["Carepost-Signature"])
                    except ReplayedDelivery:
                        receiver.replays += 1
                        status = 200  # already handled: acknowledge so the sender stops
                    except DeliveryRejected:
                        status = 401
                    else:
                        receiver.handled.append(event)
                        receiver.verifier.remember(event["id"])
                        status = 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def loopback_settings(test_settings: Settings) -> Settings:
    return test_settings.model_copy(
        update={
            "webhook_allow_http": True,
            "webhook_allow_private": True,
            "webhook_dispatch_poll_seconds": 0.05,
        }
    )


@pytest.fixture
def receiver_port() -> int:
    return free_port()


def register(client: TestClient, key: IssuedKey, port: int) -> dict[str, Any]:
    response = client.post(
        "/v1/webhooks",
        json={
            "url": f"http://127.0.0.1:{port}/carepost",
            "event_types": ["draft.approved", "draft.rejected"],
        },
        headers=key.headers,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_receiver_down_then_up_across_a_restart_loses_nothing(
    loopback_settings: Settings,
    app_factory: Callable[[Settings], FastAPI],
    make_key: Callable[..., IssuedKey],
    receiver_port: int,
    tmp_path: Path,
) -> None:
    key = make_key(role=Role.integration)
    with TestClient(app_factory(loopback_settings)) as client:
        webhook = register(client, key, receiver_port)
    config = WebhookConfig.from_settings(loopback_settings)

    # First process: three state changes commit their events; the receiver is down.
    engine = make_engine(loopback_settings.database_url)
    sessions = make_sessionmaker(engine)
    event_ids = []
    with sessions() as session:
        for kind in (EventType.draft_approved, EventType.draft_rejected, EventType.draft_approved):
            event_ids.append(str(emit(session, key.organisation_id, kind, {"draft_id": "d1", "state": "x"})))
        emit(session, key.organisation_id, EventType.consent_revoked, {"consent_id": "c1"})  # not subscribed
        session.commit()
    start = utcnow()
    with make_http_client(config) as http:
        assert deliver_due(sessions, http, start, config) == 3
    with sessions() as session:
        rows = session.scalars(select(WebhookDelivery)).all()
    assert {(row.state, row.last_error) for row in rows} == {("failed", "connect_error")}
    engine.dispose()  # the process stops

    # Second process: new engine, new app; the receiver comes back.
    receiver = RecipeReceiver(receiver_port, [webhook["secret"]])
    receiver.start()
    try:
        engine = make_engine(loopback_settings.database_url)
        sessions = make_sessionmaker(engine)
        with make_http_client(config) as http:
            assert deliver_due(sessions, http, start + timedelta(seconds=1), config) == 0  # backing off
            later = start + config.retry.cap
            receiver.verifier.clock = later.timestamp  # both sides on the simulated clock
            assert deliver_due(sessions, http, later, config) == 3
            assert deliver_due(sessions, http, later + timedelta(days=1), config) == 0
        engine.dispose()
    finally:
        receiver.stop()

    assert sorted(event["id"] for event in receiver.handled) == sorted(event_ids)
    assert [event["type"] for event in receiver.handled].count("draft.rejected") == 1
    with TestClient(app_factory(loopback_settings)) as client:
        log = client.get(f"/v1/webhooks/{webhook['id']}/deliveries", headers=key.headers).json()
    assert log["total"] == 3
    assert {(item["state"], item["attempts"], item["last_status_code"]) for item in log["items"]} == {
        ("delivered", 2, 204)
    }


def test_the_app_lifespan_dispatches_in_the_background(
    loopback_settings: Settings,
    app_factory: Callable[[Settings], FastAPI],
    guardrail_engines: Any,
    knowledge_embedding: Any,
    make_key: Callable[..., IssuedKey],
    receiver_port: int,
) -> None:
    from api.app import create_app

    key = make_key(role=Role.admin)
    receiver = RecipeReceiver(receiver_port, [])
    app = create_app(
        loopback_settings, guardrails=guardrail_engines, embedding=knowledge_embedding, dispatch_webhooks=True
    )
    try:
        with TestClient(app) as client:
            webhook = register(client, key, receiver_port)
            receiver.verifier.secrets = [webhook["secret"].encode()]
            receiver.start()
            ping = client.post(f"/v1/webhooks/{webhook['id']}/ping", headers=key.headers)
            assert ping.status_code == 202
            deadline = time.monotonic() + 15
            while not receiver.handled and time.monotonic() < deadline:
                time.sleep(0.05)
            assert [event["id"] for event in receiver.handled] == [ping.json()["event_id"]]
            assert receiver.handled[0]["type"] == "webhook.ping"
    finally:
        receiver.stop()


def test_the_recipe_rejects_forged_stale_and_replayed_deliveries() -> None:
    secret = "whsec_receiver-test"  # pragma: allowlist secret (a test-only value)
    body = json.dumps({"id": "e1", "type": "draft.approved", "data": {}}).encode()
    now = 1_800_000_000
    verifier = DeliveryVerifier([secret], clock=lambda: float(now))

    event = verifier.verify(body, signature_header([secret], now, body))
    assert event["id"] == "e1"
    verifier.remember(event["id"])
    with pytest.raises(ReplayedDelivery):
        verifier.verify(body, signature_header([secret], now, body))  # the same event, re-signed
    other = json.dumps({"id": "e2", "type": "draft.approved", "data": {}}).encode()
    with pytest.raises(BadSignature):
        verifier.verify(other, signature_header(["whsec_wrong"], now, other))
    with pytest.raises(BadSignature):
        verifier.verify(other + b" ", signature_header([secret], now, other))  # body changed
    moved = signature_header([secret], now, other).replace(f"t={now}", f"t={now + 1}")
    with pytest.raises(BadSignature):
        verifier.verify(other, moved)  # timestamp changed
    with pytest.raises(BadSignature):
        verifier.verify(other, "v1=abc")
    with pytest.raises(StaleDelivery):
        verifier.verify(other, signature_header([secret], now - 301, other))
    with pytest.raises(StaleDelivery):
        verifier.verify(other, signature_header([secret], now + 301, other))
    assert verifier.verify(other, signature_header([secret], now - 299, other))["id"] == "e2"
    # During a rotation either secret's signature is enough.
    rotated = DeliveryVerifier(["whsec_new"], clock=lambda: float(now))
    assert rotated.verify(other, signature_header(["whsec_new", secret], now, other))["id"] == "e2"
