"""CSRF protection for every POST of the web pages: a per-session token in a hidden field.

The token is an HMAC (CAREPOST_SECRET_KEY) of the browser's session token, or, before
sign-in, of a random pre-session cookie; so it needs no storage, changes with every
sign-in, and another site cannot compute it (it never sees the cookie). A POST
without the right token gets 403 before the page runs.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from api.deps import ServicesDep
from api.web.errors import WebPageError
from api.web.sessions import SESSION_COOKIE

PRE_SESSION_COOKIE = "carepost_presession"
FIELD = "csrf_token"
_CONTEXT = b"carepost web csrf\x00"


def csrf_basis(request: Request) -> str | None:
    """The cookie the token is bound to: the session if there is one, else the pre-session cookie."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_SESSION_COOKIE)


def csrf_token(secret_key: str, basis: str) -> str:
    return hmac.new(secret_key.encode(), _CONTEXT + basis.encode(), hashlib.sha256).hexdigest()


async def verify_csrf(request: Request, services: ServicesDep) -> None:
    """Router dependency: a POST must carry the token of the cookie it came with.

    Pages read the same (cached) form. A refused form's uploaded files are closed here; an
    accepted one's by FastAPI, for pages that declare their upload as a `File()` parameter.
    """
    if request.method != "POST":
        return
    form = await request.form()
    basis = csrf_basis(request)
    sent = form.get(FIELD)
    expected = csrf_token(services.settings.secret_key.get_secret_value(), basis) if basis else None
    if expected is None or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        await form.close()
        raise WebPageError(
            403,
            "This form has expired or did not come from this site. Go back, reload the page and try again.",
        )
