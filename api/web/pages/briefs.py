"""The brief form (marketers and admins), and a brief's page: drafting progress, then its drafts."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from agents.brief import Pillar, Tone
from agents.errors import BriefRefused
from agents.replies import refuse_fabrication
from api.consents import registry
from api.consents.schemas import ConsentStatus
from api.deps import ServicesDep, SessionDep
from api.drafting.submit import IdempotencyKeyReused, Submitter, submit_brief
from api.drafting.views import brief_view, drafts_of_brief
from api.services import Services
from api.store.library_repository import knowledge_org
from api.users import reference_names
from api.web.brief_form import FORM_LEVEL, MEDIA_ROWS, BriefForm, empty_form, read_form, to_brief
from api.web.draft_display import display
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.preview import platform_family
from api.web.principal import Drafter, Reader, WebPrincipal
from api.web.templating import render
from guardrails.context import ContentType, MediaKind, Platform
from knowledge.errors import KnowledgeError

router = web_router()
# The form's own idempotency key: a double click or a reload re-posts the same brief, drafted once.
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")
CONSENTS_SHOWN = 200
FINISHED = frozenset({"succeeded", "failed"})


def _choices(services: Services, session: Any, principal: WebPrincipal) -> dict[str, Any]:
    """What the pickers offer: the library's products and the organisation's active consents."""
    try:
        library = services.knowledge.library(knowledge_org(principal.organisation_id))
    except KnowledgeError:
        library = None
    consents = registry.listing(
        session,
        principal.organisation_id,
        on=date.today(),
        limit=CONSENTS_SHOWN,
        offset=0,
        status=ConsentStatus.active,
    ).items
    return {
        "products": library.products if library else [],
        "consents": consents,
        "platforms": list(Platform),
        "content_types": list(ContentType),
        "pillars": list(Pillar),
        "tones": list(Tone),
        "media_kinds": list(MediaKind),
        "media_rows": MEDIA_ROWS,
    }


def _form_page(
    request: Request,
    services: Services,
    session: Any,
    principal: WebPrincipal,
    form: BriefForm,
    idempotency_key: str,
    status: int,
) -> Response:
    context = {
        "form": form.values,
        "errors": form.errors,
        "form_errors": form.errors.get(FORM_LEVEL, []),
        "error_count": sum(len(messages) for messages in form.errors.values()),
        "idempotency_key": idempotency_key,
        **_choices(services, session, principal),
    }
    return render(request, "brief_form.html", context, status=status)


@router.get("/briefs/new")
def new_brief(request: Request, services: ServicesDep, session: SessionDep, principal: Drafter) -> Response:
    return _form_page(request, services, session, principal, empty_form(), str(uuid.uuid4()), 200)


@router.post("/briefs")
def create_brief(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    principal: Drafter,
    submitted: Annotated[FormData, Depends(form_data)],
) -> Response:
    form = read_form(submitted)
    sent_key = submitted.get("idempotency_key")
    key = (
        sent_key if isinstance(sent_key, str) and _IDEMPOTENCY_KEY.fullmatch(sent_key) else str(uuid.uuid4())
    )
    brief = to_brief(form)
    if brief is not None:
        try:
            refuse_fabrication(brief)
        except BriefRefused as exc:
            form.error(FORM_LEVEL, exc.message)
            brief = None
    if brief is None:
        return _form_page(request, services, session, principal, form, key, 422)
    try:
        submission = submit_brief(
            session,
            services.jobs,
            submitter=Submitter(organisation_id=principal.organisation_id, user_id=principal.user_id),
            brief=brief,
            engine="modular",
            idempotency_key=f"web-{key}",
        )
    except IdempotencyKeyReused:
        form.error(
            FORM_LEVEL, "This form was already sent with other content. It has been reset: send it again."
        )
        return _form_page(request, services, session, principal, form, str(uuid.uuid4()), 422)
    if submission.created and services.workers is not None:
        services.workers.notify()
    return RedirectResponse(f"/web/briefs/{submission.brief.id}", status_code=303)


@router.get("/briefs/{brief_id}")
def brief_page(
    request: Request, brief_id: uuid.UUID, services: ServicesDep, session: SessionDep, principal: Reader
) -> Response:
    view = brief_view(session, principal.organisation_id, brief_id)
    if view is None:
        raise WebPageError(404, "There is no such brief in your organisation.")
    displays = []
    if view.job.state == "succeeded":
        family = platform_family(services.guardrails.checker)
        names = reference_names(session, principal.organisation_id)
        displays = [display(family, d, view.content_type, names) for d in drafts_of_brief(session, view.id)]
    return render(
        request,
        "brief.html",
        {"brief": view, "drafts": displays, "finished": view.job.state in FINISHED},
    )
