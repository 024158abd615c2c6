"""How a receiver verifies a Carepost delivery: a self-contained recipe (standard library only).

Copy this into the receiving system. docs/webhooks.md walks through it, and
tests/api/test_webhook_receiver.py runs it against real deliveries.

    verifier = DeliveryVerifier(secrets=["whsec_..."])          # both during a rotation
    event = verifier.verify(body, headers["Carepost-Signature"])  # raises on a bad delivery
    ... act on event["type"] and event["data"] ...
    verifier.remember(event["id"])                                 # only once it was handled

Three checks, in this order:
1. the signature: HMAC-SHA256 with your secret over `<t>.<raw body>`, compared in
   constant time with each `v1=` value (any one matching is enough);
2. freshness: `t` is within five minutes of your clock (stale or replayed captures fail);
3. replay: the event id *inside the signed body* was not handled before (the
   `Carepost-Event-Id` header is a convenience, it is not signed). Carepost
   retries until it gets a 2xx, so answer 2xx to a replay of something you
   already handled; keep seen ids for longer than the tolerance window (a table
   with a unique key, not a process-local set, when you run several instances).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

TOLERANCE_SECONDS = 300


class DeliveryRejected(Exception):
    """Base class: do not act on this request."""


class BadSignature(DeliveryRejected):
    pass


class StaleDelivery(DeliveryRejected):
    pass


class ReplayedDelivery(DeliveryRejected):
    pass


def parse_signature_header(header: str) -> tuple[int, list[str]]:
    """`t=<unix>,v1=<hex>[,v1=<hex>]` -> (timestamp, signatures); BadSignature when malformed."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise BadSignature("malformed Carepost-Signature header")
    return timestamp, signatures


class DeliveryVerifier:
    def __init__(
        self,
        secrets: Iterable[str],
        *,
        tolerance: int = TOLERANCE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secrets = [secret.encode() for secret in secrets]
        self.tolerance = tolerance
        self.clock = clock
        self.seen: set[str] = set()  # use a database table in production

    def verify(self, body: bytes, signature_header: str) -> dict[str, Any]:
        """The event, if the delivery is authentic, fresh and new; otherwise a DeliveryRejected."""
        timestamp, signatures = parse_signature_header(signature_header)
        signed = str(timestamp).encode() + b"." + body
        expected = [hmac.new(secret, signed, hashlib.sha256).hexdigest() for secret in self.secrets]
        if not any(hmac.compare_digest(mine, theirs) for mine in expected for theirs in signatures):
            raise BadSignature("no signature matches")
        if abs(self.clock() - timestamp) > self.tolerance:
            raise StaleDelivery("timestamp outside the tolerance window")
        event: dict[str, Any] = json.loads(body)
        if event["id"] in self.seen:
            raise ReplayedDelivery("event already handled")
        return event

    def remember(self, event_id: str) -> None:
        self.seen.add(event_id)
