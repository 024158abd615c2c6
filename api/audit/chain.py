"""Appending to the audit chain and signing its head.

`append` is the only writer of audit events. It first increments the single
`audit_chain_head` row: on PostgreSQL that takes the row's lock until commit (a
second appender waits and then reads the new head), on SQLite the statement takes
the database write lock. Either way the read of the head and the insert of the
event that extends it happen under one lock, so the chain cannot fork.

Signing needs the server's audit key. Sessions carry it in `session.info`
(`attach_audit_key` configures a sessionmaker that way): then `checkpoint(session)`
signs the current head, and a transaction that appended events signs its final
head just before it commits, so every committed API change ends signed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.audit.canonical import EventFields, event_hash, head_mac
from api.audit.details import check_details
from api.store.audit_models import HEAD_ROW_ID, AuditChainHead, AuditCheckpoint
from api.store.models import AuditEvent, utcnow

AUDIT_KEY_INFO = "carepost.audit_key"
_UNSIGNED_INFO = "carepost.audit_unsigned"


class AuditChainError(RuntimeError):
    """The chain cannot be extended or signed as it stands (missing head row, tampered head)."""


class AuditKeyMissingError(AuditChainError):
    """This session has no audit key, so it cannot sign a checkpoint."""


@dataclass(frozen=True)
class SignedHead:
    """A signed statement "the chain had `seq` events ending in `head_hash` at `signed_at`".

    Record `as_dict()` with anything that must later prove which audit history it saw
    (an e-signature, an export).
    """

    checkpoint_id: uuid.UUID
    seq: int
    head_hash: str
    signed_at: datetime
    mac: str

    def as_dict(self) -> dict[str, str | int]:
        return {
            "checkpoint_id": str(self.checkpoint_id),
            "seq": self.seq,
            "head_hash": self.head_hash,
            "signed_at": self.signed_at.isoformat(),
            "mac": self.mac,
        }


def fields_of(row: AuditEvent) -> EventFields:
    return EventFields(
        seq=row.seq,
        id=row.id,
        organisation_id=row.organisation_id,
        actor_key_id=row.actor_key_id,
        actor_user_id=row.actor_user_id,
        event_type=row.event_type,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        details=row.details,
        created_at=row.created_at,
        prev_hash=row.prev_hash,
    )


def append(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    event_type: str,
    subject_type: str,
    subject_id: str,
    actor_key_id: uuid.UUID | None = None,
    actor_user_id: uuid.UUID | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add one event at the end of the chain (flushed, not committed: the caller commits)."""
    checked = check_details(details or {})  # before taking the lock: a refused event waits for nothing
    claimed = session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ROW_ID)
        .values(seq=AuditChainHead.seq + 1)
        .returning(AuditChainHead.seq, AuditChainHead.head_hash)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if claimed is None:
        raise AuditChainError("the audit chain has no head row; run `carepost db upgrade`")
    seq, prev_hash = claimed
    row = AuditEvent(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        actor_key_id=actor_key_id,
        actor_user_id=actor_user_id,
        event_type=event_type,
        subject_type=subject_type,
        subject_id=subject_id,
        details=checked,
        # Taken under the lock, so timestamps never run backwards along the chain.
        created_at=utcnow(),
        seq=seq,
        prev_hash=prev_hash,
    )
    row.hash = event_hash(fields_of(row))
    session.add(row)
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ROW_ID)
        .values(head_hash=row.hash)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    # The head this transaction wrote, for the checkpoint signed before it commits.
    session.info[_UNSIGNED_INFO] = (seq, row.hash)
    return row


def checkpoint(session: Session, written: tuple[int, str] | None = None) -> SignedHead:
    """Sign the chain's current head with the server's audit key and store the checkpoint.

    Refuses (AuditChainError) when the head row does not match the event it names:
    a tampered head is never signed. `written` is the head this transaction's own
    `append` wrote under the head row's lock: it needs no reading back.
    """
    key = session.info.get(AUDIT_KEY_INFO)
    if not isinstance(key, bytes) or not key:
        raise AuditKeyMissingError("this session has no audit key; build it with attach_audit_key")
    if written is not None:
        seq, head_hash = written
    else:
        seq, head_hash = _stored_head(session)
    signed_at = utcnow()
    checkpoint_id = uuid.uuid4()
    mac = head_mac(key, checkpoint_id=checkpoint_id, seq=seq, head_hash=head_hash, signed_at=signed_at)
    session.add(AuditCheckpoint(id=checkpoint_id, seq=seq, head_hash=head_hash, mac=mac, signed_at=signed_at))
    session.flush()
    session.info.pop(_UNSIGNED_INFO, None)
    return SignedHead(checkpoint_id=checkpoint_id, seq=seq, head_hash=head_hash, signed_at=signed_at, mac=mac)


def _stored_head(session: Session) -> tuple[int, str]:
    seq, head_hash = session.execute(
        select(AuditChainHead.seq, AuditChainHead.head_hash).where(AuditChainHead.id == HEAD_ROW_ID)
    ).one()
    if seq > 0:
        stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
        if stored != head_hash:
            raise AuditChainError(
                "the audit chain head does not match its last event; run `carepost audit verify`"
            )
    return seq, head_hash


def _sign_before_commit(session: Session) -> None:
    written = session.info.get(_UNSIGNED_INFO)
    if written and AUDIT_KEY_INFO in session.info:
        checkpoint(session, written)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_UNSIGNED_INFO, None)


def attach_audit_key(sessions: sessionmaker[Session], key: bytes) -> None:
    """Give every session of `sessions` the audit key and sign each committing transaction's new head."""
    info = dict(sessions.kw.get("info") or {})
    # Not `event.contains`: it keys on id(sessions), and a new sessionmaker may reuse the address of
    # one already freed whose listeners are not yet collected, so it would wrongly report "attached".
    attached = AUDIT_KEY_INFO in info
    info[AUDIT_KEY_INFO] = key
    sessions.configure(info=info)
    if not attached:
        event.listen(sessions, "before_commit", _sign_before_commit)
        event.listen(sessions, "after_rollback", _forget_after_rollback)
