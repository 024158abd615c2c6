"""Canonical serialisation of audit events and chain heads, and the digests over them.

The format is frozen: every stored hash depends on it. Migration 0003 carries a
copy for the events it chains; a test checks the two agree. A new format needs a
new `CHAIN_FORMAT` number, not an edit here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

CHAIN_FORMAT = 1
GENESIS_HASH = "0" * 64  # the prev_hash of the first event


@dataclass(frozen=True)
class EventFields:
    """What an event's hash covers: everything stored about it except the hash itself."""

    seq: int
    id: uuid.UUID
    organisation_id: uuid.UUID
    actor_key_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    event_type: str
    subject_type: str
    subject_id: str
    details: dict[str, Any]
    created_at: datetime
    prev_hash: str


def _timestamp(value: datetime) -> str:
    # SQLite hands back naive values; stored timestamps are UTC by construction (UTCDateTime).
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def _optional_id(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def canonical_json(document: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, ASCII only: the same bytes whatever the backend returned."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def event_document(fields: EventFields) -> dict[str, Any]:
    return {
        "format": CHAIN_FORMAT,
        "seq": fields.seq,
        "id": str(fields.id),
        "organisation_id": str(fields.organisation_id),
        "actor_key_id": _optional_id(fields.actor_key_id),
        "actor_user_id": _optional_id(fields.actor_user_id),
        "event_type": fields.event_type,
        "subject_type": fields.subject_type,
        "subject_id": fields.subject_id,
        "details": fields.details,
        "created_at": _timestamp(fields.created_at),
        "prev_hash": fields.prev_hash,
    }


def event_hash(fields: EventFields) -> str:
    return hashlib.sha256(canonical_json(event_document(fields))).hexdigest()


def head_mac(key: bytes, *, checkpoint_id: uuid.UUID, seq: int, head_hash: str, signed_at: datetime) -> str:
    """HMAC-SHA256 over a checkpoint: which event ends the chain, its hash, and when it was signed."""
    document = {
        "format": CHAIN_FORMAT,
        "checkpoint_id": str(checkpoint_id),
        "seq": seq,
        "head_hash": head_hash,
        "signed_at": _timestamp(signed_at),
    }
    return hmac.new(key, canonical_json(document), hashlib.sha256).hexdigest()


def macs_match(expected: str, actual: str) -> bool:
    return hmac.compare_digest(expected.encode(), actual.encode())
