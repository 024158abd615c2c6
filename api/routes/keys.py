"""API keys of the caller's organisation (admin only). A new key's secret is returned once."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AdminPrincipal, SessionDep
from api.keyring import LastAdminKeyError, issue_key, revoke_key
from api.problems import CONFLICT_RESPONSE, ProblemError
from api.routes import v1_router
from api.store.models import Role
from api.store.repositories import ApiKeyRepository

router = v1_router("keys", tag="keys")


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1, max_length=100, description="What the key is for, e.g. 'WordPress plugin'."
    )
    role: Role


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: Role
    prefix: str = Field(description="The key's first characters, to recognise it; not enough to use it.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret. Shown only in this response; store it now.")


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


@router.get("", summary="List the organisation's keys")
def list_keys(session: SessionDep, principal: AdminPrincipal) -> ApiKeyList:
    keys = ApiKeyRepository(session).list_for(principal.organisation_id)
    return ApiKeyList(items=[ApiKeyOut.model_validate(key) for key in keys])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a key (the secret is returned once)")
def create_key(
    body: ApiKeyCreate, session: SessionDep, principal: AdminPrincipal, response: Response
) -> ApiKeyCreated:
    api_key, secret = issue_key(
        session,
        organisation_id=principal.organisation_id,
        role=body.role,
        name=body.name,
        actor=principal.actor,
    )
    session.commit()
    response.headers["Location"] = f"{router.prefix}/{api_key.id}"
    response.headers["Cache-Control"] = "no-store"  # the body holds a secret
    return ApiKeyCreated(**ApiKeyOut.model_validate(api_key).model_dump(), key=secret)


@router.get("/{key_id}", summary="One key of the organisation")
def read_key(key_id: uuid.UUID, session: SessionDep, principal: AdminPrincipal) -> ApiKeyOut:
    api_key = ApiKeyRepository(session).get(principal.organisation_id, key_id)
    if api_key is None:
        raise ProblemError(404, "No such key in this organisation.")
    return ApiKeyOut.model_validate(api_key)


@router.delete(
    "/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=CONFLICT_RESPONSE,
    summary="Revoke a key (repeating it is harmless)",
)
def revoke(key_id: uuid.UUID, session: SessionDep, principal: AdminPrincipal) -> None:
    api_key = ApiKeyRepository(session).get(principal.organisation_id, key_id)
    if api_key is None:
        raise ProblemError(404, "No such key in this organisation.")
    try:
        revoke_key(session, api_key, actor=principal.actor)
    except LastAdminKeyError as exc:
        raise ProblemError(
            409, "This is the organisation's last active admin key; create another first."
        ) from exc
    session.commit()
