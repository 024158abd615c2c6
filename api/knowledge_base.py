"""The knowledge base one app instance (or one CLI command) works with.

The embedding model is the expensive part (ONNX session, about 0.3 s and 90 MB);
it is loaded once per process and passed in, so tests share one across apps.
The chroma store and the SQL library repository are opened per app: embedded
chroma in `settings.chroma_path`, or a `chroma run` server at `settings.chroma_url`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.bootstrap import load_default_knowledge
from api.settings import Settings
from api.store.library_repository import SqlLibraryRepository
from api.store.migrate import is_at_head
from knowledge.ingest.pipeline import IngestLimits
from knowledge.retrieval import KnowledgeBase
from knowledge.store import open_store

if TYPE_CHECKING:
    from knowledge.embeddings import MiniLmEmbedding

log = logging.getLogger(__name__)
SUBJECT_ID_LENGTH = 64  # audit_events.subject_id


def open_knowledge_base(
    settings: Settings, sessions: sessionmaker[Session], embedding: MiniLmEmbedding | None = None
) -> KnowledgeBase:
    """Open the store and pair it with the organisation libraries kept in the database."""
    if embedding is None:
        from knowledge.embeddings import load_embedding_function

        embedding = load_embedding_function()
    store = open_store(path=settings.chroma_path, url=settings.chroma_url, embedding=embedding)
    return KnowledgeBase(store, SqlLibraryRepository(sessions))


def document_limits(settings: Settings) -> IngestLimits:
    """Per-document limits: knowledge's default, but never above what a request body may carry."""
    return IngestLimits(max_bytes=min(IngestLimits().max_bytes, settings.max_body_bytes))


def audit_subject(doc_id: str) -> str:
    """A document's audit subject id: ids may be 200 characters, the audit column holds 64."""
    if len(doc_id) <= SUBJECT_ID_LENGTH:
        return doc_id
    return doc_id[:40] + "~" + hashlib.sha256(doc_id.encode()).hexdigest()[:23]


def prepare_default_knowledge(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], knowledge: KnowledgeBase
) -> None:
    """At app start: give the default organisation the default pack, once (see api.bootstrap).

    A database that is unreachable or not migrated yet is left to /readyz to report;
    the pack then loads on the first start after `carepost db upgrade`.
    """
    if not settings.bootstrap:
        return
    try:
        ready = is_at_head(engine)
    except SQLAlchemyError as exc:
        log.warning("default knowledge not loaded: database unreachable", extra={"error": type(exc).__name__})
        return
    if not ready:
        log.warning("default knowledge not loaded: database schema not current")
        return
    report = load_default_knowledge(sessions, knowledge, settings)
    if report is not None:
        log.info(
            "default knowledge pack loaded",
            extra={"pack_version": report.version, "documents": len(report.documents)},
        )
