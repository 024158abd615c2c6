"""Ingest a file into an organisation's knowledge: check, parse, chunk, embed, store.

Every check happens before the store is touched, so a rejected file leaves it
unchanged. Idempotency rests on an ingest key: the sha256 of the bytes plus
every option that shapes the chunks (tags, chunking, parser version). The same
key as the stored version means nothing to do; a different one writes the next
version and removes the old chunks.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path, PurePath

from pydantic import BaseModel, ConfigDict, Field

from knowledge.errors import DocumentTooLarge, EmptyDocument, InvalidDocumentId
from knowledge.ingest.chunking import ChunkingOptions, chunk_document
from knowledge.ingest.parsers import detect_media_type, parse
from knowledge.models import ChunkDraft, DocumentInfo, DocumentTags, Origin
from knowledge.store import KnowledgeStore, validate_doc_id

# Bump when parsing or chunking changes what a file turns into: every file then re-ingests once.
PIPELINE_VERSION = 1
MIB = 1024 * 1024


class IngestLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_bytes: int = Field(default=10 * MIB, gt=0)
    max_chunks: int = Field(default=2_000, gt=0)


class IngestStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class IngestResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    doc_id: str
    version: int
    status: IngestStatus
    chunk_count: int
    title: str
    content_hash: str


def doc_id_from_filename(filename: str) -> str:
    stem = PurePath(filename).stem.lower()
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-._")[:120]
    if not slug:
        raise InvalidDocumentId("a document id is needed: the file name has no usable characters")
    return slug


def ingest_key(content_hash: str, tags: DocumentTags, extra: dict[str, object]) -> str:
    payload = {"content": content_hash, "tags": tags.model_dump(mode="json"), "pipeline": PIPELINE_VERSION}
    encoded = json.dumps(payload | extra, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def store_chunks(
    store: KnowledgeStore,
    org: str,
    *,
    doc_id: str,
    tags: DocumentTags,
    chunks: list[ChunkDraft],
    title: str,
    source_name: str,
    media_type: str,
    content_hash: str,
    key: str,
    origin: Origin,
    now: datetime | None = None,
) -> IngestResult:
    """Write chunks as the next version of a document unless the stored version has the same key."""
    validate_doc_id(doc_id)
    existing = store.document(org, doc_id)
    if existing is not None and existing.ingest_key == key:
        return _result(existing, IngestStatus.UNCHANGED)
    if not chunks:
        raise EmptyDocument("the document contains no text")
    info = DocumentInfo(
        doc_id=doc_id,
        version=existing.version + 1 if existing else 1,
        kind=tags.kind,
        title=title,
        origin=origin,
        source_name=source_name,
        media_type=media_type,
        content_hash=content_hash,
        ingest_key=key,
        chunk_count=len(chunks),
        platforms=tags.platforms,
        topics=tags.topics,
        product_ids=tags.product_ids,
        effective=tags.effective,
        expires=tags.expires,
        ingested_at=now or datetime.now(UTC),
    )
    store.write_document(org, info, chunks)
    return _result(info, IngestStatus.UPDATED if existing else IngestStatus.CREATED)


def _result(info: DocumentInfo, status: IngestStatus) -> IngestResult:
    return IngestResult(
        doc_id=info.doc_id,
        version=info.version,
        status=status,
        chunk_count=info.chunk_count,
        title=info.title,
        content_hash=info.content_hash,
    )


def ingest_bytes(
    store: KnowledgeStore,
    org: str,
    data: bytes,
    *,
    filename: str,
    tags: DocumentTags,
    doc_id: str | None = None,
    media_type: str | None = None,
    limits: IngestLimits | None = None,
    chunking: ChunkingOptions | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Ingest one uploaded file. Raises a KnowledgeError (with a stable `kind`) on a bad file."""
    limits = limits or IngestLimits()
    chunking = chunking or ChunkingOptions()
    if not data.strip():
        raise EmptyDocument("the file is empty")
    if len(data) > limits.max_bytes:
        raise DocumentTooLarge(f"the file is larger than the limit of {limits.max_bytes} bytes")
    media = detect_media_type(filename, media_type, data)
    doc_id = validate_doc_id(doc_id or doc_id_from_filename(filename))
    content_hash = hashlib.sha256(data).hexdigest()
    key = ingest_key(content_hash, tags, {"chunking": chunking.model_dump(), "media_type": media})
    existing = store.document(org, doc_id)
    if existing is not None and existing.ingest_key == key:
        return _result(existing, IngestStatus.UNCHANGED)  # skip parsing and embedding entirely
    parsed = parse(data, media)
    chunks = chunk_document(parsed, chunking)
    if len(chunks) > limits.max_chunks:
        raise DocumentTooLarge(f"the document makes more than {limits.max_chunks} chunks")
    return store_chunks(
        store,
        org,
        doc_id=doc_id,
        tags=tags,
        chunks=chunks,
        title=tags.title or parsed.title or PurePath(filename).stem,
        source_name=PurePath(filename).name,
        media_type=media,
        content_hash=content_hash,
        key=key,
        origin=Origin.UPLOAD,
        now=now,
    )


def ingest_path(
    store: KnowledgeStore,
    org: str,
    path: Path,
    *,
    tags: DocumentTags,
    doc_id: str | None = None,
    limits: IngestLimits | None = None,
    chunking: ChunkingOptions | None = None,
) -> IngestResult:
    """Ingest a file from disk (the `carepost ingest` command); the size is checked before reading."""
    limits = limits or IngestLimits()
    if path.stat().st_size > limits.max_bytes:
        raise DocumentTooLarge(f"the file is larger than the limit of {limits.max_bytes} bytes")
    return ingest_bytes(
        store,
        org,
        path.read_bytes(),
        filename=path.name,
        tags=tags,
        doc_id=doc_id,
        limits=limits,
        chunking=chunking,
    )
