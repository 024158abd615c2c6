"""How pages fail: an HTML page with a status, or a redirect to the sign-in form.

Pages answer people, so their errors are pages, not problem+json; like problems,
their messages are fixed text and never repeat what was submitted.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.web.templating import render


class WebPageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInRequired(Exception):
    """No live session: the page sends the browser to the sign-in form, and back afterwards."""


def safe_next(path: str | None) -> str:
    """Only a path on this site's pages, never another origin (no open redirect)."""
    if path and path.startswith("/web") and not path.startswith("//") and "\\" not in path:
        return path
    return "/web"


async def handle_page_error(request: Request, exc: WebPageError) -> Response:
    return render(request, "error.html", {"message": exc.message, "status": exc.status}, status=exc.status)


async def handle_sign_in_required(request: Request, exc: SignInRequired) -> Response:
    target = request.url.path if request.method == "GET" else "/web"
    return RedirectResponse(f"/web/login?next={quote(safe_next(target), safe='/')}", status_code=303)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WebPageError, handle_page_error)  # type: ignore[arg-type]
    app.add_exception_handler(SignInRequired, handle_sign_in_required)  # type: ignore[arg-type]
