"""The database goes away: requests get a 503 problem (never a 500, never SQL in the log), nothing half-written."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api.services import Services
from api.store.database import make_engine
from api.store.drafting_models import BriefRow, JobRow
from api.store.models import AuditEvent, Role
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

BRIEF = {
    "topic": "Free Saturday flu shot clinics",
    "platforms": ["facebook"],
    "call_to_action": "See clinic times",
    "key_messages": ["Free flu shots on Saturdays at the Brightwater Clinic"],
}


def services_of(client: TestClient) -> Services:
    services = client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services, Services)
    return services


def closed_port() -> int:
    """A loopback port nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def unreachable_engine() -> Iterator[Engine]:
    engine = make_engine(f"postgresql+psycopg://carepost@127.0.0.1:{closed_port()}/gone?connect_timeout=2")
    yield engine
    engine.dispose()


def counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (BriefRow, JobRow, AuditEvent)
        }


def test_an_unreachable_database_is_a_503_problem(
    client: TestClient,
    make_key: Callable[..., IssuedKey],
    unreachable_engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = make_key("acme", Role.marketer)
    services_of(client).sessions.configure(bind=unreachable_engine)  # the server went away
    with caplog.at_level(logging.DEBUG):
        for response in (
            client.get("/v1/organisations/me", headers=key.headers),
            client.post(
                "/v1/check", json={"text": "hi", "platform": "x", "content_type": "post"}, headers=key.headers
            ),
        ):
            body = assert_problem(response, 503, "unavailable")
            assert response.headers["retry-after"] == "5"
            assert "SELECT" not in body["detail"]
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert "SELECT" not in logged  # the statement (and its parameters) never reach the log
    assert "unhandled error" not in logged  # a known condition, not a crash with a traceback


def _lose_the_connection_on_job_insert(engine: Engine, admin: Engine | None) -> Callable[..., None]:
    """Cut the connection as the job row is written, after the brief row went to the same transaction."""

    def before_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith("INSERT INTO JOBS"):
            return
        if admin is None:  # SQLite has no server to lose: raise what a lost connection raises
            raise OperationalError(statement, None, Exception("server closed the connection unexpectedly"))
        pid = conn.connection.dbapi_connection.info.backend_pid
        with admin.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    return before_cursor_execute


def test_a_connection_lost_mid_transaction_writes_nothing(
    client: TestClient,
    make_key: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    backend: str,
    database_url: str,
) -> None:
    key = make_key("acme", Role.marketer)
    before = counts(sessions)
    engine = services_of(client).engine
    admin = make_engine(database_url) if backend == "postgres" else None
    listener = _lose_the_connection_on_job_insert(engine, admin)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.post("/v1/briefs", json=BRIEF, headers={**key.headers, "Idempotency-Key": "k-1"})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        if admin is not None:
            admin.dispose()
    assert_problem(response, 503, "unavailable")
    assert counts(sessions) == before  # no brief without its job, no audit event for either

    # The database is back: the same request (same Idempotency-Key) is accepted, once.
    retried = client.post("/v1/briefs", json=BRIEF, headers={**key.headers, "Idempotency-Key": "k-1"})
    assert retried.status_code == 202, retried.text
    after = counts(sessions)
    assert (after["BriefRow"], after["JobRow"]) == (before["BriefRow"] + 1, before["JobRow"] + 1)
