"""`carepost users create`, and the first-start hint of `carepost serve` about web users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from api.cli import build_cli
from api.passwords import Passwords
from api.store.models import AuditEvent, User

runner = CliRunner()
PASSWORD = "a long enough password"  # pragma: allowlist secret


def invoke(database_url: str, tmp_path: Path, *args: str, stdin: str | None = None) -> Result:
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    return runner.invoke(build_cli(), list(args), env=env, input=stdin)


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "api.cli.serve.uvicorn.run", lambda app, **options: calls.append({"app": app, **options})
    )
    monkeypatch.setattr("api.cli.serve.configure_logging", lambda level: None)
    return calls


def create(database_url: str, tmp_path: Path, email: str, stdin: str, role: str = "admin") -> Result:
    return invoke(
        database_url,
        tmp_path,
        "users",
        "create",
        "--email",
        email,
        "--role",
        role,
        "--display-name",
        "Ada Admin",
        stdin=stdin,
    )


def test_serve_says_how_to_create_the_first_user_until_one_exists(
    database_url: str, tmp_path: Path, sessions: sessionmaker[Session], uvicorn_calls: list[dict[str, Any]]
) -> None:
    first = invoke(database_url, tmp_path, "serve")
    assert first.exit_code == 0, first.output
    assert "first admin API key" in first.stdout  # the key is still printed once
    assert "carepost users create --org default --role admin" in first.stdout

    created = create(database_url, tmp_path, "Ada@Example.org", PASSWORD + "\n")
    assert created.exit_code == 0, created.output
    assert PASSWORD not in created.output
    with sessions() as session:
        user = session.scalars(select(User)).one()
        event = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "user.created")).one()
    assert (user.email, user.role, user.display_name) == ("ada@example.org", "admin", "Ada Admin")
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert Passwords().verify(user.password_hash, PASSWORD)
    assert event.details == {"role": "admin", "source": "cli"}
    assert event.subject_id == str(user.id)

    second = invoke(database_url, tmp_path, "serve")
    assert "users create" not in second.stdout
    assert "cp_" not in second.stdout


def test_create_refuses_weak_passwords_duplicates_and_machine_roles(
    database_url: str, tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
) -> None:
    invoke(database_url, tmp_path, "serve")  # creates the default organisation
    short = create(database_url, tmp_path, "a@example.org", "short\n")
    assert short.exit_code == 1
    assert "at least 12 characters" in short.stderr
    assert create(database_url, tmp_path, "a@example.org", PASSWORD + "\n").exit_code == 0
    again = create(database_url, tmp_path, "A@example.org", PASSWORD + "\n")
    assert again.exit_code == 1
    assert "already has a user" in again.stderr
    machine = create(database_url, tmp_path, "b@example.org", PASSWORD + "\n", role="integration")
    assert machine.exit_code == 1
    assert "integration is for API keys" in machine.stderr


def test_the_password_is_never_an_argument(database_url: str, tmp_path: Path) -> None:
    result = invoke(database_url, tmp_path, "users", "create", "--help")
    assert "--password" not in result.stdout
