"""The organisation's knowledge: uploaded documents, search, and the structured libraries (read-only).

Uploads and deletions are for admins; everything else for any key. A bad file
is refused before the store is touched (knowledge/ checks type, size and
content before writing), and problem responses never quote the file: uploads
may hold PHI. Audit events carry ids and counts only.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, Field, ValidationError

from api.deps import AdminPrincipal, CurrentPrincipal, Principal, ServicesDep, SessionDep
from api.knowledge_base import audit_subject
from api.knowledge_uploads import UploadedFile, UploadRefused, store_upload
from api.problems import ProblemDetail, ProblemError, problem_title
from api.routes import MAX_OFFSET, v1_router
from api.store.library_repository import knowledge_org
from api.store.repositories import AuditRepository
from guardrails.context import Platform
from knowledge.errors import KnowledgeError
from knowledge.ingest.pipeline import IngestStatus
from knowledge.libraries.models import BrandProfile, Claim, Disclaimer, KnowledgeLibrary, Product, Templates
from knowledge.models import DocumentInfo, DocumentTags, Kind, Origin, RetrievedChunk
from knowledge.retrieval import DEFAULT_K, MAX_K, KnowledgeBase

router = v1_router("knowledge", tag="knowledge")
log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_PAGE_SIZE = 200
MAX_QUERY_CHARS = 1_000

# KnowledgeError.kind -> HTTP status; the status picks the problem type (api.problems).
STATUS_BY_KIND = {
    "unsupported_document_type": 415,
    "empty_document": 422,
    "unparsable_document": 422,
    "invalid_library": 422,
    "invalid_document_id": 422,
    "document_too_large": 413,
    "document_not_found": 404,
    "unknown_product": 404,
    "store_unavailable": 503,
    "embedding_model_unavailable": 503,
}
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemDetail, "description": problem_title(status)} for status in (409, 415, 503)
}


def get_knowledge(services: ServicesDep) -> KnowledgeBase:
    return services.knowledge


KnowledgeDep = Annotated[KnowledgeBase, Depends(get_knowledge)]


def knowledge_problem(exc: KnowledgeError) -> ProblemError:
    """The problem for a knowledge error; its message is written to be safe to return."""
    status = STATUS_BY_KIND.get(exc.kind)
    if status is None:
        log.error("unexpected knowledge error", extra={"kind": exc.kind})
        return ProblemError(500, "The knowledge base could not complete the request.")
    return ProblemError(status, exc.message)


# --- documents -------------------------------------------------------------------


class DocumentOut(BaseModel):
    doc_id: str
    version: int
    kind: Kind
    title: str
    origin: Origin
    source_name: str
    media_type: str
    content_hash: str
    chunk_count: int
    platforms: list[Platform]
    topics: list[str]
    product_ids: list[str]
    effective: date | None
    expires: date | None
    ingested_at: datetime

    @classmethod
    def of(cls, info: DocumentInfo) -> DocumentOut:
        return cls.model_validate(info.model_dump(exclude={"ingest_key"}))


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int


class UploadOut(BaseModel):
    status: IngestStatus = Field(description="created, updated (a new version) or unchanged (same file)")
    document: DocumentOut


def _listed(values: list[str]) -> list[str]:
    """Repeated form fields, each of which may also hold a comma-separated list."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@router.post(
    "/documents",
    summary="Upload a Markdown, text, HTML or PDF document (admin); re-uploading the same file changes nothing",
    status_code=201,
    responses={
        200: {"model": UploadOut, "description": "Updated (a new version) or unchanged"},
        **UPLOAD_RESPONSES,
    },
)
def upload_document(
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    principal: AdminPrincipal,
    file: Annotated[UploadFile, File(description="The document (.md, .txt, .html, .pdf).")],
    kind: Annotated[Kind, Form()],
    title: Annotated[str | None, Form(max_length=300)] = None,
    doc_id: Annotated[
        str | None, Form(max_length=200, description="Default: derived from the file name.")
    ] = None,
    platforms: Annotated[list[Platform], Form(description="Empty: every platform.")] = [],  # noqa: B006
    topics: Annotated[list[str], Form(description="Repeat the field or separate with commas.")] = [],  # noqa: B006
    product_ids: Annotated[list[str], Form()] = [],  # noqa: B006
    effective: Annotated[date | None, Form()] = None,
    expires: Annotated[date | None, Form()] = None,
) -> UploadOut:
    try:
        tags = DocumentTags(
            kind=kind,
            title=title,
            platforms=platforms,
            topics=_listed(topics),
            product_ids=_listed(product_ids),
            effective=effective,
            expires=expires,
        )
    except ValidationError:
        raise ProblemError(422, "The document tags are not valid.") from None
    try:
        result, info = store_upload(
            session,
            services,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            upload=UploadedFile(file.file, file.filename or "upload", file.content_type, file.size),
            tags=tags,
            doc_id=doc_id,
        )
    except UploadRefused as exc:
        raise ProblemError(exc.status, exc.message) from None
    except KnowledgeError as exc:
        raise knowledge_problem(exc) from None
    if result.status is not IngestStatus.CREATED:
        response.status_code = 200
    return UploadOut(status=result.status, document=DocumentOut.of(info))


@router.get("/documents", summary="The organisation's documents, sorted by id (paginated)")
def list_documents(
    knowledge: KnowledgeDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    kind: Kind | None = None,
    origin: Annotated[Origin | None, Query(description="upload, or library (indexed library items)")] = None,
) -> DocumentPage:
    try:
        documents = knowledge.store.documents(
            knowledge_org(principal.organisation_id), kind=kind, origin=origin
        )
    except KnowledgeError as exc:
        raise knowledge_problem(exc) from None
    return DocumentPage(
        items=[DocumentOut.of(d) for d in documents[offset : offset + limit]],
        total=len(documents),
        limit=limit,
        offset=offset,
    )


@router.delete(
    # :path because document ids may contain "/" (e.g. "policies/visitors").
    "/documents/{doc_id:path}",
    summary="Delete an uploaded document, every version (admin)",
    status_code=204,
    responses={409: UPLOAD_RESPONSES[409]},
)
def delete_document(
    doc_id: str, session: SessionDep, knowledge: KnowledgeDep, principal: AdminPrincipal
) -> Response:
    org = knowledge_org(principal.organisation_id)
    try:
        info = knowledge.store.document(org, doc_id)
        if info is None:
            raise ProblemError(404, "No such document in this organisation.")
        if info.origin is Origin.LIBRARY:
            # Library items are indexed from the library; deleting one here would be undone by the next edit.
            raise ProblemError(409, "This document is indexed from the library; change the library instead.")
        removed = knowledge.store.delete_document(org, doc_id)
    except KnowledgeError as exc:
        raise knowledge_problem(exc) from None
    AuditRepository(session).record(
        organisation_id=principal.organisation_id,
        event_type="knowledge_document.deleted",
        subject_type="knowledge_document",
        subject_id=audit_subject(doc_id),
        actor_key_id=principal.key_id,
        details={"doc_id": doc_id, "version": info.version, "chunks": removed},
    )
    session.commit()
    return Response(status_code=204)


# --- search ------------------------------------------------------------------------


class SearchOut(BaseModel):
    chunks: list[RetrievedChunk] = Field(description="Best first, each cited to its document and version")


@router.get("/search", summary="Passages closest in meaning to a query, in force today")
def search(
    knowledge: KnowledgeDep,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
    kinds: Annotated[list[Kind] | None, Query(description="Only these kinds (repeat the parameter).")] = None,
    platform: Annotated[Platform | None, Query(description="Passages for this platform or all.")] = None,
    product_ids: Annotated[
        list[str] | None, Query(description="Those products' passages and general ones.")
    ] = None,
    k: Annotated[int, Query(ge=1, le=MAX_K)] = DEFAULT_K,
) -> SearchOut:
    try:
        bundle = knowledge.retrieve(
            knowledge_org(principal.organisation_id),
            q,
            kinds=kinds,
            platforms=[platform] if platform else None,
            product_ids=product_ids,
            k=k,
        )
    except KnowledgeError as exc:
        raise knowledge_problem(exc) from None
    return SearchOut(chunks=bundle.chunks)


# --- structured libraries (read-only) ------------------------------------------------


class Items(BaseModel, Generic[T]):
    items: list[T]


def _library(knowledge: KnowledgeBase, principal: Principal) -> KnowledgeLibrary | None:
    try:
        return knowledge.library(knowledge_org(principal.organisation_id))
    except KnowledgeError as exc:
        raise knowledge_problem(exc) from None


@router.get("/products", summary="Products in the organisation's library")
def list_products(knowledge: KnowledgeDep, principal: CurrentPrincipal) -> Items[Product]:
    library = _library(knowledge, principal)
    return Items[Product](items=library.products if library else [])


@router.get("/claims", summary="Approved claims in the organisation's library")
def list_claims(
    knowledge: KnowledgeDep,
    principal: CurrentPrincipal,
    usable_on: Annotated[
        date | None, Query(description="Only claims approved and in force on this date.")
    ] = None,
    product_id: Annotated[str | None, Query(max_length=80, description="Only this product's claims.")] = None,
) -> Items[Claim]:
    library = _library(knowledge, principal)
    claims = library.claims if library else []
    if usable_on is not None:
        claims = [c for c in claims if c.usable_on(usable_on)]
    if product_id is not None:
        claims = [c for c in claims if c.product_id == product_id]
    return Items[Claim](items=claims)


@router.get("/disclaimers", summary="Disclaimers and when each is required")
def list_disclaimers(knowledge: KnowledgeDep, principal: CurrentPrincipal) -> Items[Disclaimer]:
    library = _library(knowledge, principal)
    return Items[Disclaimer](items=library.disclaimers if library else [])


@router.get("/brand", summary="The brand profile: names, voice, terms, locations, staff directory")
def read_brand(knowledge: KnowledgeDep, principal: CurrentPrincipal) -> BrandProfile:
    library = _library(knowledge, principal)
    if library is None:
        raise ProblemError(404, "This organisation has no knowledge library yet.")
    return library.brand


@router.get("/templates", summary="Crisis and review-reply templates and the observance calendar")
def read_templates(knowledge: KnowledgeDep, principal: CurrentPrincipal) -> Templates:
    library = _library(knowledge, principal)
    return library.templates if library else Templates()
