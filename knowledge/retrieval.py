"""Retrieval for drafting and facts for checking, with plain parameters.

`KnowledgeBase.retrieve()` returns the chunks closest to a query, each cited to
its document id and version, together with the structured facts that apply
(products, usable claims, required disclaimers, brand voice). `facts()` returns
the guardrails' `ContextFacts`, from which the caller builds a `CheckContext`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from guardrails.context import ContentType, ContextFacts, Platform
from knowledge.errors import UnknownProduct
from knowledge.filters import ChunkFilter
from knowledge.libraries.convert import context_facts
from knowledge.libraries.index import IndexReport, index_library
from knowledge.libraries.models import Disclaimer, KnowledgeLibrary
from knowledge.libraries.repository import LibraryRepository
from knowledge.models import Citation, Kind, RetrievedChunk
from knowledge.store import KnowledgeStore, open_store

if TYPE_CHECKING:
    from knowledge.embeddings import MiniLmEmbedding

DEFAULT_K = 8
MAX_K = 50


class BrandVoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    organisation: str
    voice_rules: list[str] = Field(default_factory=list)
    banned_terms: list[str] = Field(default_factory=list)
    preferred_terms: dict[str, str] = Field(default_factory=dict)
    hashtags: list[str] = Field(default_factory=list)


class KnowledgeBundle(BaseModel):
    """What a drafter gets: cited passages plus the structured facts that apply."""

    model_config = ConfigDict(frozen=True)

    query: str
    chunks: list[RetrievedChunk]
    facts: ContextFacts
    disclaimers: list[Disclaimer] = Field(default_factory=list, description="Required for this request")
    voice: BrandVoice | None = None

    def citations(self) -> list[Citation]:
        return [c.citation for c in self.chunks]

    def doc_ids(self) -> list[str]:
        """Distinct documents in rank order."""
        return list(dict.fromkeys(c.citation.doc_id for c in self.chunks))


class KnowledgeBase:
    """The knowledge of every organisation: chunks in chroma, libraries in a repository."""

    def __init__(
        self, store: KnowledgeStore, libraries: LibraryRepository, *, today: Callable[[], date] = date.today
    ) -> None:
        self.store = store
        self.libraries = libraries
        self._today = today

    def library(self, org: str) -> KnowledgeLibrary | None:
        return self.libraries.get(org)

    def update_library(self, org: str, library: KnowledgeLibrary) -> IndexReport:
        """Store a validated library and bring its chroma index in line with it."""
        self.libraries.put(org, library)
        return index_library(self.store, org, library)

    def facts(
        self, org: str, *, product_ids: Sequence[str] | None = None, on: date | None = None
    ) -> ContextFacts:
        """Organisation facts, the named products (all when None) and the claims usable on `on`."""
        library = self.libraries.get(org)
        if library is None:
            if product_ids:
                raise UnknownProduct("this organisation has no product library")
            return ContextFacts()
        return library_facts(library, product_ids=product_ids, on=on or self._today())

    def required_disclaimers(
        self,
        org: str,
        *,
        content_type: ContentType | None = None,
        platforms: Sequence[Platform] | None = None,
        topics: Sequence[str] = (),
        product_ids: Sequence[str] = (),
    ) -> list[Disclaimer]:
        library = self.libraries.get(org)
        if library is None:
            return []
        return library_disclaimers(
            library, content_type=content_type, platforms=platforms, topics=topics, product_ids=product_ids
        )

    def retrieve(
        self,
        org: str,
        query: str,
        *,
        kinds: Sequence[Kind | str] | None = None,
        product_ids: Sequence[str] | None = None,
        platforms: Sequence[Platform | str] | None = None,
        topics: Sequence[str] | None = None,
        content_type: ContentType | str | None = None,
        k: int = DEFAULT_K,
        per_document: int | None = 2,
        on: date | None = None,
    ) -> KnowledgeBundle:
        """The k best chunks for `query` that are in force on `on` (default today), plus the facts.

        Filters: `kinds` (chunk kinds), `product_ids` (those products' chunks plus
        general ones), `platforms` and `topics` (chunks tagged for them or for all).
        `per_document` caps chunks from one document so a long policy does not
        crowd out everything else; None lifts the cap.
        """
        if not 1 <= k <= MAX_K:
            raise ValueError(f"k must be between 1 and {MAX_K}")
        day = on or self._today()
        platform_list = [Platform(p) for p in platforms] if platforms else None
        where = ChunkFilter(
            kinds=[Kind(x) for x in kinds] if kinds else None,
            platforms=platform_list,
            topics=list(topics) if topics else None,
            product_ids=list(product_ids) if product_ids else None,
            on=day,
        )
        fetch = k if per_document is None else min(MAX_K * 2, k * 3)
        hits = self.store.query(org, query, k=fetch, where=where)
        chunks = _cap_per_document(hits, per_document)[:k]
        library = self.libraries.get(org)
        return KnowledgeBundle(
            query=query,
            chunks=chunks,
            facts=self.facts(org, product_ids=product_ids, on=day),
            disclaimers=self.required_disclaimers(
                org,
                content_type=ContentType(content_type) if content_type else None,
                platforms=platform_list,
                topics=list(topics or ()),
                product_ids=list(product_ids or ()),
            ),
            voice=_voice(library) if library else None,
        )


def _cap_per_document(hits: list[RetrievedChunk], cap: int | None) -> list[RetrievedChunk]:
    if cap is None:
        return hits
    seen: dict[str, int] = {}
    kept = []
    for hit in hits:
        count = seen.get(hit.citation.doc_id, 0)
        if count < cap:
            kept.append(hit)
            seen[hit.citation.doc_id] = count + 1
    return kept


def _voice(library: KnowledgeLibrary) -> BrandVoice:
    brand = library.brand
    return BrandVoice(
        organisation=brand.organisation,
        voice_rules=list(brand.voice_rules),
        banned_terms=list(brand.banned_terms),
        preferred_terms=dict(brand.preferred_terms),
        hashtags=list(brand.hashtags),
    )


def open_knowledge_base(
    *,
    libraries: LibraryRepository,
    chroma_path: Path | str | None = None,
    chroma_url: str | None = None,
    embedding: MiniLmEmbedding | None = None,
) -> KnowledgeBase:
    """Open the store (server when `chroma_url`, else the folder) and pair it with a library repository."""
    return KnowledgeBase(open_store(path=chroma_path, url=chroma_url, embedding=embedding), libraries)


# The two below read an already loaded library, for a caller that holds one for a whole task
# (the orchestrator drafts a brief from one library read, not one per platform).


def library_facts(
    library: KnowledgeLibrary, *, product_ids: Sequence[str] | None = None, on: date
) -> ContextFacts:
    """`KnowledgeBase.facts()` of a library in hand: unknown product ids are refused."""
    wanted = list(product_ids) if product_ids is not None else None
    if unknown := sorted(set(wanted or ()) - {p.id for p in library.products}):
        raise UnknownProduct(f"unknown product ids: {', '.join(unknown)}")
    return context_facts(library, on=on, product_ids=wanted)


def library_disclaimers(
    library: KnowledgeLibrary,
    *,
    content_type: ContentType | None = None,
    platforms: Sequence[Platform] | None = None,
    topics: Sequence[str] = (),
    product_ids: Sequence[str] = (),
) -> list[Disclaimer]:
    """`KnowledgeBase.required_disclaimers()` of a library in hand: those that apply to this
    content on any of `platforms`."""
    products = [p for p in library.products if p.id in set(product_ids)]
    all_topics = set(topics).union(*(p.topics for p in products))
    kinds = {p.kind for p in products}
    return [
        d
        for d in library.disclaimers
        if any(
            d.applies(content_type=content_type, platform=platform, topics=all_topics, product_kinds=kinds)
            for platform in (list(platforms) if platforms else [None])
        )
    ]
