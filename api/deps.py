"""Request dependencies as `Annotated` aliases, so a route's signature lists what it needs.

def list_keys(session: SessionDep, principal: AdminPrincipal) -> ...
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.keyring import Actor, authenticate
from api.problems import ProblemError
from api.ratelimit import RateLimitStoreUnavailable
from api.services import Services
from api.store.models import Role, utcnow
from api.workflow.actor import WorkflowActor


def get_services(request: Request) -> Services:
    services = getattr(request.app.state, "services", None)
    if not isinstance(services, Services):
        raise RuntimeError("services are built by the app lifespan; it has not run")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with services.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer cp_...`.")


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key, its organisation and role. The organisation scopes every query."""

    key_id: uuid.UUID
    organisation_id: uuid.UUID
    role: Role
    key_name: str

    @property
    def actor(self) -> Actor:
        return Actor(source="api", key_id=self.key_id)

    @property
    def workflow_actor(self) -> WorkflowActor:
        return WorkflowActor(organisation_id=self.organisation_id, role=self.role, key_id=self.key_id)


def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise ProblemError(
            401, "Send an API key as `Authorization: Bearer <key>`.", headers={"WWW-Authenticate": "Bearer"}
        )
    api_key = authenticate(session, credentials.credentials, utcnow())
    if api_key is None:
        raise ProblemError(
            401,
            "The API key is not valid or has been revoked.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    session.commit()  # keeps last_used_at, which authenticate() may have updated
    return Principal(
        key_id=api_key.id,
        organisation_id=api_key.organisation_id,
        role=Role(api_key.role),
        key_name=api_key.name,
    )


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def enforce_rate_limit(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> None:
    """Count this request against its key's budget for the route; over budget -> 429 with Retry-After.

    Keyed by the API key, so an organisation's keys do not starve each other; if the
    shared store is unreachable the request is refused (503), never let through unlimited.
    """
    limiter = services.rate_limiter
    if limiter is None:
        return
    route = getattr(request.scope.get("route"), "path", request.url.path)
    try:
        decision = limiter.hit(str(principal.key_id), request.method, route)
    except RateLimitStoreUnavailable as exc:
        raise ProblemError(503, "Rate limits cannot be checked right now; retry shortly.") from exc
    if not decision.allowed:
        raise ProblemError(
            429,
            f"This key's limit for this endpoint is {decision.limit.per_minute} requests a minute "
            f"(bursts of {decision.limit.burst}); retry after the Retry-After seconds.",
            headers={"Retry-After": decision.retry_after_header},
        )


def require_roles(*roles: Role) -> Any:
    """A dependency admitting only keys with one of `roles`; others get 403.

    Use it in an alias: `AdminPrincipal = Annotated[Principal, require_roles(Role.admin)]`.
    """
    allowed = frozenset(roles)
    needed = ", ".join(sorted(role.value for role in allowed))

    def check_role(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise ProblemError(403, f"This endpoint needs a key with one of the roles: {needed}.")
        return principal

    return Depends(check_role)


AdminPrincipal = Annotated[Principal, require_roles(Role.admin)]
AuditReaderPrincipal = Annotated[Principal, require_roles(Role.admin, Role.reviewer)]
IntegrationPrincipal = Annotated[Principal, require_roles(Role.admin, Role.integration)]
