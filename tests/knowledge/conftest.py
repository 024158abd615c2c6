"""Fixtures for the knowledge tests: one embedding model per session, stores in temporary folders.

The root conftest already points XDG_CACHE_HOME at a temporary folder, sets the
offline switches (chroma telemetry off included) and allows loopback only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from knowledge.embeddings import MiniLmEmbedding, load_embedding_function
from knowledge.libraries.repository import InMemoryLibraryRepository
from knowledge.pack import load_default_pack
from knowledge.retrieval import KnowledgeBase
from knowledge.store import KnowledgeStore, open_store

# Claims expire; every date-dependent test runs on this day.
TODAY = date(2026, 11, 28)
PACK_ORG = "larkspur"


@pytest.fixture(scope="session")
def embedding() -> MiniLmEmbedding:
    """The ONNX model, loaded once for the whole session."""
    return load_embedding_function()


@pytest.fixture
def store(tmp_path: Path, embedding: MiniLmEmbedding) -> Iterator[KnowledgeStore]:
    with open_store(path=tmp_path / "chroma", embedding=embedding) as opened:
        yield opened


@pytest.fixture(scope="session")
def pack_kb(tmp_path_factory: pytest.TempPathFactory, embedding: MiniLmEmbedding) -> Iterator[KnowledgeBase]:
    """The default pack loaded once into an embedded store; tests must only read from it."""
    folder = tmp_path_factory.mktemp("pack-chroma")
    kb = KnowledgeBase(
        open_store(path=folder, embedding=embedding), InMemoryLibraryRepository(), today=lambda: TODAY
    )
    load_default_pack(kb.store, kb.libraries, PACK_ORG)
    yield kb
    kb.store.close()
