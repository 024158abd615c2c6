"""`carepost audit verify` detects every kind of tampering done with raw SQL, on each backend.

Each test builds a chain of eight events (signed by the commits that wrote them),
edits the database as someone with direct access would, and expects exit status 1
with a message naming the first bad event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from api.audit.canonical import event_hash
from api.audit.chain import attach_audit_key, fields_of
from api.audit.verify import verify_chain
from api.cli import build_cli
from api.store.database import make_engine, make_sessionmaker
from api.store.models import AuditEvent
from tests.api.audit_helpers import AUDIT_KEY, AUDIT_SECRET, append_events, ids_by_seq

runner = CliRunner()
EVENTS = 8


def verify(database_url: str, tmp_path: Path, secret: str = AUDIT_SECRET) -> Result:
    env = {
        "CAREPOST_DATABASE_URL": database_url,
        "CAREPOST_DATA_DIR": str(tmp_path / "var"),
        "CAREPOST_AUDIT_SECRET": secret,
    }
    return runner.invoke(build_cli(), ["audit", "verify"], env=env)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def chain(engine: Engine) -> dict[int, uuid.UUID]:
    """Eight events, committed two at a time (so signed at seq 2, 4, 6 and 8); returns ids by seq."""
    sessions = make_sessionmaker(engine)
    attach_audit_key(sessions, AUDIT_KEY)
    append_events(sessions, EVENTS, per_commit=2)
    return ids_by_seq(sessions)


def sql(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def assert_broken(result: Result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("audit chain BROKEN: ")
    first_line = result.stderr.splitlines()[0]
    for part in expected:
        assert part in first_line


def test_an_untouched_chain_verifies(database_url: str, tmp_path: Path, chain: dict[int, uuid.UUID]) -> None:
    result = verify(database_url, tmp_path)
    assert result.exit_code == 0, result.output
    assert f"audit chain OK: {EVENTS} events" in result.stdout
    assert "4 signed checkpoint(s), latest at seq 8" in result.stdout


def test_changed_event(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(engine, "UPDATE audit_events SET event_type = 'api_key.created' WHERE seq = 3")
    assert_broken(verify(database_url, tmp_path), str(chain[3]), "was changed")


def test_changed_details(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(engine, "UPDATE audit_events SET subject_id = 'other' WHERE seq = 5")
    assert_broken(verify(database_url, tmp_path), str(chain[5]), "was changed")


def test_removed_event(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(engine, "DELETE FROM audit_events WHERE seq = 4")
    assert_broken(verify(database_url, tmp_path), str(chain[5]), "events 4..4 were removed")


def test_removed_first_event(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(engine, "DELETE FROM audit_events WHERE seq = 1")
    assert_broken(verify(database_url, tmp_path), str(chain[2]), "events 1..1 were removed")


def test_removed_event_with_renumbering(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    """Closing the gap by renumbering the later events breaks their hashes instead."""
    sql(
        engine,
        "DELETE FROM audit_events WHERE seq = 4",
        *[f"UPDATE audit_events SET seq = {seq - 1} WHERE seq = {seq}" for seq in range(5, EVENTS + 1)],
    )
    assert_broken(verify(database_url, tmp_path), str(chain[5]))


def test_reordered_events(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(
        engine,
        "UPDATE audit_events SET seq = -1 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 6",
        "UPDATE audit_events SET seq = 6 WHERE seq = -1",
    )
    assert_broken(
        verify(database_url, tmp_path),
        f"event {chain[6]} (seq 3) was moved",
        "written as seq 6",
        f"after event {chain[5]}",
        "reordered",
    )


def test_moved_first_event(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(
        engine,
        "UPDATE audit_events SET seq = -1 WHERE seq = 1",
        "UPDATE audit_events SET seq = 1 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = -1",
    )
    assert_broken(verify(database_url, tmp_path), f"event {chain[2]} (seq 1) was moved", "written as seq 2")


def test_a_moved_and_changed_event_is_reported_as_changed(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(
        engine,
        "UPDATE audit_events SET seq = -1, subject_id = 'other' WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 6",
        "UPDATE audit_events SET seq = 6 WHERE seq = -1",
    )
    assert_broken(verify(database_url, tmp_path), f"event {chain[6]} (seq 3) was moved")
    with make_sessionmaker(engine)() as session:
        messages = [p.message for p in verify_chain(session, AUDIT_KEY).problems]
    assert f"event {chain[3]} (seq 6) was changed or moved: its contents do not match its hash" in messages
    assert not any(f"event {chain[3]} (seq 6) was moved" in m for m in messages)


def test_reordered_timestamps(
    database_url: str,
    tmp_path: Path,
    engine: Engine,
    sessions: sessionmaker[Session],
    chain: dict[int, uuid.UUID],
) -> None:
    with sessions() as session:
        rows = {row.seq: row for row in session.scalars(select(AuditEvent))}
        rows[2].created_at, rows[7].created_at = rows[7].created_at, rows[2].created_at - timedelta(seconds=1)
        session.commit()  # through the ORM, bypassing the chain: the attacker's own UPDATE
    assert_broken(verify(database_url, tmp_path), str(chain[2]), "was changed")


def test_truncated_tail(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    sql(engine, "DELETE FROM audit_events WHERE seq > 5")
    assert_broken(verify(database_url, tmp_path), "truncated", str(chain[5]), "events 6..8 were removed")


def test_truncated_tail_with_the_head_row_rewound(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    """The head row is unsigned, so an attacker can rewind it; the signed checkpoints still disagree."""
    sql(
        engine,
        "DELETE FROM audit_events WHERE seq > 5",
        "UPDATE audit_chain_head SET seq = 5, head_hash = (SELECT hash FROM audit_events WHERE seq = 5)",
    )
    assert_broken(verify(database_url, tmp_path), "truncated", str(chain[5]))


def test_truncated_tail_with_its_checkpoints_forged(
    database_url: str, tmp_path: Path, engine: Engine, chain: dict[int, uuid.UUID]
) -> None:
    """Moving the later checkpoints back to the new end does not help: their signatures no longer match."""
    sql(
        engine,
        "DELETE FROM audit_events WHERE seq > 5",
        "UPDATE audit_chain_head SET seq = 5, head_hash = (SELECT hash FROM audit_events WHERE seq = 5)",
        "UPDATE audit_checkpoints SET seq = 5, head_hash = (SELECT hash FROM audit_events WHERE seq = 5) "
        "WHERE seq > 5",
    )
    assert_broken(verify(database_url, tmp_path), "invalid signature")


def test_rewritten_chain_with_recomputed_hashes(
    database_url: str,
    tmp_path: Path,
    engine: Engine,
    sessions: sessionmaker[Session],
    chain: dict[int, uuid.UUID],
) -> None:
    """Someone who knows the (public) hash recipe edits event 3 and rehashes everything after it.

    Every link then holds; only the HMAC-signed checkpoints, which need the server key, show it.
    """
    with sessions() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        rows[2].subject_id = "rewritten"
        prev = rows[1].hash
        for row in rows[2:]:
            row.prev_hash = prev
            row.hash = event_hash(fields_of(row))
            prev = row.hash
        session.commit()
    sql(engine, f"UPDATE audit_chain_head SET head_hash = '{prev}'")
    assert_broken(verify(database_url, tmp_path), "rewritten somewhere in seq 3..4", str(chain[4]))


def test_wrong_key_fails_every_checkpoint(
    database_url: str, tmp_path: Path, chain: dict[int, uuid.UUID]
) -> None:
    assert_broken(verify(database_url, tmp_path, secret="x" * 40), "invalid signature")


def test_verify_without_any_key_refuses(
    database_url: str, tmp_path: Path, chain: dict[int, uuid.UUID]
) -> None:
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "empty")}
    result = runner.invoke(build_cli(), ["audit", "verify"], env=env)
    assert result.exit_code == 2
    assert "no audit key" in result.stderr


def test_checkpoint_command_signs_events_written_without_the_key(
    database_url: str, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    append_events(sessions, 3)  # the fixture's sessions carry no audit key, like the CLI's
    before = verify(database_url, tmp_path)
    assert before.exit_code == 0, before.output
    assert "the last 3 event(s) come after the latest signed checkpoint" in before.stderr
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_AUDIT_SECRET": AUDIT_SECRET}
    signed = runner.invoke(build_cli(), ["audit", "checkpoint"], env=env)
    assert signed.exit_code == 0, signed.output
    assert "seq 3" in signed.stdout
    after = verify(database_url, tmp_path)
    assert "1 signed checkpoint(s), latest at seq 3" in after.stdout
    assert "come after" not in after.stderr
    sql_engine = make_engine(database_url)
    try:
        sql(sql_engine, "DELETE FROM audit_events WHERE seq = 3")
    finally:
        sql_engine.dispose()
    assert_broken(verify(database_url, tmp_path), "truncated")
