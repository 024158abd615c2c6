"""The application factory. Nothing is built at import time: `create_app(settings)` does it all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI

from api.background import start_workers
from api.docs_ui import install_docs
from api.guardrail_engines import GuardrailEngines
from api.knowledge_base import prepare_default_knowledge
from api.logs import configure_logging
from api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from api.offline import apply_offline_defaults
from api.problems import EXCEPTION_HANDLERS, use_problem_media_type
from api.routes import (
    approval_policy,
    audit,
    briefs,
    check,
    consents,
    dispositions,
    drafts,
    escalations,
    evals,
    health,
    jobs,
    keys,
    knowledge,
    organisations,
    redact,
    review_queue,
    webhooks,
)
from api.security_headers import install_security_middleware
from api.services import Services
from api.settings import Settings, get_settings
from api.web import install_web
from api.webhooks.config import WebhookConfig
from api.webhooks.runner import DispatcherThread

if TYPE_CHECKING:
    from knowledge.embeddings import MiniLmEmbedding

# Every served router, in one place; a new resource is one import and one line here.
ROUTERS: list[APIRouter] = [
    health.router,
    organisations.router,
    keys.router,
    audit.router,
    check.router,
    redact.router,
    knowledge.router,
    consents.router,
    briefs.router,
    drafts.router,
    jobs.router,
    webhooks.router,
    evals.router,
    approval_policy.router,
    escalations.router,
    review_queue.router,
    dispositions.router,
    dispositions.export_router,
]


class CarepostAPI(FastAPI):
    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            use_problem_media_type(super().openapi())
        assert self.openapi_schema is not None
        return self.openapi_schema


def create_app(
    settings: Settings,
    *,
    guardrails: GuardrailEngines | None = None,
    embedding: MiniLmEmbedding | None = None,
    run_workers: bool = False,
    dispatch_webhooks: bool = False,
) -> FastAPI:
    """Build the app; pass `guardrails` and `embedding` to share already-loaded models (tests, several apps).

    `run_workers` starts in-process job workers with the app (what `carepost serve` does unless
    CAREPOST_WORKER_IN_PROCESS=false) and `dispatch_webhooks` sends due webhook deliveries from a
    background thread (unless CAREPOST_WEBHOOK_DISPATCH_IN_PROCESS=false); both are off by default
    so a test app starts no threads unasked.
    """
    apply_offline_defaults()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings, guardrails, embedding)
        app.state.services = services
        workers = None
        dispatcher: DispatcherThread | None = None
        try:
            prepare_default_knowledge(settings, services.engine, services.sessions, services.knowledge)
            if run_workers:
                workers = start_workers(services)
            if dispatch_webhooks:
                dispatcher = DispatcherThread(
                    services.sessions,
                    WebhookConfig.from_settings(settings),
                    poll_seconds=settings.webhook_dispatch_poll_seconds,
                )
                dispatcher.start()
                app.state.webhook_dispatcher = dispatcher
            services.evals.recover()
            yield
        finally:
            if dispatcher is not None:
                dispatcher.stop()
            if workers is not None:
                workers.stop()
            services.close()

    app = CarepostAPI(
        title="Carepost",
        version=version("carepost"),
        summary="Drafts healthcare social-media content and checks it for compliance.",
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
        # FastAPI's pages load from a CDN, which the content security policy blocks: see api/docs_ui.py.
        docs_url=None,
        redoc_url=None,
    )
    # Added last = outermost: the request id exists before the size check can refuse a body.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    install_security_middleware(app, cors_origins=settings.cors_origins, hsts_max_age=settings.hsts_max_age)
    for router in ROUTERS:
        app.include_router(router)
    install_docs(app)
    install_web(app, settings)
    return app


def app_from_environment() -> FastAPI:
    """Zero-argument factory for `uvicorn --factory api.app:app_from_environment`."""
    apply_offline_defaults()
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(
        settings,
        run_workers=settings.worker_in_process,
        dispatch_webhooks=settings.webhook_dispatch_in_process,
    )
