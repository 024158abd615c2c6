"""Fixtures of the web page tests: an app client speaking https (for Secure cookies) and people."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.settings import Settings
from tests.api.web.helpers import BASE_URL


@pytest.fixture
def web_settings(test_settings: Settings) -> Settings:
    return test_settings.model_copy(update={"web_lockout_attempts": 3, "web_lockout_minutes": 15})


@pytest.fixture
def web_client(web_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    with TestClient(app_factory(web_settings), base_url=BASE_URL) as client:
        yield client
