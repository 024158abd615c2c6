"""The page routers, one module per area; `api.web.install_web` includes them under /web."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from api.web.csrf import verify_csrf


def web_router() -> APIRouter:
    """A router of pages: not in the OpenAPI document (pages, not API), CSRF-checked on every POST.

    The check sits on the router, not on each page, so a new form cannot be left unprotected.
    """
    return APIRouter(
        prefix="/web",
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(verify_csrf)],
    )


async def form_data(request: Request) -> FormData:
    """The posted form, as parsed (and cached) by the CSRF check: pages that read fields themselves."""
    return await request.form()
