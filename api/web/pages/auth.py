"""Sign-in, sign-out and the home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep, SessionDep
from api.store.models import Role, utcnow
from api.store.repositories import AuditRepository
from api.web.context import WebContext, WebDep
from api.web.csrf import PRE_SESSION_COOKIE, csrf_basis, csrf_token
from api.web.errors import safe_next
from api.web.pages import web_router
from api.web.principal import Reader, SignedIn
from api.web.sessions import SESSION_COOKIE, end_session, new_token, start_session
from api.web.signin import sign_in
from api.web.templating import render

router = web_router()
COOKIE_PATH = "/web"
PRE_SESSION_SECONDS = 3600
SIGN_IN_FAILED = (
    "Sign-in failed: check the organisation, e-mail address and password. After repeated failures an "
    "account is locked for a while."
)


def _login_page(
    request: Request, web: WebContext, *, next_path: str, organisation: str, error: str | None, status: int
) -> Response:
    basis = csrf_basis(request)
    fresh = None
    if basis is None:
        basis = fresh = new_token()
    response = render(
        request,
        "login.html",
        {
            "csrf_token": csrf_token(web.secret_key, basis),
            "next": next_path,
            "organisation": organisation,
            "error": error,
            "lockout": web.lockout,
        },
        status=status,
    )
    if fresh is not None:
        response.set_cookie(
            PRE_SESSION_COOKIE,
            fresh,
            max_age=PRE_SESSION_SECONDS,
            path=COOKIE_PATH,
            secure=web.cookie_secure,
            httponly=True,
            samesite="lax",
        )
    return response


@router.get("/login")
def login_form(
    request: Request,
    web: WebDep,
    services: ServicesDep,
    next_path: Annotated[str | None, Query(alias="next", max_length=500)] = None,
) -> Response:
    return _login_page(
        request,
        web,
        next_path=safe_next(next_path),
        organisation=services.settings.default_org_slug,
        error=None,
        status=200,
    )


@router.post("/login")
def login(
    request: Request,
    web: WebDep,
    session: SessionDep,
    organisation: Annotated[str, Form(max_length=63)],
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "/web",
) -> Response:
    now = utcnow()
    user = sign_in(
        session,
        web.passwords,
        organisation_slug=organisation,
        email=email,
        password=password,
        policy=web.lockout,
        now=now,
    )
    if user is None:
        session.commit()  # the failure counts, and its audit event stays
        return _login_page(
            request,
            web,
            next_path=safe_next(next_path),
            organisation=organisation,
            error=SIGN_IN_FAILED,
            status=400,
        )
    # A new token on every sign-in; a session the browser held before is ended, not reused.
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        end_session(session, previous)
    token = start_session(session, user, now=now, policy=web.sessions)
    session.commit()
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(web.sessions.lifetime.total_seconds()),
        path=COOKIE_PATH,
        secure=web.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(PRE_SESSION_COOKIE, path=COOKIE_PATH, secure=web.cookie_secure, httponly=True)
    return response


@router.post("/logout")
def logout(request: Request, web: WebDep, session: SessionDep, principal: SignedIn) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session, token)
    AuditRepository(session).record(
        organisation_id=principal.organisation_id,
        event_type="user.signed_out",
        subject_type="user",
        subject_id=str(principal.user_id),
        actor_user_id=principal.user_id,
        details={"source": "web"},
    )
    session.commit()
    response = RedirectResponse("/web/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, secure=web.cookie_secure, httponly=True)
    return response


@router.get("")
def home(request: Request, principal: Reader) -> Response:
    return render(
        request,
        "home.html",
        {
            "can_draft": principal.role in (Role.admin, Role.marketer),
            "is_admin": principal.role is Role.admin,
        },
    )
