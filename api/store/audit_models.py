"""Tables that keep the audit chain's head: the live head row and the signed checkpoints.

`audit_chain_head` holds exactly one row (id 1). Every append updates it first,
so the update's row lock (PostgreSQL) or the write lock it takes (SQLite)
serialises appenders: two writers can never both extend the same head.
`audit_checkpoints` is append-only; each row is an HMAC-signed (seq, hash) of
the head at some moment, which is what lets verification see a truncated tail.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, UTCDateTime

HEAD_ROW_ID = 1


class AuditChainHead(Base):
    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoints"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
