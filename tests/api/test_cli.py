"""The `carepost` CLI through Typer's CliRunner, against each backend."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from api.cli import build_cli
from api.credentials import hash_key
from api.store import migrate
from api.store.models import ApiKey, AuditEvent

runner = CliRunner()


def invoke(database_url: str, tmp_path: Path, *args: str) -> Result:
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    return runner.invoke(build_cli(), list(args), env=env)


def test_db_upgrade_then_current(blank_database_url: str, tmp_path: Path) -> None:
    upgraded = invoke(blank_database_url, tmp_path, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    head = ", ".join(sorted(migrate.head_revisions()))  # the latest revision, whichever it is now
    assert f"at revision {head}" in upgraded.stdout
    current = invoke(blank_database_url, tmp_path, "db", "current")
    assert current.stdout.strip() == f"revision {head}: current"


def test_keys_create_list_revoke(database_url: str, tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    created = invoke(
        database_url,
        tmp_path,
        "keys",
        "create",
        "--org",
        "acme",
        "--role",
        "admin",
        "--name",
        "ops",
        "--create-org",
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()  # stdout holds only the secret, for scripts
    assert secret.startswith("cp_")
    assert "shown only now" in created.stderr

    second = invoke(
        database_url, tmp_path, "keys", "create", "--org", "acme", "--role", "marketer", "--name", "cms"
    )
    assert second.exit_code == 0, second.output

    listed = invoke(database_url, tmp_path, "keys", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.strip().splitlines()
    assert lines[0].startswith("id\torganisation\trole")
    assert len(lines) == 3
    assert secret not in listed.stdout
    marketer_id = next(line.split("\t")[0] for line in lines[1:] if "\tmarketer\t" in line)

    revoked = invoke(database_url, tmp_path, "keys", "revoke", marketer_id)
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in invoke(database_url, tmp_path, "keys", "list", "--org", "acme").stdout

    with sessions() as session:
        keys = {key.id: key for key in session.scalars(select(ApiKey))}
        events = [(e.event_type, e.details["source"]) for e in session.scalars(select(AuditEvent))]
    assert keys[uuid.UUID(marketer_id)].revoked_at is not None
    assert hash_key(secret) in {key.key_hash for key in keys.values()}
    assert sorted(events) == sorted(
        [
            ("organisation.created", "cli"),
            ("api_key.created", "cli"),
            ("api_key.created", "cli"),
            ("api_key.revoked", "cli"),
        ]
    )


def test_unknown_organisation_is_not_created_silently(database_url: str, tmp_path: Path) -> None:
    result = invoke(
        database_url, tmp_path, "keys", "create", "--org", "acmee", "--role", "admin", "--name", "x"
    )
    assert result.exit_code == 1
    assert "--create-org" in result.stderr


def test_revoke_refuses_the_last_admin_key(database_url: str, tmp_path: Path) -> None:
    invoke(
        database_url,
        tmp_path,
        "keys",
        "create",
        "--org",
        "acme",
        "--role",
        "admin",
        "--name",
        "x",
        "--create-org",
    )
    key_id = invoke(database_url, tmp_path, "keys", "list").stdout.splitlines()[1].split("\t")[0]
    result = invoke(database_url, tmp_path, "keys", "revoke", key_id)
    assert result.exit_code == 1
    assert "last active admin key" in result.stderr


def test_invalid_role_is_a_usage_error(database_url: str, tmp_path: Path) -> None:
    result = invoke(
        database_url, tmp_path, "keys", "create", "--org", "acme", "--role", "owner", "--name", "x"
    )
    assert result.exit_code == 2


def test_production_refuses_the_placeholder_secret(database_url: str, tmp_path: Path) -> None:
    result = runner.invoke(
        build_cli(),
        ["keys", "list"],
        env={"CAREPOST_ENV": "production", "CAREPOST_DATABASE_URL": database_url},
    )
    assert result.exit_code == 2
    assert "CAREPOST_SECRET_KEY" in result.stderr


class TestServe:
    """`serve` without starting a server: uvicorn.run is replaced by a recorder."""

    @pytest.fixture
    def uvicorn_calls(self, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = []
        monkeypatch.setattr(
            "api.cli.serve.uvicorn.run", lambda app, **options: calls.append({"app": app, **options})
        )
        # serve configures JSON logging on the root logger; put pytest's handlers back afterwards.
        monkeypatch.setattr("api.cli.serve.configure_logging", lambda level: None)
        return calls

    def test_first_start_prints_an_admin_key_once(
        self, database_url: str, tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
    ) -> None:
        first = invoke(database_url, tmp_path, "serve", "--port", "8123")
        assert first.exit_code == 0, first.output
        assert "first admin API key" in first.stdout
        secret = next(word for word in first.stdout.split() if word.startswith("cp_"))

        second = invoke(database_url, tmp_path, "serve")
        assert second.exit_code == 0, second.output
        assert "cp_" not in second.stdout

        assert uvicorn_calls[0]["app"] == "api.app:app_from_environment"
        assert uvicorn_calls[0]["factory"] is True
        assert uvicorn_calls[0]["port"] == 8123
        assert uvicorn_calls[0]["access_log"] is False
        listed = invoke(database_url, tmp_path, "keys", "list", "--org", "default")
        assert "\tadmin\t" in listed.stdout
        assert secret not in listed.stdout

    def test_refuses_to_start_before_migrations(
        self, blank_database_url: str, tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
    ) -> None:
        result = invoke(blank_database_url, tmp_path, "serve")
        assert result.exit_code == 1
        assert "carepost db upgrade" in result.stderr
        assert uvicorn_calls == []


def test_main_is_the_console_entry_point() -> None:
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == "carepost"]
    assert entry.value == "api.cli:main"
    assert isinstance(build_cli(), typer.Typer)


def test_cli_audit_writes_end_signed(database_url: str, tmp_path: Path) -> None:
    """Keys created and revoked at the CLI sign the chain head like the API: verify sees no unsigned tail."""
    env = {
        "CAREPOST_DATABASE_URL": database_url,
        "CAREPOST_DATA_DIR": str(tmp_path / "var"),
        "CAREPOST_AUDIT_SECRET": "cli-audit-secret-0123456789abcdef0123456789",  # pragma: allowlist secret
    }
    cli = build_cli()
    for role in ("admin", "marketer"):
        made = runner.invoke(
            cli,
            ["keys", "create", "--org", "acme", "--role", role, "--name", role, "--create-org"],
            env=env,
        )
        assert made.exit_code == 0, made.output
    listed = runner.invoke(cli, ["keys", "list", "--org", "acme"], env=env)
    marketer = next(line.split("\t")[0] for line in listed.stdout.splitlines() if "\tmarketer\t" in line)
    revoked = runner.invoke(cli, ["keys", "revoke", marketer], env=env)
    assert revoked.exit_code == 0, revoked.output
    verified = runner.invoke(cli, ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
    assert "audit chain OK: 4 events" in verified.stdout  # organisation, two keys, one revocation
    assert "latest at seq 4" in verified.stdout
    assert "come after the latest signed checkpoint" not in verified.stderr
