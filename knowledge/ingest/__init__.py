"""Ingestion of Markdown, plain text, HTML and PDF files into the knowledge store."""

from knowledge.ingest.chunking import ChunkingOptions, chunk_document
from knowledge.ingest.parsers import SUPPORTED, ParsedDocument, Section, detect_media_type, parse
from knowledge.ingest.pipeline import (
    IngestLimits,
    IngestResult,
    IngestStatus,
    doc_id_from_filename,
    ingest_bytes,
    ingest_path,
    store_chunks,
)

__all__ = [
    "SUPPORTED",
    "ChunkingOptions",
    "IngestLimits",
    "IngestResult",
    "IngestStatus",
    "ParsedDocument",
    "Section",
    "chunk_document",
    "detect_media_type",
    "doc_id_from_filename",
    "ingest_bytes",
    "ingest_path",
    "parse",
    "store_chunks",
]
