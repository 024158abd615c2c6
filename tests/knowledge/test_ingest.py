from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import (
    DocumentNotFound,
    DocumentTooLarge,
    EmptyDocument,
    InvalidDocumentId,
    KnowledgeError,
    UnparsableDocument,
    UnsupportedDocumentType,
)
from knowledge.ingest import IngestLimits, IngestStatus, ingest_bytes, ingest_path
from knowledge.models import DocumentTags, Kind, Origin
from knowledge.store import KnowledgeStore
from tests.knowledge.pdfs import make_pdf

POLICY = DocumentTags(kind=Kind.POLICY)

FILES: dict[str, bytes] = {
    "visitor-policy.md": b"# Visitor policy\n\n## Hours\n\nVisitors are welcome from 8 a.m. to 8 p.m.\n\n"
    b"## Children\n\nChildren under 12 must be with an adult.\n",
    "parking.txt": b"Parking Guide\nParking is free for visitors in the north garage.\n\n"
    b"Accessible Parking\nAccessible spaces are next to the main entrance.\n",
    "cafeteria.html": b"<html><head><title>Cafeteria</title></head><body><h1>Cafeteria</h1>"
    b"<p>The cafeteria is open from 6 a.m. to 7 p.m.</p></body></html>",
    "chapel.pdf": make_pdf(
        [["Chapel", "The chapel on the first floor is open all day for quiet reflection."]]
    ),
}


@pytest.mark.parametrize("filename", sorted(FILES))
def test_each_format_is_ingested_and_searchable(store: KnowledgeStore, filename: str) -> None:
    result = ingest_bytes(store, "acme", FILES[filename], filename=filename, tags=POLICY)
    assert result.status is IngestStatus.CREATED
    assert result.version == 1
    assert result.chunk_count >= 1
    info = store.document("acme", result.doc_id)
    assert info is not None
    assert info.kind is Kind.POLICY
    assert info.origin is Origin.UPLOAD
    assert info.source_name == filename
    hits = store.query("acme", "when can I visit, park, eat or pray", k=3)
    assert hits[0].citation.doc_id == result.doc_id
    assert hits[0].citation.version == 1


def test_document_ids_and_titles(store: KnowledgeStore) -> None:
    result = ingest_bytes(
        store, "acme", FILES["visitor-policy.md"], filename="Visitor Policy (2026).md", tags=POLICY
    )
    assert result.doc_id == "visitor-policy-2026"
    assert result.title == "Visitor policy"
    named = ingest_bytes(
        store,
        "acme",
        FILES["parking.txt"],
        filename="p.txt",
        doc_id="parking",
        tags=DocumentTags(kind=Kind.POLICY, title="Parking"),
    )
    assert (named.doc_id, named.title) == ("parking", "Parking")
    with pytest.raises(InvalidDocumentId):
        ingest_bytes(
            store, "acme", FILES["parking.txt"], filename="p.txt", doc_id="../etc/passwd", tags=POLICY
        )


def test_reingesting_unchanged_file_does_nothing(store: KnowledgeStore) -> None:
    first = ingest_bytes(store, "acme", FILES["visitor-policy.md"], filename="visitor-policy.md", tags=POLICY)
    ids_before = store._collection("acme").get(include=[])["ids"]
    again = ingest_bytes(store, "acme", FILES["visitor-policy.md"], filename="visitor-policy.md", tags=POLICY)
    assert again.status is IngestStatus.UNCHANGED
    assert again.version == first.version == 1
    assert store._collection("acme").get(include=[])["ids"] == ids_before


def test_changed_file_replaces_its_chunks(store: KnowledgeStore) -> None:
    ingest_bytes(store, "acme", FILES["visitor-policy.md"], filename="visitor-policy.md", tags=POLICY)
    changed = b"# Visitor policy\n\n## Hours\n\nVisitors are welcome from 9 a.m. to 6 p.m.\n"
    result = ingest_bytes(store, "acme", changed, filename="visitor-policy.md", tags=POLICY)
    assert (result.status, result.version) == (IngestStatus.UPDATED, 2)
    chunks = store.chunks("acme", "visitor-policy")
    assert {c.citation.version for c in chunks} == {2}
    assert all("8 a.m." not in c.text for c in chunks)
    assert store.count("acme") == len(chunks)


def test_changed_tags_make_a_new_version(store: KnowledgeStore) -> None:
    ingest_bytes(store, "acme", FILES["parking.txt"], filename="parking.txt", tags=POLICY)
    result = ingest_bytes(
        store,
        "acme",
        FILES["parking.txt"],
        filename="parking.txt",
        tags=DocumentTags(kind=Kind.BRAND, topics=["parking"]),
    )
    assert (result.status, result.version) == (IngestStatus.UPDATED, 2)
    info = store.document("acme", "parking")
    assert info is not None
    assert (info.kind, info.topics) == (Kind.BRAND, ["parking"])


def test_delete_by_document(store: KnowledgeStore) -> None:
    ingest_bytes(store, "acme", FILES["parking.txt"], filename="parking.txt", tags=POLICY)
    ingest_bytes(store, "acme", FILES["cafeteria.html"], filename="cafeteria.html", tags=POLICY)
    assert store.delete_document("acme", "parking") >= 1
    assert store.document("acme", "parking") is None
    assert [d.doc_id for d in store.documents("acme")] == ["cafeteria"]
    assert all(h.citation.doc_id == "cafeteria" for h in store.query("acme", "parking garage", k=5))
    with pytest.raises(DocumentNotFound):
        store.delete_document("acme", "parking")


def test_organisations_are_isolated(store: KnowledgeStore) -> None:
    ingest_bytes(store, "acme", FILES["parking.txt"], filename="parking.txt", tags=POLICY)
    ingest_bytes(store, "Other Org / Ltd", FILES["cafeteria.html"], filename="cafeteria.html", tags=POLICY)
    assert [d.doc_id for d in store.documents("acme")] == ["parking"]
    assert [d.doc_id for d in store.documents("Other Org / Ltd")] == ["cafeteria"]
    assert store.document("acme", "cafeteria") is None


BAD_FILES = [
    ("empty.md", b"", EmptyDocument),
    ("blank.txt", b"  \n\t\n", EmptyDocument),
    ("notes.docx", b"PK\x03\x04 something", UnsupportedDocumentType),
    ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00", UnsupportedDocumentType),
    ("fake.pdf", b"Hello, I am text", UnsupportedDocumentType),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj <<< garbage", UnparsableDocument),
    ("latin1.txt", "Caf\u00e9 opening hours".encode("latin-1"), UnparsableDocument),
    ("scripts.html", b"<html><script>alert(1)</script></html>", EmptyDocument),
    ("big.txt", b"word " * 500, DocumentTooLarge),
]


@pytest.mark.parametrize(("filename", "data", "error"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_bad_files_leave_the_store_unchanged(
    store: KnowledgeStore, filename: str, data: bytes, error: type[KnowledgeError]
) -> None:
    ingest_bytes(store, "acme", FILES["parking.txt"], filename="parking.txt", tags=POLICY)
    before = store._collection("acme").get(include=["metadatas"])
    with pytest.raises(error) as caught:
        ingest_bytes(store, "acme", data, filename=filename, tags=POLICY, limits=IngestLimits(max_bytes=1000))
    assert caught.value.kind == error.kind
    assert store._collection("acme").get(include=["metadatas"]) == before


def test_a_bad_new_version_keeps_the_old_one(store: KnowledgeStore) -> None:
    ingest_bytes(store, "acme", FILES["chapel.pdf"], filename="chapel.pdf", tags=POLICY)
    with pytest.raises(UnparsableDocument):
        ingest_bytes(store, "acme", b"%PDF-1.4 truncated", filename="chapel.pdf", tags=POLICY)
    info = store.document("acme", "chapel")
    assert info is not None
    assert info.version == 1


def test_too_many_chunks(store: KnowledgeStore) -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "Some words here. " * 40 for i in range(20)).encode()
    with pytest.raises(DocumentTooLarge):
        ingest_bytes(store, "acme", text, filename="long.txt", tags=POLICY, limits=IngestLimits(max_chunks=3))
    assert store.count("acme") == 0


def test_ingest_path_checks_size_before_reading(store: KnowledgeStore, tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    path.write_bytes(b"# x\n" + b"y" * 5000)
    with pytest.raises(DocumentTooLarge):
        ingest_path(store, "acme", path, tags=POLICY, limits=IngestLimits(max_bytes=100))
    small = tmp_path / "small.md"
    small.write_bytes(FILES["visitor-policy.md"])
    assert ingest_path(store, "acme", small, tags=POLICY).status is IngestStatus.CREATED
