"""The consent registry over HTTP: reviewers and admins record and revoke, marketers read."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Response, status

from api.consents import registry
from api.consents.schemas import ConsentCreate, ConsentOut, ConsentPage, ConsentRevoke, ConsentStatus
from api.deps import Principal, ServicesDep, SessionDep, require_roles
from api.problems import CONFLICT_RESPONSE, ProblemError
from api.routes import MAX_OFFSET, v1_router
from api.store.consent_models import ConsentRow
from api.store.models import Role, utcnow

router = v1_router("consents", tag="consents")

MAX_PAGE_SIZE = 200
ConsentWriter = Annotated[Principal, require_roles(Role.reviewer, Role.admin)]
ConsentReader = Annotated[Principal, require_roles(Role.marketer, Role.reviewer, Role.admin)]


def _found(session: SessionDep, principal: Principal, consent_id: uuid.UUID) -> ConsentRow:
    row = registry.get(session, principal.organisation_id, consent_id)
    if row is None:
        raise ProblemError(404, "No such consent in this organisation.")
    return row


@router.post("", status_code=status.HTTP_201_CREATED, summary="Record a signed patient authorisation")
def create_consent(
    body: ConsentCreate, session: SessionDep, principal: ConsentWriter, response: Response
) -> ConsentOut:
    today = utcnow().date()
    if body.signed_on > today:
        raise ProblemError(422, "signed_on is in the future.")
    row = registry.create(session, principal.organisation_id, body, actor=principal.actor)
    session.commit()
    response.headers["Location"] = f"{router.prefix}/{row.id}"
    return registry.to_out(row, today)


@router.get("", summary="The organisation's consents, newest first (paginated)")
def list_consents(
    session: SessionDep,
    principal: ConsentReader,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    consent_status: Annotated[ConsentStatus | None, Query(alias="status")] = None,
) -> ConsentPage:
    today = utcnow().date()
    page = registry.listing(
        session, principal.organisation_id, on=today, limit=limit, offset=offset, status=consent_status
    )
    return ConsentPage(
        items=[registry.to_out(row, today) for row in page.items],
        total=page.total,
        limit=limit,
        offset=offset,
    )


@router.get("/{consent_id}", summary="One consent")
def read_consent(consent_id: uuid.UUID, session: SessionDep, principal: ConsentReader) -> ConsentOut:
    return registry.to_out(_found(session, principal, consent_id), utcnow().date())


@router.post(
    "/{consent_id}/revoke",
    summary="Revoke a consent; content that used it goes back to review",
    responses=CONFLICT_RESPONSE,
)
def revoke_consent(
    consent_id: uuid.UUID,
    body: ConsentRevoke,
    session: SessionDep,
    services: ServicesDep,
    principal: ConsentWriter,
) -> ConsentOut:
    row = _found(session, principal, consent_id)
    try:
        registry.revoke(session, row, body.reason, actor=principal.actor, handler=services.consent_withdrawal)
    except registry.ConsentAlreadyRevokedError:
        raise ProblemError(409, "This consent is already revoked.") from None
    session.commit()
    return registry.to_out(row, utcnow().date())
