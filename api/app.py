"""The application factory. Nothing is built at import time: `create_app(settings)` does it all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI

from api.guardrail_engines import GuardrailEngines
from api.knowledge_base import prepare_default_knowledge
from api.logs import configure_logging
from api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from api.offline import apply_offline_defaults
from api.problems import EXCEPTION_HANDLERS, use_problem_media_type
from api.routes import audit, check, consents, evals, health, keys, knowledge, organisations, redact
from api.security_headers import install_security_middleware
from api.services import Services
from api.settings import Settings, get_settings

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
    evals.router,
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
) -> FastAPI:
    """Build the app; pass `guardrails` and `embedding` to share already-loaded models (tests, several apps)."""
    apply_offline_defaults()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings, guardrails, embedding)
        app.state.services = services
        try:
            prepare_default_knowledge(settings, services.engine, services.sessions, services.knowledge)
            services.evals.recover()
            yield
        finally:
            services.close()

    app = CarepostAPI(
        title="Carepost",
        version=version("carepost"),
        summary="Drafts healthcare social-media content and checks it for compliance.",
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
    )
    # Added last = outermost: the request id exists before the size check can refuse a body.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    install_security_middleware(app, cors_origins=settings.cors_origins, hsts_max_age=settings.hsts_max_age)
    for router in ROUTERS:
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """Zero-argument factory for `uvicorn --factory api.app:app_from_environment`."""
    apply_offline_defaults()
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
