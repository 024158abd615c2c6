"""First start: the default organisation gets the default knowledge pack, once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.bootstrap import PACK_LOADED_EVENT, bootstrap_default_organisation, load_default_knowledge
from api.settings import Settings
from api.store.models import AuditEvent
from knowledge.pack import pack_dir, read_manifest
from knowledge.pack.loader import load_pack_library


def pack_events(sessions: sessionmaker[Session]) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.event_type == PACK_LOADED_EVENT)))


@pytest.mark.slow  # embeds the whole pack (about 260 chunks): 5-30 s depending on the machine's load
def test_the_default_organisation_gets_the_pack_once(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI], sessions: sessionmaker[Session]
) -> None:
    settings = test_settings.model_copy(update={"bootstrap": True})
    created = bootstrap_default_organisation(sessions, settings)
    assert created is not None
    headers = {"Authorization": f"Bearer {created.admin_key}"}
    manifest = read_manifest(pack_dir())
    library = load_pack_library()

    with TestClient(app_factory(settings)) as client:
        uploads = client.get(
            "/v1/knowledge/documents", params={"origin": "upload", "limit": 200}, headers=headers
        ).json()
        assert sorted(i["doc_id"] for i in uploads["items"]) == sorted(d.doc_id for d in manifest.documents)
        indexed = client.get("/v1/knowledge/documents", params={"origin": "library"}, headers=headers).json()
        assert indexed["total"] >= len(library.products) + len(library.disclaimers)
        products = client.get("/v1/knowledge/products", headers=headers).json()["items"]
        assert [p["id"] for p in products] == [p.id for p in library.products]
        found = client.get(
            "/v1/knowledge/search",
            params={"q": "how do we answer an angry review", "kinds": "policy"},
            headers=headers,
        ).json()
        assert found["chunks"][0]["citation"]["doc_id"] == "policy-review-replies"
        # An admin removes a pack document on purpose; a restart must not bring it back.
        deleted = client.delete("/v1/knowledge/documents/examples-approved-posts", headers=headers)
        assert deleted.status_code == 204

    [event] = pack_events(sessions)
    assert event.details["documents"] == len(manifest.documents)
    assert event.details["library_stored"] is True
    assert event.details["source"] == "bootstrap"

    with TestClient(app_factory(settings)) as client:
        uploads = client.get("/v1/knowledge/documents", params={"origin": "upload"}, headers=headers).json()
        assert "examples-approved-posts" not in [i["doc_id"] for i in uploads["items"]]
        assert uploads["total"] == len(manifest.documents) - 1
    assert len(pack_events(sessions)) == 1


def test_without_bootstrap_or_a_default_organisation_nothing_loads(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI], sessions: sessionmaker[Session]
) -> None:
    assert test_settings.bootstrap is False
    assert bootstrap_default_organisation(sessions, test_settings) is not None
    with TestClient(app_factory(test_settings)) as client:
        pass  # bootstrap off: the lifespan leaves knowledge alone
    assert pack_events(sessions) == []

    other = test_settings.model_copy(update={"bootstrap": True, "default_org_slug": "not-created"})
    with TestClient(app_factory(other)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        assert load_default_knowledge(services.sessions, services.knowledge, other) is None
    assert pack_events(sessions) == []
