"""The chroma-backed chunk store: one collection per organisation.

`open_store()` chooses the client: an embedded `PersistentClient` in a data
folder (one process), or an `HttpClient` to a `chroma run` server (required as
soon as several workers share the knowledge base). The `KnowledgeStore`
constructor does no I/O, so it can be built in tests around any client.

A document version is a set of chunks whose ids carry the version; the first
chunk (index 0) also carries the document's description, so listing documents
needs no second table. Writing a new version adds its chunks first and then
removes older versions: a failed write never leaves a document without chunks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from guardrails.context import Platform
from knowledge.errors import DocumentNotFound, InvalidDocumentId, StoreUnavailable
from knowledge.filters import ChunkFilter
from knowledge.models import (
    ANY,
    NO_END,
    NO_START,
    ChunkDraft,
    Citation,
    DocumentInfo,
    Kind,
    Origin,
    RetrievedChunk,
    date_key,
    key_date,
    org_key,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from knowledge.embeddings import MiniLmEmbedding

COLLECTION_PREFIX = "carepost-org"
DOC_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$")
_HEAD = 0  # chunk index that carries the document description
# Filtered queries first look at this many nearest chunks (k x 5, within 40..100): an
# unfiltered search of 50 costs about 5 ms on 10,000 chunks, a broad chroma filter 40-70 ms.
CANDIDATES_PER_RESULT = 5
MIN_CANDIDATES = 40
MAX_CANDIDATES = 100


def collection_name(org: str) -> str:
    """A valid chroma collection name (3-512 of [a-zA-Z0-9._-]) per organisation."""
    return f"{COLLECTION_PREFIX}-{org_key(org)}"


def validate_doc_id(doc_id: str) -> str:
    if not DOC_ID_PATTERN.match(doc_id):
        raise InvalidDocumentId("document ids are 1-200 letters, digits and . _ : / -")
    return doc_id


def _chunk_id(doc_id: str, version: int, index: int) -> str:
    return f"{doc_id}::v{version}::{index:05d}"


def _chunk_metadata(info: DocumentInfo, chunk: ChunkDraft, index: int) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": info.doc_id,
        "doc_version": info.version,
        "doc_title": info.title,
        "kind": info.kind.value,
        "origin": info.origin.value,
        "chunk_index": index,
        "heading": chunk.heading,
        "platforms": [p.value for p in info.platforms] or [ANY],
        "topics": list(info.topics) or [ANY],
        "product_ids": list(info.product_ids) or [ANY],
        "effective": date_key(info.effective, NO_START),
        "expires": date_key(info.expires, NO_END),
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    if index == _HEAD:
        meta |= {
            "source_name": info.source_name,
            "media_type": info.media_type,
            "content_hash": info.content_hash,
            "ingest_key": info.ingest_key,
            "chunk_count": info.chunk_count,
            "ingested_at": info.ingested_at.isoformat(),
        }
    return meta


def _tags(meta: dict[str, Any], field: str) -> list[str]:
    values = meta.get(field) or []
    return [str(v) for v in values if v != ANY]


def _document_info(meta: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(
        doc_id=meta["doc_id"],
        version=meta["doc_version"],
        kind=Kind(meta["kind"]),
        title=meta["doc_title"],
        origin=Origin(meta["origin"]),
        source_name=meta["source_name"],
        media_type=meta["media_type"],
        content_hash=meta["content_hash"],
        ingest_key=meta["ingest_key"],
        chunk_count=meta["chunk_count"],
        platforms=[Platform(p) for p in _tags(meta, "platforms")],
        topics=_tags(meta, "topics"),
        product_ids=_tags(meta, "product_ids"),
        effective=key_date(meta.get("effective")),
        expires=key_date(meta.get("expires")),
        ingested_at=datetime.fromisoformat(meta["ingested_at"]),
    )


class KnowledgeStore:
    """Chunks and document descriptions for every organisation, in chroma."""

    def __init__(self, client: Any, embedding: MiniLmEmbedding) -> None:
        self._client = client
        self._embedding = embedding
        # Collection handles are cheap to keep and cost a round trip each over HTTP.
        self._collections: dict[str, Any] = {}

    @property
    def embedding(self) -> MiniLmEmbedding:
        return self._embedding

    def _collection(self, org: str) -> Any:
        name = collection_name(org)
        if name not in self._collections:
            # Our embedding function every time: chroma's default would download a model.
            self._collections[name] = self._client.get_or_create_collection(
                name=name, embedding_function=self._embedding, metadata={"carepost_org": org}
            )
        return self._collections[name]

    def close(self) -> None:
        """Release the client (SQLite handles or HTTP connections); the store is unusable afterwards."""
        self._collections.clear()
        # chroma (1.5) stops a client's systems (its own and its admin client's) when the last
        # user closes, but the HTTP component never closes its httpx session: sockets stay open.
        servers = [getattr(self._client, "_server", None)]
        servers.append(getattr(getattr(self._client, "_admin_client", None), "_server", None))
        close = getattr(self._client, "close", None)
        if callable(close):
            close()
        for server in servers:
            session = getattr(server, "_session", None)
            if session is not None and getattr(server, "_running", True) is False:
                session.close()

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def heartbeat(self) -> int:
        try:
            return int(self._client.heartbeat())
        except Exception as exc:
            raise StoreUnavailable("the knowledge store does not answer") from exc

    def count(self, org: str) -> int:
        return int(self._collection(org).count())

    def drop_organisation(self, org: str) -> None:
        name = collection_name(org)
        self._collections.pop(name, None)
        if name in {c.name for c in self._client.list_collections()}:
            self._client.delete_collection(name)

    # -- documents -----------------------------------------------------------

    def _heads(self, org: str, where: dict[str, Any]) -> list[DocumentInfo]:
        clause = {"$and": [{"chunk_index": _HEAD}, where]} if where else {"chunk_index": _HEAD}
        result = self._collection(org).get(where=clause, include=["metadatas"])
        latest: dict[str, DocumentInfo] = {}
        for meta in result["metadatas"] or []:
            info = _document_info(dict(meta))
            # Two versions coexist only between a write and its cleanup; the newer one wins.
            if info.doc_id not in latest or latest[info.doc_id].version < info.version:
                latest[info.doc_id] = info
        return sorted(latest.values(), key=lambda i: i.doc_id)

    def document(self, org: str, doc_id: str) -> DocumentInfo | None:
        found = self._heads(org, {"doc_id": validate_doc_id(doc_id)})
        return found[0] if found else None

    def documents(
        self, org: str, *, kind: Kind | None = None, origin: Origin | None = None
    ) -> list[DocumentInfo]:
        """Every document (latest version), sorted by id; the API paginates this list."""
        clauses: list[dict[str, Any]] = []
        if kind is not None:
            clauses.append({"kind": kind.value})
        if origin is not None:
            clauses.append({"origin": origin.value})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else {})
        return self._heads(org, where)

    def chunks(self, org: str, doc_id: str) -> list[RetrievedChunk]:
        """The stored chunks of a document in order (score 1: nothing was compared)."""
        result = self._collection(org).get(
            where={"doc_id": validate_doc_id(doc_id)}, include=["metadatas", "documents"]
        )
        out = [
            _retrieved(text, dict(meta), 1.0)
            for text, meta in zip(result["documents"] or [], result["metadatas"] or [], strict=True)
        ]
        return sorted(out, key=lambda c: (c.citation.version, c.citation.chunk_index))

    def write_document(
        self,
        org: str,
        info: DocumentInfo,
        chunks: Sequence[ChunkDraft],
        *,
        vectors: NDArray[np.float32] | None = None,
    ) -> None:
        """Store a document version and then remove every other version of it.

        `vectors` are the chunks' embeddings when the caller already has them
        (the benchmark); they must come from this store's embedding function.
        """
        validate_doc_id(info.doc_id)
        if not chunks or len(chunks) != info.chunk_count:
            raise ValueError("chunk_count must equal the number of chunks, and be at least 1")
        collection = self._collection(org)
        # Embed everything before the first write: an embedding failure changes nothing.
        if vectors is None:
            vectors = self._embedding.embed([c.text for c in chunks])
        elif vectors.shape[0] != len(chunks):
            raise ValueError("one vector per chunk")
        ids = [_chunk_id(info.doc_id, info.version, i) for i in range(len(chunks))]
        metadatas = [_chunk_metadata(info, c, i) for i, c in enumerate(chunks)]
        step = max(1, int(self._client.get_max_batch_size()))
        try:
            for start in range(0, len(ids), step):
                end = start + step
                collection.upsert(
                    ids=ids[start:end],
                    embeddings=vectors[start:end],
                    documents=[c.text for c in chunks[start:end]],
                    metadatas=metadatas[start:end],
                )
        except Exception:
            collection.delete(ids=ids)
            raise
        collection.delete(where={"$and": [{"doc_id": info.doc_id}, {"doc_version": {"$ne": info.version}}]})

    def delete_document(self, org: str, doc_id: str) -> int:
        """Remove every version of a document; returns how many chunks went."""
        collection = self._collection(org)
        where = {"doc_id": validate_doc_id(doc_id)}
        ids = collection.get(where=where, include=[])["ids"]
        if not ids:
            raise DocumentNotFound("no such document")
        collection.delete(ids=ids)
        return len(ids)

    def doc_ids(self, org: str, *, origin: Origin | None = None) -> set[str]:
        return {d.doc_id for d in self.documents(org, origin=origin)}

    # -- search --------------------------------------------------------------

    def query(
        self, org: str, text: str, *, k: int = 8, where: ChunkFilter | None = None
    ) -> list[RetrievedChunk]:
        """The k chunks closest to `text` among those the filter allows, best first."""
        collection = self._collection(org)
        vector = self._embedding.embed([text])
        if where is None or where.where() is None:
            return [_retrieved(t, m, s) for t, m, s in self._nearest(collection, vector, k, None)]
        # Cheapest first (see knowledge.filters for why): the nearest chunks unfiltered, then
        # chroma filtering on everything but the dates (which match nearly every chunk), both
        # checked in Python; the full chroma filter last. If k candidates pass, they are the k
        # nearest allowed chunks; if chroma had fewer candidates than asked, the survivors are all.
        wanted = min(max(k * CANDIDATES_PER_RESULT, MIN_CANDIDATES), MAX_CANDIDATES)
        attempts: list[dict[str, Any] | None] = [None]
        if where.on is not None and replace(where, on=None).where() is not None:
            attempts.append(replace(where, on=None).where())
        for clause in attempts:
            rows = self._nearest(collection, vector, wanted, clause)
            kept = [row for row in rows if where.matches(row[1])]
            if len(kept) >= k or len(rows) < wanted:
                return [_retrieved(t, m, s) for t, m, s in kept[:k]]
        rows = self._nearest(collection, vector, k, where.where())
        return [_retrieved(t, m, s) for t, m, s in rows]

    @staticmethod
    def _nearest(
        collection: Any, vector: Any, n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, dict[str, Any], float]]:
        result = collection.query(
            query_embeddings=vector,
            n_results=max(1, n),
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        rows = zip(result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True)
        # Cosine distance is 1 - cosine similarity for our unit vectors.
        return [(text, dict(meta), 1.0 - float(distance)) for text, meta, distance in rows]


def _retrieved(text: str, meta: dict[str, Any], score: float) -> RetrievedChunk:
    return RetrievedChunk(
        text=text,
        kind=Kind(meta["kind"]),
        score=score,
        citation=Citation(
            doc_id=meta["doc_id"],
            version=meta["doc_version"],
            title=meta["doc_title"],
            heading=meta.get("heading", ""),
            chunk_index=meta["chunk_index"],
            page=meta.get("page"),
        ),
        platforms=[Platform(p) for p in _tags(meta, "platforms")],
        topics=_tags(meta, "topics"),
        product_ids=_tags(meta, "product_ids"),
    )


def _client_settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def open_store(
    *,
    path: Path | str | None = None,
    url: str | None = None,
    embedding: MiniLmEmbedding | None = None,
    headers: dict[str, str] | None = None,
) -> KnowledgeStore:
    """Open the knowledge store: a chroma server when `url` is given, else an embedded folder.

    `path` defaults to ./var/chroma (the API passes `settings.chroma_path`); the
    embedding function is loaded here unless one is passed to share.
    """
    import chromadb

    if embedding is None:
        from knowledge.embeddings import load_embedding_function

        embedding = load_embedding_function()
    try:
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise StoreUnavailable("the chroma URL must be http(s)://host[:port]")
            client = chromadb.HttpClient(
                host=parts.hostname,
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                headers=headers,
                settings=_client_settings(),
            )
        else:
            folder = Path(path) if path is not None else Path("var") / "chroma"
            folder.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(folder), settings=_client_settings())
    except StoreUnavailable:
        raise
    except Exception as exc:
        raise StoreUnavailable("could not open the knowledge store") from exc
    return KnowledgeStore(client, embedding)
