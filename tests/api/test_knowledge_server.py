"""The API on a `chroma run` server (CAREPOST_CHROMA_URL): two app instances share one knowledge base."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.settings import Settings
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey
from tests.knowledge.test_http_client import chroma_url  # noqa: F401  (the loopback server fixture)

POLICY = b"# Flu clinic\n\n## Hours\n\nFlu shots every Saturday from 9 a.m. to 1 p.m. for everyone over 6 months.\n"


def test_two_app_instances_share_documents_through_the_server(
    test_settings: Settings,
    app_factory: Callable[[Settings], FastAPI],
    make_key: Callable[..., IssuedKey],
    chroma_url: str,  # noqa: F811
) -> None:
    admin = make_key()
    settings = test_settings.model_copy(update={"chroma_url": chroma_url})
    with TestClient(app_factory(settings)) as first, TestClient(app_factory(settings)) as second:
        uploaded = first.post(
            "/v1/knowledge/documents",
            files={"file": ("flu-clinic.md", POLICY, "text/markdown")},
            data={"kind": "policy"},
            headers=admin.headers,
        )
        assert uploaded.status_code == 201, uploaded.text

        listed = second.get("/v1/knowledge/documents", headers=admin.headers).json()
        assert [i["doc_id"] for i in listed["items"]] == ["flu-clinic"]
        found = second.get(
            "/v1/knowledge/search", params={"q": "when can I get a flu vaccine"}, headers=admin.headers
        ).json()
        assert found["chunks"][0]["citation"]["doc_id"] == "flu-clinic"

        assert second.delete("/v1/knowledge/documents/flu-clinic", headers=admin.headers).status_code == 204
        assert_problem(
            first.delete("/v1/knowledge/documents/flu-clinic", headers=admin.headers), 404, "not-found"
        )
        assert first.get("/v1/knowledge/documents", headers=admin.headers).json()["total"] == 0
    # Nothing went to the embedded folder: the server holds everything.
    assert not (test_settings.chroma_path).exists()
