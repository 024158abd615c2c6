"""Liveness and readiness."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.settings import Settings
from tests.api.helpers import assert_problem


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_when_migrated(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "migrations": "current"}


def test_readyz_is_503_before_migrations(
    blank_database_url: str, tmp_path: Path, app_factory: Callable[[Settings], FastAPI]
) -> None:
    settings = Settings(env="test", data_dir=tmp_path, database_url=blank_database_url)
    with TestClient(app_factory(settings)) as test_client:
        body = assert_problem(test_client.get("/readyz"), 503, "unavailable")
        assert "carepost db upgrade" in body["detail"]
        assert test_client.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(
    tmp_path: Path, app_factory: Callable[[Settings], FastAPI]
) -> None:
    # Port 9 on loopback: nothing listens, so the connection is refused at once (and stays local).
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        database_url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2",
    )
    with TestClient(app_factory(settings)) as test_client:
        body = assert_problem(test_client.get("/readyz"), 503, "unavailable")
    assert body["detail"] == "The database is unreachable."
