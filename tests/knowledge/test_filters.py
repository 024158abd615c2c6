"""The Python predicate and the chroma clause of a ChunkFilter must select the same chunks."""

from __future__ import annotations

from datetime import date

import pytest

from guardrails.context import Platform
from knowledge.filters import ChunkFilter
from knowledge.models import Kind, Origin
from knowledge.retrieval import KnowledgeBase
from tests.knowledge.conftest import PACK_ORG, TODAY

FILTERS = [
    ChunkFilter(),
    ChunkFilter(kinds=[Kind.CLAIM]),
    ChunkFilter(kinds=[Kind.POLICY, Kind.BRAND, Kind.TEMPLATE]),
    ChunkFilter(platforms=[Platform.X]),
    ChunkFilter(platforms=[Platform.GOOGLE_BUSINESS, Platform.LINKEDIN]),
    ChunkFilter(topics=["flu"]),
    ChunkFilter(product_ids=["cardelta"]),
    ChunkFilter(product_ids=["cardelta", "glucotrace"], kinds=[Kind.CLAIM, Kind.PRODUCT]),
    ChunkFilter(on=TODAY),
    ChunkFilter(on=date(2025, 1, 1)),
    ChunkFilter(on=date(2026, 8, 1), kinds=[Kind.CLAIM]),
    ChunkFilter(origin=Origin.UPLOAD),
    ChunkFilter(kinds=[Kind.TEMPLATE], platforms=[Platform.FACEBOOK], topics=["crisis"], on=TODAY),
]


@pytest.mark.parametrize("chunk_filter", FILTERS, ids=[str(i) for i in range(len(FILTERS))])
def test_predicate_agrees_with_chroma(pack_kb: KnowledgeBase, chunk_filter: ChunkFilter) -> None:
    collection = pack_kb.store._collection(PACK_ORG)
    everything = collection.get(include=["metadatas"])
    by_predicate = {
        chunk_id
        for chunk_id, meta in zip(everything["ids"], everything["metadatas"], strict=True)
        if chunk_filter.matches(meta)
    }
    by_chroma = set(collection.get(where=chunk_filter.where(), include=[])["ids"])
    assert by_predicate == by_chroma
    assert by_chroma  # every filter above selects something in the pack


@pytest.mark.parametrize("candidates", [100, 6], ids=["candidates-suffice", "fallbacks"])
@pytest.mark.parametrize("chunk_filter", FILTERS[1:], ids=[str(i) for i in range(1, len(FILTERS))])
def test_filtered_query_returns_the_nearest_allowed_chunks(
    pack_kb: KnowledgeBase, chunk_filter: ChunkFilter, candidates: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # few candidates force the second (chroma without dates) and last (full chroma filter) attempts
    monkeypatch.setattr("knowledge.store.MIN_CANDIDATES", candidates)
    monkeypatch.setattr("knowledge.store.MAX_CANDIDATES", candidates)
    monkeypatch.setattr("knowledge.store.CANDIDATES_PER_RESULT", 1)
    store = pack_kb.store
    query = "what do we post when the clinic closes for snow"
    hits = store.query(PACK_ORG, query, k=5, where=chunk_filter)
    # reference: chroma's own filtered search
    vector = store.embedding.embed([query])
    reference = store._collection(PACK_ORG).query(
        query_embeddings=vector, n_results=5, where=chunk_filter.where(), include=["metadatas"]
    )
    expected = [(m["doc_id"], m["chunk_index"]) for m in reference["metadatas"][0]]
    assert [(h.citation.doc_id, h.citation.chunk_index) for h in hits] == expected
