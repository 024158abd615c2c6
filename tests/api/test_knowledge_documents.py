"""Knowledge documents over HTTP: upload of each format, idempotency, deletion, organisations, bad files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.knowledge_base import document_limits
from api.settings import Settings
from api.store.models import AuditEvent, Role
from knowledge.ingest.pipeline import IngestLimits
from knowledge.retrieval import KnowledgeBase
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey
from tests.knowledge.pdfs import make_pdf

# A synthetic marker standing in for anything sensitive: it must never come back in an error.
SECRET_MARKER = "Zephyrine Quillfeather MRN 48213377"

FILES: dict[str, tuple[bytes, str]] = {
    "visitor-policy.md": (
        b"# Visitor policy\n\n## Hours\n\nVisitors are welcome from 8 a.m. to 8 p.m. every day.\n\n"
        b"## Children\n\nChildren under 12 must be with an adult.\n",
        "text/markdown",
    ),
    "parking.txt": (
        b"Parking Guide\nParking is free for visitors in the north garage.\n\n"
        b"Accessible Parking\nAccessible spaces are next to the main entrance.\n",
        "text/plain",
    ),
    "cafeteria.html": (
        b"<html><head><title>Cafeteria</title></head><body><h1>Cafeteria</h1>"
        b"<p>The cafeteria serves hot meals from 6 a.m. to 7 p.m.</p></body></html>",
        "text/html",
    ),
    "chapel.pdf": (
        make_pdf([["Chapel", "The chapel on the first floor is open all day for quiet reflection."]]),
        "application/pdf",
    ),
}
QUERIES = {
    "visitor-policy.md": "when can people visit",
    "parking.txt": "where do I leave my car",
    "cafeteria.html": "where can I get food",
    "chapel.pdf": "a quiet place to pray",
}


def upload(
    client: TestClient,
    key: IssuedKey,
    filename: str,
    data: bytes,
    *,
    content_type: str = "application/octet-stream",
    kind: str = "policy",
    **fields: Any,
) -> httpx2.Response:
    form: dict[str, Any] = {"kind": kind, **fields}
    return client.post(
        "/v1/knowledge/documents",
        files={"file": (filename, data, content_type)},
        data=form,
        headers=key.headers,
    )


def knowledge_of(client: TestClient) -> KnowledgeBase:
    app: FastAPI = client.app  # type: ignore[assignment]
    knowledge: KnowledgeBase = app.state.services.knowledge
    return knowledge


def snapshot(client: TestClient, key: IssuedKey) -> tuple[list[dict[str, Any]], int]:
    """The organisation's documents as listed, and its chunk count in chroma."""
    listed = client.get("/v1/knowledge/documents", params={"limit": 200}, headers=key.headers)
    assert listed.status_code == 200, listed.text
    return listed.json()["items"], knowledge_of(client).store.count(str(key.organisation_id))


def audit_details(sessions: sessionmaker[Session], event_type: str) -> list[dict[str, Any]]:
    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == event_type).order_by(AuditEvent.created_at)
        ).all()
    return [event.details for event in events]


@pytest.mark.parametrize("filename", sorted(FILES))
def test_each_format_is_stored_listed_and_searchable(
    client: TestClient, make_key: Callable[..., IssuedKey], filename: str
) -> None:
    admin = make_key()
    data, media_type = FILES[filename]
    response = upload(client, admin, filename, data, content_type=media_type, topics="visitors,campus")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "created"
    document = body["document"]
    assert document["doc_id"] == Path(filename).stem
    assert document["media_type"] == media_type
    assert document["origin"] == "upload"
    assert document["version"] == 1
    assert document["chunk_count"] >= 1
    assert document["topics"] == ["visitors", "campus"]
    assert "ingest_key" not in document

    items, chunks = snapshot(client, admin)
    assert [item["doc_id"] for item in items] == [document["doc_id"]]
    assert chunks == document["chunk_count"]
    found = client.get("/v1/knowledge/search", params={"q": QUERIES[filename]}, headers=admin.headers)
    assert found.status_code == 200, found.text
    top = found.json()["chunks"][0]
    assert top["citation"]["doc_id"] == document["doc_id"]
    assert top["citation"]["version"] == 1


def test_same_file_twice_changes_nothing_and_a_changed_file_is_a_new_version(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    admin = make_key()
    data, media_type = FILES["visitor-policy.md"]
    first = upload(client, admin, "visitor-policy.md", data, content_type=media_type)
    assert first.status_code == 201
    before = snapshot(client, admin)

    again = upload(client, admin, "visitor-policy.md", data, content_type=media_type)
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"
    assert again.json()["document"] == first.json()["document"]
    assert snapshot(client, admin) == before

    changed = data.replace(b"8 p.m.", b"9 p.m.")
    updated = upload(client, admin, "visitor-policy.md", changed, content_type=media_type)
    assert updated.status_code == 200
    assert updated.json()["status"] == "updated"
    assert updated.json()["document"]["version"] == 2
    items, chunks = snapshot(client, admin)
    assert [(i["doc_id"], i["version"]) for i in items] == [("visitor-policy", 2)]
    assert chunks == items[0]["chunk_count"]  # the old version's chunks are gone

    events = audit_details(sessions, "knowledge_document.ingested")
    assert [(e["status"], e["version"]) for e in events] == [("created", 1), ("unchanged", 1), ("updated", 2)]
    assert all(set(e) == {"doc_id", "version", "status", "kind", "chunks"} for e in events)


def test_delete_removes_every_chunk_and_is_audited(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    admin = make_key()
    for name in ("visitor-policy.md", "parking.txt"):
        data, media_type = FILES[name]
        assert upload(client, admin, name, data, content_type=media_type).status_code == 201
    parking_chunks = snapshot(client, admin)[0][0]["chunk_count"]

    deleted = client.delete("/v1/knowledge/documents/parking", headers=admin.headers)
    assert deleted.status_code == 204
    items, chunks = snapshot(client, admin)
    assert [i["doc_id"] for i in items] == ["visitor-policy"]
    assert chunks == items[0]["chunk_count"]
    found = client.get("/v1/knowledge/search", params={"q": "north garage parking"}, headers=admin.headers)
    assert all(c["citation"]["doc_id"] != "parking" for c in found.json()["chunks"])

    assert_problem(client.delete("/v1/knowledge/documents/parking", headers=admin.headers), 404, "not-found")
    assert audit_details(sessions, "knowledge_document.deleted") == [
        {"doc_id": "parking", "version": 1, "chunks": parking_chunks}
    ]


def test_another_organisations_documents_are_not_found(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    acme, other = make_key("acme"), make_key("globex")
    data, media_type = FILES["parking.txt"]
    assert upload(client, acme, "parking.txt", data, content_type=media_type).status_code == 201
    acme_before = snapshot(client, acme)

    assert snapshot(client, other) == ([], 0)
    assert_problem(client.delete("/v1/knowledge/documents/parking", headers=other.headers), 404, "not-found")
    found = client.get("/v1/knowledge/search", params={"q": "parking garage"}, headers=other.headers)
    assert found.json()["chunks"] == []
    assert snapshot(client, acme) == acme_before


def test_only_admins_upload_and_delete(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    data, media_type = FILES["parking.txt"]
    assert upload(client, admin, "parking.txt", data, content_type=media_type).status_code == 201
    for role in (Role.marketer, Role.reviewer, Role.integration):
        key = make_key(role=role)
        assert_problem(upload(client, key, "other.txt", b"Some text."), 403, "forbidden")
        assert_problem(
            client.delete("/v1/knowledge/documents/parking", headers=key.headers), 403, "forbidden"
        )
        listed = client.get("/v1/knowledge/documents", headers=key.headers)
        assert listed.status_code == 200
        assert listed.json()["total"] == 1
    assert_problem(client.get("/v1/knowledge/documents"), 401, "unauthorized")


def test_documents_are_paginated_and_filtered(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    for index, kind in enumerate(["policy", "brand", "policy"]):
        response = upload(client, admin, f"doc-{index}.txt", f"Document number {index}.".encode(), kind=kind)
        assert response.status_code == 201, response.text
    page = client.get(
        "/v1/knowledge/documents", params={"limit": 2, "offset": 1}, headers=admin.headers
    ).json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [i["doc_id"] for i in page["items"]] == ["doc-1", "doc-2"]
    brand = client.get("/v1/knowledge/documents", params={"kind": "brand"}, headers=admin.headers).json()
    assert [i["doc_id"] for i in brand["items"]] == ["doc-1"]
    assert_problem(
        client.get("/v1/knowledge/documents", params={"limit": 0}, headers=admin.headers), 422, "validation"
    )


BAD_FILES: list[tuple[str, str, bytes, int, str]] = [
    ("word document", "notes.docx", b"PK\x03\x04" + SECRET_MARKER.encode(), 415, "unsupported-media-type"),
    (
        "image named as text",
        "photo.md",
        b"\x89PNG\r\n\x1a\n" + SECRET_MARKER.encode(),
        415,
        "unsupported-media-type",
    ),
    ("text named as pdf", "fake.pdf", SECRET_MARKER.encode(), 415, "unsupported-media-type"),
    ("empty file", "empty.md", b"", 422, "validation"),
    ("only whitespace", "blank.txt", b"  \n\t\n ", 422, "validation"),
    ("markup without text", "bare.html", b"<html><body><div></div></body></html>", 422, "validation"),
    (
        "unparsable pdf",
        "broken.pdf",
        b"%PDF-1.4\n" + SECRET_MARKER.encode() + b"\nnot a pdf",
        422,
        "validation",
    ),
    ("not utf-8", "latin.txt", SECRET_MARKER.encode() + b" caf\xe9 \xff\xfe", 422, "validation"),
]


@pytest.mark.parametrize(
    ("filename", "data", "status", "kind"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_file_is_refused_and_the_store_is_unchanged(
    client: TestClient, make_key: Callable[..., IssuedKey], filename: str, data: bytes, status: int, kind: str
) -> None:
    admin = make_key()
    good, media_type = FILES["visitor-policy.md"]
    assert upload(client, admin, "visitor-policy.md", good, content_type=media_type).status_code == 201
    before = snapshot(client, admin)

    as_new = upload(client, admin, filename, data)
    body = assert_problem(as_new, status, kind)
    assert body["detail"]
    assert SECRET_MARKER not in as_new.text
    # The same bad file sent as a new version of the existing document must not touch it either.
    as_version = upload(client, admin, filename, data, doc_id="visitor-policy")
    assert_problem(as_version, status, kind)
    assert SECRET_MARKER not in as_version.text
    assert snapshot(client, admin) == before


def test_a_file_over_the_request_limit_is_refused_and_the_store_is_unchanged(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI], make_key: Callable[..., IssuedKey]
) -> None:
    admin = make_key()
    settings = test_settings.model_copy(update={"max_body_bytes": 4096})
    with TestClient(app_factory(settings)) as small:
        good, media_type = FILES["parking.txt"]
        assert upload(small, admin, "parking.txt", good, content_type=media_type).status_code == 201
        before = snapshot(small, admin)
        big = (b"Visitors may park in the north garage. " * 200)[:5000]
        assert_problem(upload(small, admin, "big.txt", big), 413, "payload-too-large")
        assert_problem(upload(small, admin, "parking.txt", big), 413, "payload-too-large")
        assert snapshot(small, admin) == before


def test_the_route_checks_the_document_limit_itself(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI], make_key: Callable[..., IssuedKey]
) -> None:
    # A request limit above the per-document limit, so the body passes the middleware
    # and the route's own size check is what refuses the file.
    document_max = IngestLimits().max_bytes
    settings = test_settings.model_copy(update={"max_body_bytes": document_max + 64 * 1024})
    assert document_limits(settings).max_bytes == document_max
    admin = make_key()
    with TestClient(app_factory(settings)) as roomy:
        response = upload(roomy, admin, "huge.txt", b"a" * (document_max + 1))
        body = assert_problem(response, 413, "payload-too-large")
        assert str(document_max) in body["detail"]
        assert snapshot(roomy, admin) == ([], 0)


def test_form_fields_are_validated(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    data = b"Visitors are welcome."
    assert_problem(upload(client, admin, "a.txt", data, kind="rumour"), 422, "validation")
    assert_problem(upload(client, admin, "a.txt", data, platforms="myspace"), 422, "validation")
    assert_problem(upload(client, admin, "a.txt", data, doc_id="no spaces allowed"), 422, "validation")
    missing = client.post("/v1/knowledge/documents", data={"kind": "policy"}, headers=admin.headers)
    assert_problem(missing, 422, "validation")
    assert snapshot(client, admin) == ([], 0)


def test_library_documents_cannot_be_replaced_or_deleted_through_uploads(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    from knowledge.libraries.models import BrandProfile, KnowledgeLibrary

    admin = make_key()
    library = KnowledgeLibrary(
        brand=BrandProfile(organisation="Acme Health", names=["Acme Health"], voice_rules=["Warm and plain."])
    )
    knowledge_of(client).update_library(str(admin.organisation_id), library)
    listed = client.get("/v1/knowledge/documents", params={"origin": "library"}, headers=admin.headers).json()
    assert listed["total"] >= 1
    library_doc = listed["items"][0]["doc_id"]
    before = snapshot(client, admin)

    replaced = upload(client, admin, "brand.md", b"# Brand\n\nAnything goes.", doc_id=library_doc)
    assert_problem(replaced, 409, "conflict")
    assert_problem(
        client.delete(f"/v1/knowledge/documents/{library_doc}", headers=admin.headers), 409, "conflict"
    )
    assert snapshot(client, admin) == before


def test_document_ids_may_hold_slashes(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    admin = make_key()
    data, media_type = FILES["parking.txt"]
    response = upload(client, admin, "parking.txt", data, content_type=media_type, doc_id="campus/parking")
    assert response.status_code == 201, response.text
    assert response.json()["document"]["doc_id"] == "campus/parking"
    assert client.delete("/v1/knowledge/documents/campus/parking", headers=admin.headers).status_code == 204
    assert snapshot(client, admin) == ([], 0)
