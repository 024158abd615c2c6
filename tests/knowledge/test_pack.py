from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import InvalidLibrary
from knowledge.ingest import IngestStatus
from knowledge.libraries import InMemoryLibraryRepository
from knowledge.models import Kind
from knowledge.pack import load_default_pack, pack_dir, read_manifest
from knowledge.retrieval import KnowledgeBase
from knowledge.store import KnowledgeStore
from tests.knowledge.conftest import PACK_ORG


def test_manifest_lists_existing_documents() -> None:
    manifest = read_manifest(pack_dir())
    assert len(manifest.documents) >= 8
    assert {d.kind for d in manifest.documents} >= {Kind.BRAND, Kind.POLICY, Kind.EXAMPLE}
    for doc in manifest.documents:
        assert (pack_dir() / doc.path).is_file()


def test_loaded_pack_has_every_kind(pack_kb: KnowledgeBase) -> None:
    kinds = {d.kind for d in pack_kb.store.documents(PACK_ORG)}
    assert kinds == set(Kind)
    policies = {d.doc_id for d in pack_kb.store.documents(PACK_ORG, kind=Kind.POLICY)}
    assert {
        "policy-hipaa-social-media",
        "policy-review-replies",
        "policy-fda-promotion",
        "policy-ftc-endorsements",
    } <= policies


def test_second_load_changes_nothing_and_keeps_edited_library(pack_kb: KnowledgeBase) -> None:
    library = pack_kb.libraries.get(PACK_ORG)
    assert library is not None
    report = load_default_pack(pack_kb.store, pack_kb.libraries, PACK_ORG)
    assert not report.changed
    assert {d.status for d in report.documents} == {IngestStatus.UNCHANGED}
    assert pack_kb.libraries.get(PACK_ORG) is library


def test_existing_library_is_not_overwritten(store: KnowledgeStore) -> None:
    repo = InMemoryLibraryRepository()
    kb = KnowledgeBase(store, repo)
    from knowledge.pack.loader import load_pack_library

    own = load_pack_library()
    own = own.model_copy(
        update={"products": own.products[:1], "claims": [c for c in own.claims if c.product_id is None]}
    )
    repo.put("acme", own)
    report = load_default_pack(store, repo, "acme")
    assert report.library_stored is False
    assert repo.get("acme") is own
    assert {d.doc_id for d in kb.store.documents("acme", kind=Kind.PRODUCT)} == {
        f"product:{own.products[0].id}"
    }


def test_broken_pack_writes_nothing(store: KnowledgeStore, tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "brand.yaml").write_text("brand: {organisation: X, names: [X]}\n")
    (tmp_path / "pack.yaml").write_text(
        "name: t\nversion: 1\ndocuments:\n  - {path: docs/missing.md, doc_id: m, kind: policy}\n"
    )
    repo = InMemoryLibraryRepository()
    with pytest.raises(InvalidLibrary, match="missing document"):
        load_default_pack(store, repo, "acme", folder=tmp_path)
    assert repo.get("acme") is None
    assert store.count("acme") == 0
