"""Audit chain: seq, prev_hash and hash on audit events; the chain head row; signed checkpoints.

Existing events are chained here in (created_at, id) order. The canonical form
is copied below, not imported, so this revision keeps producing the hashes it
produced when it was written; tests/api/test_audit_migration.py checks that it
agrees with api.audit.canonical.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
GENESIS_HASH = "0" * 64
HEAD_ROW_ID = 1


def _timestamp(value: datetime) -> str:
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


def event_hash_v1(row: Any, seq: int, prev_hash: str) -> str:
    document = {
        "format": 1,
        "seq": seq,
        "id": str(row.id),
        "organisation_id": str(row.organisation_id),
        "actor_key_id": _optional(row.actor_key_id),
        "actor_user_id": _optional(row.actor_user_id),
        "event_type": row.event_type,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "details": row.details,
        "created_at": _timestamp(row.created_at),
        "prev_hash": prev_hash,
    }
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()


events = sa.table(
    "audit_events",
    sa.column("id", sa.Uuid()),
    sa.column("organisation_id", sa.Uuid()),
    sa.column("actor_key_id", sa.Uuid()),
    sa.column("actor_user_id", sa.Uuid()),
    sa.column("event_type", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.String()),
    sa.column("details", JSON_DOCUMENT),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    connection = op.get_bind()
    prev_hash, seq = GENESIS_HASH, 0
    rows = connection.execute(sa.select(events).order_by(events.c.created_at, events.c.id)).all()
    for row in rows:
        seq += 1
        digest = event_hash_v1(row, seq, prev_hash)
        connection.execute(
            events.update().where(events.c.id == row.id).values(seq=seq, prev_hash=prev_hash, hash=digest)
        )
        prev_hash = digest

    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_events_seq"), ["seq"])

    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.bulk_insert(head, [{"id": HEAD_ROW_ID, "seq": seq, "head_hash": prev_hash}])
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    op.create_index(op.f("ix_audit_checkpoints_seq"), "audit_checkpoints", ["seq"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_checkpoints_seq"), table_name="audit_checkpoints")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_seq"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
