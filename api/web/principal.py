"""The signed-in person a page acts as: organisation, role and user id.

`WebPrincipal.workflow_actor` is the review workflow's actor (organisation, role,
user id), so the review pages call the same workflow functions as the API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from api.deps import ServicesDep, SessionDep
from api.keyring import Actor
from api.store.models import Role, utcnow
from api.web.csrf import csrf_token
from api.web.errors import SignInRequired, WebPageError
from api.web.sessions import SESSION_COOKIE, SessionPolicy, resolve_session
from api.workflow.actor import WorkflowActor


@dataclass(frozen=True)
class WebPrincipal:
    user_id: uuid.UUID
    organisation_id: uuid.UUID
    role: Role
    display_name: str
    csrf_token: str

    @property
    def actor(self) -> Actor:
        return Actor(source="web", user_id=self.user_id)

    def actor_fields(self) -> dict[str, Any]:
        return {"organisation_id": self.organisation_id, "role": self.role, "user_id": self.user_id}

    @property
    def workflow_actor(self) -> WorkflowActor:
        """This person as the review workflow's actor: the review pages call its services with it."""
        return WorkflowActor(**self.actor_fields())


def current_web_principal(request: Request, session: SessionDep, services: ServicesDep) -> WebPrincipal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired
    found = resolve_session(
        session, token, now=utcnow(), policy=SessionPolicy.from_settings(services.settings)
    )
    session.commit()  # keeps last_seen_at, or the removal of an expired session
    if found is None:
        raise SignInRequired
    _, user = found
    try:
        role = Role(user.role)
    except ValueError:
        raise WebPageError(403, "This account has no role the web pages know.") from None
    principal = WebPrincipal(
        user_id=user.id,
        organisation_id=user.organisation_id,
        role=role,
        display_name=user.display_name,
        csrf_token=csrf_token(services.settings.secret_key.get_secret_value(), token),
    )
    request.state.web_principal = principal  # for the page layout (navigation, sign-out form)
    return principal


SignedIn = Annotated[WebPrincipal, Depends(current_web_principal)]


def require_web_roles(*roles: Role) -> Any:
    """A dependency admitting signed-in people with one of `roles`; others get a 403 page."""
    allowed = frozenset(roles)

    def check(principal: SignedIn) -> WebPrincipal:
        if principal.role not in allowed:
            raise WebPageError(403, "Your role cannot use this page.")
        return principal

    return Depends(check)


# Who may use which pages (a person's roles: admin, marketer, reviewer).
Drafter = Annotated[WebPrincipal, require_web_roles(Role.admin, Role.marketer)]
Reader = Annotated[WebPrincipal, require_web_roles(Role.admin, Role.marketer, Role.reviewer)]
KnowledgeAdmin = Annotated[WebPrincipal, require_web_roles(Role.admin)]
