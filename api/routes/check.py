"""`POST /v1/check`: run the guardrails over a text. Needs no LLM and stores nothing."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentPrincipal, ServicesDep
from api.routes import v1_router
from guardrails.context import CheckContext, ContentType, ContextFacts, Platform
from guardrails.findings import Finding

router = v1_router("check", tag="guardrails")

MAX_TEXT_CHARS = 20_000


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    platform: Platform
    content_type: ContentType
    context: ContextFacts | None = Field(
        default=None, description="The organisation's facts the rules consult; every field optional."
    )


class CheckResponse(BaseModel):
    findings: list[Finding]
    blocked: bool = Field(description="True when any finding has severity `block`.")


@router.post("", summary="Check a text against the compliance guardrails")
def check_text(body: CheckRequest, services: ServicesDep, principal: CurrentPrincipal) -> CheckResponse:
    ctx = CheckContext.of(body.platform, body.content_type, body.context)
    report = services.guardrails.checker.check(body.text, ctx)
    return CheckResponse(findings=report.findings, blocked=report.blocked)


@router.get("/context-schema", summary="JSON Schema of the `context` object of a check request")
def context_schema(principal: CurrentPrincipal) -> dict[str, Any]:
    return ContextFacts.model_json_schema()
