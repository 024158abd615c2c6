"""Fixtures of the workflow tests: an app without rate limits, and an organisation's keys by role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.settings import Settings
from api.store.library_repository import knowledge_org
from api.store.models import Role
from knowledge.pack.loader import load_pack_library
from tests.api.workflow.helpers import Org, services_of
from tests.conftest import IssuedKey


@pytest.fixture
def client(test_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    """Rate limits off: a workflow test makes many calls with a few keys, which is not what limits are about."""
    with TestClient(app_factory(test_settings.model_copy(update={"rate_limit_enabled": False}))) as client:
        yield client


@pytest.fixture
def org(client: TestClient, make_key: Callable[..., IssuedKey]) -> Org:
    """Keys of one organisation that has the default pack as its knowledge library (edits are checked)."""
    keys = Org(
        admin=make_key("acme", Role.admin),
        marketer=make_key("acme", Role.marketer),
        reviewer=make_key("acme", Role.reviewer, name="r1"),
        reviewer2=make_key("acme", Role.reviewer, name="r2"),
        reviewer3=make_key("acme", Role.reviewer, name="r3"),
        integration=make_key("acme", Role.integration),
    )
    services_of(client).knowledge.libraries.put(knowledge_org(keys.id), load_pack_library())
    return keys
