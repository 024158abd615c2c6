"""Records the store keeps and returns: documents, chunks, citations.

Dates go into chroma metadata as YYYYMMDD integers because chroma filters
compare numbers only; lists use "*" for "applies to all" because chroma refuses
empty list values and `$contains` needs something to match.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from guardrails.context import Platform
from knowledge.errors import InvalidOrganisation

ANY = "*"
NO_START = 0
NO_END = 99_991_231


def org_key(org: str) -> str:
    """A stable, name-safe key per organisation id; the hash keeps distinct ids distinct after slugging."""
    if not org or len(org) > 200:
        raise InvalidOrganisation("organisation id must be 1-200 characters")
    slug = re.sub(r"[^a-z0-9_-]+", "-", org.lower()).strip("-_")[:40] or "org"
    return f"{slug}-{hashlib.sha256(org.encode()).hexdigest()[:12]}"


class Kind(StrEnum):
    BRAND = "brand"
    POLICY = "policy"
    CLAIM = "claim"
    PRODUCT = "product"
    DISCLAIMER = "disclaimer"
    TEMPLATE = "template"
    EXAMPLE = "example"


class Origin(StrEnum):
    """Where a document came from: an uploaded file, or an item of a structured library."""

    UPLOAD = "upload"
    LIBRARY = "library"


def date_key(value: date | None, default: int) -> int:
    return default if value is None else value.year * 10_000 + value.month * 100 + value.day


def key_date(value: object) -> date | None:
    if not isinstance(value, int) or value in (NO_START, NO_END):
        return None
    return date(value // 10_000, value // 100 % 100, value % 100)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DocumentTags(_Record):
    """What a caller says about a document at ingestion; all of it filters retrieval."""

    kind: Kind
    title: str | None = Field(default=None, max_length=300)
    platforms: list[Platform] = Field(default_factory=list, description="Empty: every platform")
    topics: list[str] = Field(default_factory=list)
    product_ids: list[str] = Field(default_factory=list, description="Empty: not product-specific")
    effective: date | None = None
    expires: date | None = None


class DocumentInfo(_Record):
    """One stored document version, as listed by the API."""

    doc_id: str
    version: int
    kind: Kind
    title: str
    origin: Origin
    source_name: str
    media_type: str
    content_hash: str = Field(description="sha256 of the source bytes")
    ingest_key: str = Field(description="sha256 of the content hash and every option that shapes the chunks")
    chunk_count: int
    platforms: list[Platform] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    product_ids: list[str] = Field(default_factory=list)
    effective: date | None = None
    expires: date | None = None
    ingested_at: datetime


class ChunkDraft(_Record):
    """A chunk before it is stored: its text and where in the document it came from."""

    text: str
    heading: str = ""
    page: int | None = None


class Citation(_Record):
    doc_id: str
    version: int
    title: str
    heading: str = ""
    chunk_index: int
    page: int | None = None

    def label(self) -> str:
        where = f" › {self.heading}" if self.heading else ""
        page = f", p. {self.page}" if self.page is not None else ""
        return f"{self.title}{where} ({self.doc_id} v{self.version}{page})"


class RetrievedChunk(_Record):
    text: str
    kind: Kind
    score: float = Field(description="Cosine similarity to the query, 1 is identical")
    citation: Citation
    platforms: list[Platform] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    product_ids: list[str] = Field(default_factory=list)
