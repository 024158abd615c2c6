"""What the pages share for one app: templates, password checks and the sign-in policies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment

from api.passwords import Passwords
from api.settings import Settings
from api.web.sessions import SessionPolicy
from api.web.signin import LockoutPolicy
from api.web.templating import build_environment


@dataclass(frozen=True)
class WebContext:
    templates: Environment
    passwords: Passwords
    sessions: SessionPolicy
    lockout: LockoutPolicy
    cookie_secure: bool
    secret_key: str

    @classmethod
    def build(cls, settings: Settings) -> WebContext:
        return cls(
            templates=build_environment(),
            passwords=Passwords(),
            sessions=SessionPolicy.from_settings(settings),
            lockout=LockoutPolicy.from_settings(settings),
            cookie_secure=settings.web_cookie_secure,
            secret_key=settings.secret_key.get_secret_value(),
        )


def get_web(request: Request) -> WebContext:
    web = getattr(request.app.state, "web", None)
    if not isinstance(web, WebContext):
        raise RuntimeError("the web pages are installed by api.web.install_web; it has not run")
    return web


WebDep = Annotated[WebContext, Depends(get_web)]
