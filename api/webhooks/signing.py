"""Signatures on outgoing deliveries: HMAC-SHA256 over `timestamp + "." + body`.

`Carepost-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` carries one `v1`
per active secret, so during a rotation a receiver holding either secret can
verify. `api.webhooks.verify_example` is the receiver's side.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

SIGNATURE_HEADER = "Carepost-Signature"
EVENT_ID_HEADER = "Carepost-Event-Id"
EVENT_TYPE_HEADER = "Carepost-Event-Type"
DELIVERY_ID_HEADER = "Carepost-Delivery-Id"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    if not secrets:
        raise ValueError("a delivery needs at least one secret to sign with")
    parts = [f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets)]
    return ",".join(parts)
