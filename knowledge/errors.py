"""Errors of the knowledge package, each with a stable `kind` the API maps to a problem type.

Messages never contain document content: an uploaded file may hold PHI, and
problem responses and logs must not echo it.
"""

from __future__ import annotations

from typing import ClassVar


class KnowledgeError(Exception):
    """Base class; `kind` is stable (API problem-type slug), `message` is safe to show."""

    kind: ClassVar[str] = "knowledge_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedDocumentType(KnowledgeError):
    kind = "unsupported_document_type"


class EmptyDocument(KnowledgeError):
    kind = "empty_document"


class DocumentTooLarge(KnowledgeError):
    kind = "document_too_large"


class UnparsableDocument(KnowledgeError):
    kind = "unparsable_document"


class DocumentNotFound(KnowledgeError):
    kind = "document_not_found"


class InvalidDocumentId(KnowledgeError):
    kind = "invalid_document_id"


class InvalidLibrary(KnowledgeError):
    """A YAML/JSON library file failed validation: refuse it rather than load half of it."""

    kind = "invalid_library"


class UnknownProduct(KnowledgeError):
    kind = "unknown_product"


class InvalidOrganisation(KnowledgeError):
    kind = "invalid_organisation"


class EmbeddingModelUnavailable(KnowledgeError):
    kind = "embedding_model_unavailable"


class StoreUnavailable(KnowledgeError):
    kind = "store_unavailable"
