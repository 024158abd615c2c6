"""The users admin page (admins only): list people, create one, change a role, lock and unlock.

Everything goes through `api.users`, as `carepost users create` does, so the password
policy and the audit events are the CLI's. Messages are fixed text: a refused form
never repeats the address, the name or (least of all) the password it was sent.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.deps import SessionDep
from api.passwords import MIN_PASSWORD_LENGTH, PasswordTooWeak
from api.store.models import Role, User, utcnow
from api.users import (
    PERSON_ROLES,
    InvalidUserError,
    SelfChangeError,
    UserExistsError,
    change_role,
    create_user,
    get_person,
    people,
    set_locked,
)
from api.web.context import WebDep
from api.web.errors import WebPageError
from api.web.pages import form_data, web_router
from api.web.principal import WebPrincipal, require_web_roles
from api.web.templating import render

router = web_router()

Admin = Annotated[WebPrincipal, require_web_roles(Role.admin)]
Form = Annotated[FormData, Depends(form_data)]
ROLES = [r.value for r in sorted(PERSON_ROLES)]
NOTICES = {
    "created": "The user was created. Give them their password by a separate channel.",
    "role": "The role was changed.",
    "locked": "The account is locked; its open sessions have ended.",
    "unlocked": "The account is unlocked.",
    "unchanged": "Nothing changed.",
}
SELF_CHANGE = "You cannot lock yourself or change your own role; ask another admin."


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _page(
    request: Request,
    session: Session,
    principal: WebPrincipal,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
    entered: dict[str, str] | None = None,
) -> Response:
    now = utcnow()
    context: dict[str, Any] = {
        "users": [
            (user, user.is_locked(now), user.admin_locked_at is not None)
            for user in people(session, principal.organisation_id)
        ],
        "roles": ROLES,
        "min_password": MIN_PASSWORD_LENGTH,
        "notice": notice,
        "error": error,
        # Only the role survives a refused create form: never the address, name or password.
        "entered_role": (entered or {}).get("role", Role.marketer.value),
    }
    return render(request, "users.html", context, status=status)


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, principal: Admin, done: str = "") -> Response:
    return _page(request, session, principal, notice=NOTICES.get(done))


@router.post("/admin/users")
def create_user_page(
    request: Request, session: SessionDep, web: WebDep, principal: Admin, form: Form
) -> Response:
    role = _field(form, "role")
    password = _field(form, "password")
    error = None
    if role not in ROLES:
        error = "Choose a role: admin, marketer or reviewer."
    elif password != _field(form, "password_confirm"):
        error = "The two passwords differ."
    elif len(password) > 1024:
        error = "The password is too long (at most 1024 characters)."
    if error is None:
        try:
            create_user(
                session,
                web.passwords,
                organisation_id=principal.organisation_id,
                email=_field(form, "email"),
                display_name=_field(form, "display_name"),
                role=Role(role),
                password=password,
                actor=principal.actor,
            )
        except PasswordTooWeak:
            error = f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
        except InvalidUserError as exc:
            error = f"Not created: {exc}."  # the message names the field, never its value
        except UserExistsError:
            error = "Not created: this organisation already has a user with that e-mail address."
    if error is not None:
        session.rollback()
        return _page(request, session, principal, error=error, status=422, entered={"role": role})
    session.commit()
    return RedirectResponse("/web/admin/users?done=created", status_code=303)


def _target(session: Session, principal: WebPrincipal, user_id: uuid.UUID) -> User:
    user = get_person(session, principal.organisation_id, user_id)
    if user is None:
        raise WebPageError(404, "There is no such user in your organisation.")
    return user


@router.post("/admin/users/{user_id}/role")
def role_page(
    request: Request, user_id: uuid.UUID, session: SessionDep, principal: Admin, form: Form
) -> Response:
    user = _target(session, principal, user_id)
    role = _field(form, "role")
    if role not in ROLES:
        return _page(
            request, session, principal, error="Choose a role: admin, marketer or reviewer.", status=422
        )
    try:
        changed = change_role(session, user, Role(role), actor=principal.actor)
    except SelfChangeError:
        session.rollback()
        return _page(request, session, principal, error=SELF_CHANGE, status=409)
    session.commit()
    return RedirectResponse(f"/web/admin/users?done={'role' if changed else 'unchanged'}", status_code=303)


def _set_locked(
    request: Request, session: Session, principal: WebPrincipal, user_id: uuid.UUID, locked: bool
) -> Response:
    user = _target(session, principal, user_id)
    try:
        changed = set_locked(session, user, locked, actor=principal.actor, now=utcnow())
    except SelfChangeError:
        session.rollback()
        return _page(request, session, principal, error=SELF_CHANGE, status=409)
    session.commit()
    done = ("locked" if locked else "unlocked") if changed else "unchanged"
    return RedirectResponse(f"/web/admin/users?done={done}", status_code=303)


@router.post("/admin/users/{user_id}/lock")
def lock_page(request: Request, user_id: uuid.UUID, session: SessionDep, principal: Admin) -> Response:
    return _set_locked(request, session, principal, user_id, True)


@router.post("/admin/users/{user_id}/unlock")
def unlock_page(request: Request, user_id: uuid.UUID, session: SessionDep, principal: Admin) -> Response:
    return _set_locked(request, session, principal, user_id, False)
