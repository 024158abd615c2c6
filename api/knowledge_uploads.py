"""Storing one uploaded knowledge document, for the API route and the web page alike.

Refuses by size before reading the whole file, refuses a document id that belongs
to a library item, ingests (knowledge/ checks type and content before writing) and
leaves an audit event of ids and counts. Errors are `KnowledgeError`s (their
messages never quote the file) or `UploadRefused` with a status and a fixed message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from api.keyring import Actor
from api.knowledge_base import audit_subject, document_limits
from api.services import Services
from api.store.library_repository import knowledge_org
from api.store.repositories import AuditRepository
from knowledge.ingest.pipeline import IngestResult, ingest_bytes
from knowledge.models import DocumentInfo, DocumentTags, Origin


class UploadRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class UploadedFile:
    stream: BinaryIO
    filename: str
    media_type: str | None
    size: int | None  # as the multipart parser recorded it, when it did


def store_upload(
    session: Session,
    services: Services,
    *,
    organisation_id: uuid.UUID,
    actor: Actor,
    upload: UploadedFile,
    tags: DocumentTags,
    doc_id: str | None,
) -> tuple[IngestResult, DocumentInfo]:
    """Ingest the file as `organisation_id`'s document; commits the audit event."""
    knowledge = services.knowledge
    org = knowledge_org(organisation_id)
    limits = document_limits(services.settings)
    too_large = UploadRefused(413, f"The file is larger than the limit of {limits.max_bytes} bytes.")
    # The multipart parser has spooled the file already; refuse by size before reading it into
    # memory, and read at most one byte past the limit in case no size was recorded.
    if upload.size is not None and upload.size > limits.max_bytes:
        raise too_large
    data = upload.stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise too_large
    if doc_id is not None:
        existing = knowledge.store.document(org, doc_id)
        if existing is not None and existing.origin is Origin.LIBRARY:
            raise UploadRefused(409, "That id belongs to a library item; choose another document id.")
    result = ingest_bytes(
        knowledge.store,
        org,
        data,
        filename=upload.filename or "upload",
        media_type=upload.media_type,
        tags=tags,
        doc_id=doc_id,
        limits=limits,
    )
    info = knowledge.store.document(org, result.doc_id)
    if info is None:  # written a moment ago; only a concurrent delete gets here
        raise UploadRefused(409, "The document was deleted while it was being stored.")
    AuditRepository(session).record(
        organisation_id=organisation_id,
        event_type="knowledge_document.ingested",
        subject_type="knowledge_document",
        subject_id=audit_subject(result.doc_id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={
            "doc_id": result.doc_id,
            "version": result.version,
            "status": result.status.value,
            "kind": info.kind.value,
            "chunks": result.chunk_count,
        },
    )
    session.commit()
    return result, info
