"""The web UI: server-rendered pages for people (sign-in, briefs, drafts, review,
escalations, knowledge, eval runs, users).

Pages hold no business logic: they call the functions the API routes call, acting
as the signed-in user (`api.web.principal.WebPrincipal`). `install_web(app, settings)`
adds the pages, the static files and the page error handlers to an app.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.settings import Settings
from api.web.context import WebContext
from api.web.errors import install_error_handlers
from api.web.pages import auth, briefs, draft_actions, drafts, escalations, evals, knowledge, review, users
from api.web.templating import STATIC_DIR

# Every page router, in one place.
PAGE_ROUTERS = (
    auth.router,
    briefs.router,
    drafts.router,
    draft_actions.router,
    knowledge.router,
    review.router,
    escalations.router,
    evals.router,
    users.router,
)


def install_web(app: FastAPI, settings: Settings) -> None:
    """Add the pages, their static files (same origin, so the strict CSP holds) and their error pages."""
    app.state.web = WebContext.build(settings)
    install_error_handlers(app)
    app.mount("/web/static", StaticFiles(directory=STATIC_DIR), name="web-static")
    for router in PAGE_ROUTERS:
        app.include_router(router)
