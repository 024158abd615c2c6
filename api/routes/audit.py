"""The organisation's audit trail (admins and reviewers): pages newest first, and a full export."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict

from api.audit.export import MEDIA_TYPES, ExportFormat, iter_csv, iter_json
from api.deps import AuditReaderPrincipal, ServicesDep, SessionDep
from api.problems import ProblemError
from api.routes import MAX_OFFSET, v1_router
from api.store.models import utcnow
from api.store.repositories import AuditRepository

router = v1_router("audit", tag="audit")

MAX_PAGE_SIZE = 200


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_type: str
    subject_type: str
    subject_id: str
    actor_key_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    details: dict[str, Any]
    created_at: datetime


class AuditEventPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int


@router.get("/events", summary="Audit events, newest first (paginated)")
def list_events(
    session: SessionDep,
    principal: AuditReaderPrincipal,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    event_type: Annotated[str | None, Query(max_length=64, description="e.g. api_key.created")] = None,
) -> AuditEventPage:
    page = AuditRepository(session).page(
        principal.organisation_id, limit=limit, offset=offset, event_type=event_type
    )
    return AuditEventPage(
        items=[AuditEventOut.model_validate(event) for event in page.items],
        total=page.total,
        limit=limit,
        offset=offset,
    )


@router.get("/events/{event_id}", summary="One audit event")
def read_event(event_id: uuid.UUID, session: SessionDep, principal: AuditReaderPrincipal) -> AuditEventOut:
    event = AuditRepository(session).get(principal.organisation_id, event_id)
    if event is None:
        raise ProblemError(404, "No such audit event in this organisation.")
    return AuditEventOut.model_validate(event)


@router.get(
    "/export",
    summary="Every audit event of the organisation in chain order, as JSON or CSV (streamed)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def export_events(
    session: SessionDep,
    services: ServicesDep,
    principal: AuditReaderPrincipal,
    export_format: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.json,
) -> StreamingResponse:
    AuditRepository(session).record(
        organisation_id=principal.organisation_id,
        event_type="audit.exported",
        subject_type="organisation",
        subject_id=str(principal.organisation_id),
        actor_key_id=principal.key_id,
        details={"format": export_format.value},
    )
    session.commit()
    exported_at = utcnow()
    organisation_id = principal.organisation_id

    def body() -> Iterator[str]:
        # Its own session: the request's may be closed before a long stream ends.
        with services.sessions() as export_session:
            if export_format is ExportFormat.json:
                yield from iter_json(export_session, organisation_id, exported_at=exported_at)
            else:
                yield from iter_csv(export_session, organisation_id)

    filename = f"audit-{exported_at:%Y%m%dT%H%M%SZ}.{export_format.value}"
    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
