"""Security headers on every response, and the strict CORS policy.

The API answers JSON to machine clients; the few HTML pages (the interactive API
docs, a web UI) are the only documents a browser renders. Both get a content
security policy that forbids framing; JSON gets the tightest one possible,
because nothing in it should ever run or load.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.middleware import REQUEST_ID_HEADER

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Same-origin resources only; FastAPI's /docs page loads its scripts from a CDN, which this blocks on
# purpose (the service is meant to run offline); the OpenAPI document itself stays readable.
HTML_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# Methods and headers a browser client may use cross-origin; the key travels in Authorization,
# never in a cookie, so credentials mode stays off.
CORS_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CORS_REQUEST_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", REQUEST_ID_HEADER)
CORS_EXPOSED_HEADERS = (REQUEST_ID_HEADER, "Retry-After", "Location")
CORS_MAX_AGE_SECONDS = 600


def _is_html(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").startswith("text/html")


def _is_authenticated(scope: Scope) -> bool:
    request_headers = Headers(scope=scope)
    return "authorization" in request_headers or "cookie" in request_headers


class SecurityHeadersMiddleware:
    """Adds the headers below to every HTTP response, errors and framework 404/405 included.

    Responses to requests that carried credentials are never cached (`no-store`): they
    hold organisation data. Strict-Transport-Security is sent only when the operator
    says the service sits behind HTTPS (`hsts_max_age` > 0), since over plain HTTP it
    would be ignored at best and misleading at worst.
    """

    def __init__(self, app: ASGIApp, *, hsts_max_age: int = 0) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_max_age}; includeSubDomains" if hsts_max_age > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        authenticated = _is_authenticated(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A route that serves a self-contained page sets a stricter policy of its own (the
                # eval report: inline styles, nothing loaded); keep it rather than widen or break it.
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = HTML_CSP if _is_html(headers) else API_CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if authenticated:
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
                if self.hsts is not None:
                    headers["Strict-Transport-Security"] = self.hsts
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_middleware(app: FastAPI, *, cors_origins: list[str], hsts_max_age: int) -> None:
    """Add CORS (for exactly `cors_origins`; none means no cross-origin access) and the headers above.

    Call it after every other middleware: both must be outermost, so a 500 made by the
    request-context layer still gets the headers. Without CORS origins no middleware is
    added, and a browser's preflight gets a 405 without Access-Control headers: refused.
    """
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors_origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=CORS_MAX_AGE_SECONDS,
        )
    app.add_middleware(SecurityHeadersMiddleware, hsts_max_age=hsts_max_age)
