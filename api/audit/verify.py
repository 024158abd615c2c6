"""Verification of the whole audit chain against its hashes, its head row and its signed checkpoints.

What each tampering looks like here:
- a changed event: its stored hash no longer matches its contents (or, if the hash
  was recomputed too, the next event's prev_hash no longer matches it);
- a removed event: a gap in `seq` and a prev_hash that points at nothing;
- reordered events: `seq` is inside the hash, so moved rows fail their hash; a moved row that
  is otherwise intact is named as moved, with the seq it was written at;
- a truncated tail: a signed checkpoint names a `seq` the chain no longer reaches,
  or the head row names an event that is gone;
- a chain rewritten from some point with fresh hashes: a signed checkpoint after
  that point no longer matches the event it signed (HMAC: needs the server key).
Problems are reported in chain order; the first one names the first bad event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.canonical import GENESIS_HASH, event_hash, head_mac, macs_match
from api.audit.chain import fields_of
from api.store.audit_models import HEAD_ROW_ID, AuditChainHead, AuditCheckpoint
from api.store.models import AuditEvent

BATCH = 1000
# How many moved predecessors in a row are followed back to name where a moved event was written.
MOVED_DEPTH = 16


@dataclass(frozen=True)
class ChainProblem:
    seq: int  # where along the chain; problems are sorted by it
    event_id: uuid.UUID | None
    message: str


@dataclass
class VerifyReport:
    events: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    last_event_id: uuid.UUID | None = None
    checkpoints: int = 0
    latest_signed_seq: int | None = None
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> ChainProblem | None:
        return min(self.problems, key=lambda p: p.seq) if self.problems else None

    @property
    def unsigned_tail(self) -> int:
        """Events after the latest signed checkpoint: protected by the hash chain only."""
        return self.last_seq - (self.latest_signed_seq or 0)


def verify_chain(session: Session, key: bytes) -> VerifyReport:
    report = VerifyReport()
    checkpoints = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)).all()
    signed: dict[int, list[AuditCheckpoint]] = {}
    for cp in checkpoints:
        mac = head_mac(key, checkpoint_id=cp.id, seq=cp.seq, head_hash=cp.head_hash, signed_at=cp.signed_at)
        if not macs_match(mac, cp.mac):
            report.problems.append(
                ChainProblem(cp.seq, None, f"checkpoint {cp.id} (seq {cp.seq}) has an invalid signature")
            )
            continue
        signed.setdefault(cp.seq, []).append(cp)
    report.checkpoints = len(checkpoints)
    report.latest_signed_seq = max(signed) if signed else None

    _walk_events(session, report, signed)

    beyond = [seq for seq in signed if seq > report.last_seq]
    if beyond:
        furthest = max(beyond)
        report.problems.append(
            ChainProblem(
                report.last_seq + 1,
                report.last_event_id,
                f"the chain is truncated: checkpoint {signed[furthest][0].id} signed {furthest} events, but the "
                f"chain ends at seq {report.last_seq} (event {report.last_event_id}); "
                f"events {report.last_seq + 1}..{furthest} were removed",
            )
        )
    head = session.execute(
        select(AuditChainHead.seq, AuditChainHead.head_hash).where(AuditChainHead.id == HEAD_ROW_ID)
    ).one_or_none()
    if head is None:
        report.problems.append(ChainProblem(report.last_seq + 1, None, "the chain head row is missing"))
    elif (head.seq, head.head_hash) != (report.last_seq, report.last_hash):
        report.problems.append(
            ChainProblem(
                min(head.seq, report.last_seq) + 1,
                report.last_event_id,
                f"the head row says the chain ends at seq {head.seq}, but it ends at seq {report.last_seq} "
                f"(event {report.last_event_id}): events were removed from the end or the head was edited",
            )
        )
    return report


def _walk_events(session: Session, report: VerifyReport, signed: dict[int, list[AuditCheckpoint]]) -> None:
    expected_seq, expected_prev = 1, GENESIS_HASH
    signed_before = 0  # the last seq a valid checkpoint vouched for, for the rewrite message
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=BATCH))
    for row in rows:
        report.events += 1
        intact = event_hash(fields_of(row)) == row.hash
        origin = None if intact else _original_place(session, row)
        if origin is not None:
            written_seq, predecessor = origin
            after = f"after event {predecessor}" if predecessor is not None else "as the first event"
            report.problems.append(
                ChainProblem(
                    row.seq,
                    row.id,
                    f"event {row.id} (seq {row.seq}) was moved: it is intact but was written as seq "
                    f"{written_seq}, {after}; the events were reordered",
                )
            )
        elif row.seq != expected_seq:
            report.problems.append(
                ChainProblem(
                    row.seq,
                    row.id,
                    f"event {row.id} has seq {row.seq} where {expected_seq} was expected: "
                    f"events {expected_seq}..{row.seq - 1} were removed",
                )
            )
        elif row.prev_hash != expected_prev:
            report.problems.append(
                ChainProblem(
                    row.seq,
                    row.id,
                    f"event {row.id} (seq {row.seq}) does not link to the event before it: "
                    "that event was changed, removed or moved",
                )
            )
        if not intact and origin is None:
            report.problems.append(
                ChainProblem(
                    row.seq,
                    row.id,
                    f"event {row.id} (seq {row.seq}) was changed or moved: its contents do not match its hash",
                )
            )
        for cp in signed.get(row.seq, ()):
            if cp.head_hash != row.hash:
                report.problems.append(
                    ChainProblem(
                        signed_before + 1,
                        row.id,
                        f"checkpoint {cp.id} signed a different event at seq {row.seq} (now event {row.id}): "
                        f"the chain was rewritten somewhere in seq {signed_before + 1}..{row.seq}",
                    )
                )
        if row.seq in signed:
            signed_before = row.seq
        expected_seq, expected_prev = row.seq + 1, row.hash
        report.last_seq, report.last_hash, report.last_event_id = row.seq, row.hash, row.id


def _original_place(session: Session, row: AuditEvent) -> tuple[int, uuid.UUID | None] | None:
    """Where a row whose hash fails was written, if it is intact apart from its `seq`: (seq, predecessor).

    Its prev_hash names the event it was appended after; if the row hashes correctly at
    the seq after that event's original seq, nothing in it changed but its place. Runs for
    failing rows only.
    """
    if row.prev_hash == GENESIS_HASH:
        written_seq, predecessor = 1, None
    else:
        before = session.scalar(select(AuditEvent).where(AuditEvent.hash == row.prev_hash).limit(1))
        before_seq = None if before is None else _written_seq(session, before, MOVED_DEPTH)
        if before is None or before_seq is None:
            return None
        written_seq, predecessor = before_seq + 1, before.id
    if written_seq == row.seq or event_hash(replace(fields_of(row), seq=written_seq)) != row.hash:
        return None
    return written_seq, predecessor


def _written_seq(session: Session, row: AuditEvent, depth: int) -> int | None:
    """The seq `row` hashes correctly at: its own, or (if it moved too) the one after its predecessor's."""
    if event_hash(fields_of(row)) == row.hash:
        return row.seq
    if depth <= 0:
        return None
    if row.prev_hash == GENESIS_HASH:
        candidate = 1
    else:
        before = session.scalar(select(AuditEvent).where(AuditEvent.hash == row.prev_hash).limit(1))
        before_seq = None if before is None else _written_seq(session, before, depth - 1)
        if before_seq is None:
            return None
        candidate = before_seq + 1
    return candidate if event_hash(replace(fields_of(row), seq=candidate)) == row.hash else None
