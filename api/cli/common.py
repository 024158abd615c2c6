"""Helpers shared by the CLI commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.audit.chain import attach_audit_key
from api.audit.secret import AuditSecretError, load_audit_key
from api.settings import Settings, get_settings
from api.store.database import make_engine, make_sessionmaker


def load_settings() -> Settings:
    """Settings from the environment, or a readable error and exit status 2."""
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            typer.echo(f"configuration error: {where}: {error['msg']}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def database_engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def audited_sessions(engine: Engine, settings: Settings) -> sessionmaker[Session]:
    """Sessions that sign the audit chain's new head when they commit, as the API's do.

    Every command that writes audit events uses these: an event written without a
    signed checkpoint after it is protected by the hash chain only, so a later
    truncation of the tail would go unnoticed.
    """
    try:
        key = load_audit_key(settings)
    except AuditSecretError as exc:
        raise fail(str(exc), 2) from None
    sessions = make_sessionmaker(engine)
    attach_audit_key(sessions, key)
    return sessions


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` on stderr and return the Exit to raise."""
    typer.echo(message, err=True)
    return typer.Exit(code)
