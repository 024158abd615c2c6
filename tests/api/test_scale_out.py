"""`carepost serve --workers N`: several processes only on shared servers (PostgreSQL, Chroma, Redis)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import build_cli
from api.scaleout import scale_out_refusals
from api.settings import Settings

CHROMA = "http://127.0.0.1:8765"
REDIS = "redis://127.0.0.1:6379/0"
POSTGRES = "postgresql+psycopg://carepost@127.0.0.1:5432/carepost"


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("api.cli.serve.uvicorn.run", lambda app, **options: calls.append(options))
    monkeypatch.setattr("api.cli.serve.configure_logging", lambda level: None)
    return calls


def serve(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(build_cli(), ["serve", *args], env=env)


def test_one_worker_needs_nothing_shared(tmp_path: Path) -> None:
    assert scale_out_refusals(Settings(data_dir=tmp_path), 1) == []


def test_several_workers_on_shared_servers_are_allowed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=POSTGRES, chroma_url=CHROMA, rate_limit_url=REDIS)
    assert scale_out_refusals(settings, 4) == []


def test_memory_rate_limits_are_fine_when_limits_are_off(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=POSTGRES, chroma_url=CHROMA, rate_limit_enabled=False)
    assert scale_out_refusals(settings, 2) == []


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"database_url": "sqlite:///x.db"}, "SQLite"),
        ({"chroma_url": None}, "CAREPOST_CHROMA_URL"),
        ({"rate_limit_url": "memory://"}, "CAREPOST_RATE_LIMIT_URL"),
    ],
)
def test_each_process_local_store_is_refused(tmp_path: Path, overrides: dict[str, Any], named: str) -> None:
    values: dict[str, Any] = {"database_url": POSTGRES, "chroma_url": CHROMA, "rate_limit_url": REDIS}
    settings = Settings(data_dir=tmp_path, **{**values, **overrides})
    (reason,) = scale_out_refusals(settings, 2)
    assert named in reason


def test_the_command_refuses_several_workers_on_the_defaults(
    tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
) -> None:
    env = {"CAREPOST_DATABASE_URL": "sqlite:///" + str(tmp_path / "c.db"), "CAREPOST_DATA_DIR": str(tmp_path)}
    result = serve(env, "--workers", "3")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3  # SQLite, embedded Chroma, memory:// rate limits: every reason at once
    assert all(line.startswith("refusing 3 workers: ") for line in lines)
    assert uvicorn_calls == []


def test_the_command_passes_the_worker_count_to_uvicorn(
    database_url: str, backend: str, tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
) -> None:
    env = {
        "CAREPOST_DATABASE_URL": database_url,
        "CAREPOST_DATA_DIR": str(tmp_path),
        "CAREPOST_CHROMA_URL": CHROMA,  # never contacted: serve hands over to uvicorn, replaced here
        "CAREPOST_RATE_LIMIT_URL": REDIS,
        "CAREPOST_BOOTSTRAP": "false",
    }
    result = serve(env, "--workers", "2")
    if backend == "sqlite":
        assert result.exit_code == 2
        assert "SQLite" in result.stderr
        assert uvicorn_calls == []
    else:
        assert result.exit_code == 0, result.output
        assert uvicorn_calls[0]["workers"] == 2


def test_one_worker_on_sqlite_still_starts(
    database_url: str, tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
) -> None:
    env = {
        "CAREPOST_DATABASE_URL": database_url,
        "CAREPOST_DATA_DIR": str(tmp_path),
        "CAREPOST_BOOTSTRAP": "0",
    }
    result = serve(env)
    assert result.exit_code == 0, result.output
    assert uvicorn_calls[0]["workers"] == 1
