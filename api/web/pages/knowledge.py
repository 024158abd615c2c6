"""The knowledge page: the organisation's documents and structured libraries; admins upload here.

Uploads go through `api.knowledge_uploads.store_upload`, as the API's do. Messages
about a refused file are knowledge's own (they never quote the file).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends, File, Request, Response, UploadFile
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.deps import ServicesDep, SessionDep
from api.knowledge_uploads import UploadedFile, UploadRefused, store_upload
from api.routes.knowledge import STATUS_BY_KIND
from api.services import Services
from api.store.library_repository import knowledge_org
from api.store.models import Role
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.principal import KnowledgeAdmin, Reader, WebPrincipal
from api.web.templating import render
from guardrails.context import Platform
from knowledge.errors import KnowledgeError
from knowledge.models import DocumentTags, Kind

router = web_router()
EXPIRING_WITHIN = timedelta(days=30)


def _page(
    request: Request,
    services: Services,
    principal: WebPrincipal,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    org = knowledge_org(principal.organisation_id)
    try:
        documents = services.knowledge.store.documents(org)
        library = services.knowledge.library(org)
    except KnowledgeError:
        raise WebPageError(503, "The knowledge base cannot be read right now; try again shortly.") from None
    today = date.today()
    context: dict[str, Any] = {
        "documents": documents,
        "library": library,
        "today": today,
        "expiring_by": today + EXPIRING_WITHIN,
        "kinds": list(Kind),
        "platforms": list(Platform),
        "can_upload": principal.role is Role.admin,
        "notice": notice,
        "error": error,
    }
    return render(request, "knowledge.html", context, status=status)


@router.get("/knowledge")
def knowledge_page(request: Request, services: ServicesDep, principal: Reader) -> Response:
    return _page(request, services, principal)


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


@router.post("/knowledge/documents")
def upload(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    principal: KnowledgeAdmin,
    submitted: Annotated[FormData, Depends(form_data)],
    # Declared so FastAPI owns the parsed form and closes its spooled files after the response.
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None or not file.filename:
        return _page(request, services, principal, error="Choose a file to upload.", status=422)
    try:
        tags = DocumentTags.model_validate(
            {
                "kind": _text(submitted, "kind"),
                "title": _text(submitted, "title"),
                "platforms": [p for p in submitted.getlist("platforms") if isinstance(p, str)],
                "topics": [t.strip() for t in (_text(submitted, "topics") or "").split(",") if t.strip()],
                "effective": _text(submitted, "effective"),
                "expires": _text(submitted, "expires"),
            }
        )
    except ValidationError:
        return _page(
            request,
            services,
            principal,
            error="Choose a kind, and check the platforms and dates.",
            status=422,
        )
    try:
        result, info = store_upload(
            session,
            services,
            organisation_id=principal.organisation_id,
            actor=principal.actor,
            upload=UploadedFile(file.file, file.filename, file.content_type, file.size),
            tags=tags,
            doc_id=_text(submitted, "doc_id"),
        )
    except UploadRefused as exc:
        return _page(request, services, principal, error=exc.message, status=exc.status)
    except KnowledgeError as exc:
        return _page(
            request, services, principal, error=exc.message, status=STATUS_BY_KIND.get(exc.kind, 422)
        )
    notice = f"{info.title}: {result.status.value}, version {result.version}, {result.chunk_count} passages."
    return _page(
        request, services, principal, notice=notice, status=201 if result.status.value == "created" else 200
    )
