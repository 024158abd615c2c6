"""Engine and session factory for the configured database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(database_url: str) -> Engine:
    """An engine for SQLite (file, created on demand) or PostgreSQL (psycopg 3)."""
    url = make_url(database_url)
    # hide_parameters: SQL errors otherwise quote bound values, which can be PHI, into logs.
    if url.get_backend_name() != "sqlite":
        # pre_ping: after a database restart, stale pooled connections are replaced, not served.
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)

    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, hide_parameters=True)
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # SQLite ignores foreign keys unless asked; WAL lets readers work while a writer commits;
        # busy_timeout makes a second writer wait instead of failing at once.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: routes return objects after committing without a second query.
    return sessionmaker(engine, expire_on_commit=False)
