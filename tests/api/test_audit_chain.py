"""Appending to the audit chain: links, signed heads, serialised writers, and the details guard."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.audit.canonical import GENESIS_HASH, event_hash, head_mac
from api.audit.chain import AuditKeyMissingError, attach_audit_key, checkpoint, fields_of
from api.audit.details import AuditDetailsError, check_details
from api.audit.verify import verify_chain
from api.store.audit_models import AuditChainHead, AuditCheckpoint
from api.store.database import make_engine, make_sessionmaker
from api.store.models import AuditEvent
from api.store.repositories import AuditRepository
from tests.api.audit_helpers import AUDIT_KEY, append_events, organisation


@pytest.fixture
def signed_sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    attach_audit_key(sessions, AUDIT_KEY)
    try:
        yield sessions
    finally:
        engine.dispose()


def test_events_link_to_their_predecessor(signed_sessions: sessionmaker[Session]) -> None:
    append_events(signed_sessions, 5)
    with signed_sessions() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        head = session.get(AuditChainHead, 1)
    assert [row.seq for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    assert all(event_hash(fields_of(row)) == row.hash for row in rows)
    assert head is not None
    assert (head.seq, head.head_hash) == (5, rows[-1].hash)


def test_each_committing_transaction_signs_its_head(signed_sessions: sessionmaker[Session]) -> None:
    append_events(signed_sessions, 5, per_commit=2)
    with signed_sessions() as session:
        checkpoints = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)).all()
        hashes = {row.seq: row.hash for row in session.execute(select(AuditEvent.seq, AuditEvent.hash))}
    assert [cp.seq for cp in checkpoints] == [2, 4, 5]
    for cp in checkpoints:
        assert cp.head_hash == hashes[cp.seq]
        expected = head_mac(
            AUDIT_KEY, checkpoint_id=cp.id, seq=cp.seq, head_hash=cp.head_hash, signed_at=cp.signed_at
        )
        assert cp.mac == expected


def test_a_rolled_back_append_leaves_no_trace(signed_sessions: sessionmaker[Session]) -> None:
    append_events(signed_sessions, 2)
    with signed_sessions() as session:
        AuditRepository(session).record(
            organisation_id=organisation(session, "acme"), event_type="x", subject_type="y", subject_id="z"
        )
        session.rollback()
    append_events(signed_sessions, 1)
    with signed_sessions() as session:
        assert session.scalar(select(func.max(AuditEvent.seq))) == 3
        assert verify_chain(session, AUDIT_KEY).ok


def test_explicit_checkpoint_returns_the_signed_head(signed_sessions: sessionmaker[Session]) -> None:
    append_events(signed_sessions, 3)
    with signed_sessions() as session:
        head = checkpoint(session)
        session.commit()
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (head.seq, head.head_hash) == (3, last.hash)
    assert head.as_dict()["mac"] == head.mac
    assert head.mac == head_mac(
        AUDIT_KEY, checkpoint_id=head.checkpoint_id, seq=3, head_hash=last.hash, signed_at=head.signed_at
    )


def test_checkpoint_needs_the_key(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, pytest.raises(AuditKeyMissingError):
        checkpoint(session)


def test_sessions_without_the_key_still_chain(
    sessions: sessionmaker[Session], signed_sessions: sessionmaker[Session]
) -> None:
    append_events(sessions, 3)
    with signed_sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 0
        report = verify_chain(session, AUDIT_KEY)
    assert report.ok
    assert report.unsigned_tail == 3


def test_concurrent_writers_do_not_fork_the_chain(signed_sessions: sessionmaker[Session]) -> None:
    with signed_sessions() as session:
        org = organisation(session, "acme")
        session.commit()
    per_thread, threads = 15, 3
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def write(number: int) -> None:
        try:
            start.wait()
            for index in range(per_thread):
                with signed_sessions() as session:
                    AuditRepository(session).record(
                        organisation_id=org,
                        event_type="test.concurrent",
                        subject_type="thread",
                        subject_id=f"t{number}-{index}",
                    )
                    session.commit()
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with signed_sessions() as session:
        seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        report = verify_chain(session, AUDIT_KEY)
    assert seqs == list(range(1, per_thread * threads + 1))
    assert report.ok, report.problems


# --- the details guard -------------------------------------------------------------------

GOOD_DETAILS = [
    {},
    {"role": "marketer", "source": "api", "chunks": 12, "overridden": False, "note": None},
    {"doc_id": "policies/visitors", "version": 3, "sha": "9f86d081884c7d65"},
    {
        "findings": {"phi.person": 2, "fair_balance": 1},
        "consent_ids": ["3f0c2a9e-6a43-4f6e-9d39-0f6d4b5e1a77"],
    },
]
BAD_DETAILS = [
    ({"reason": "Maria Lopez asked us to remove it"}, "details.reason"),
    ({"patient": "Maria Lopez"}, "details.patient"),
    ({"contact": "maria.lopez@example.com"}, "details.contact"),
    ({"phone": "555-201-3344"}, "details.phone"),
    ({"ssn": "123-45-6789"}, "details.ssn"),
    ({"dob": "1957-03-02"}, "details.dob"),
    ({"nested": {"text": "So proud of our patient"}}, "details.nested.text"),
    ({"items": ["ok", "free text here"]}, "details.items[1]"),
    ({"Reason": "x"}, "details"),
    ({"score": 0.5}, "details.score"),
    ({"a": {"b": {"c": {"d": 1}}}}, "details.a.b.c"),
    ({"id": "x" * 201}, "details.id"),
]


@pytest.mark.parametrize("details", GOOD_DETAILS)
def test_ids_codes_hashes_and_counts_are_accepted(details: dict[str, object]) -> None:
    assert check_details(details) == details


@pytest.mark.parametrize(("details", "where"), BAD_DETAILS)
def test_free_text_and_identifiers_are_refused_without_echoing_them(
    details: dict[str, object], where: str
) -> None:
    with pytest.raises(AuditDetailsError) as raised:
        check_details(details)
    message = str(raised.value)
    assert message.startswith(where + ":") or message.startswith(where + " ")
    for value in ("Maria", "maria", "555", "123-45", "1957", "proud", "free text here", "0.5"):
        assert value not in message


def test_a_refused_event_is_not_stored(signed_sessions: sessionmaker[Session]) -> None:
    append_events(signed_sessions, 1)
    with signed_sessions() as session:
        with pytest.raises(AuditDetailsError):
            AuditRepository(session).record(
                organisation_id=organisation(session, "acme"),
                event_type="consent.revoked",
                subject_type="consent",
                subject_id="c1",
                details={"reason": "patient Maria Lopez called"},
            )
        session.commit()
    with signed_sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1
        assert verify_chain(session, AUDIT_KEY).ok


def test_a_new_sessionmaker_signs_even_at_a_freed_ones_address(database_url: str) -> None:
    # sessionmakers freed in a loop are usually reallocated at the same address; each must still sign
    engine = make_engine(database_url)
    try:
        for round_number in range(1, 4):
            sessions = make_sessionmaker(engine)
            attach_audit_key(sessions, AUDIT_KEY)
            append_events(sessions, 1)
            with sessions() as session:
                signed = session.scalar(select(func.max(AuditCheckpoint.seq)))
            assert signed == round_number
            del sessions
    finally:
        engine.dispose()
