"""`POST /v1/redact`: replace every identifier with a typed placeholder (context-free)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentPrincipal, ServicesDep
from api.routes import v1_router
from api.routes.check import MAX_TEXT_CHARS
from guardrails.redact import RedactionResult

router = v1_router("redact", tag="guardrails")


class RedactRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


@router.post("", summary="Mask identifiers with typed placeholders; spans point into the submitted text")
def redact_text(body: RedactRequest, services: ServicesDep, principal: CurrentPrincipal) -> RedactionResult:
    return services.guardrails.redactor.redact(body.text)
