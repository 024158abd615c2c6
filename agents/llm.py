"""`LiteLLMChatModel`: any provider litellm speaks, through its Router. The only module importing litellm,
besides the in-process provider `agents/local_provider.py` that only this module loads.

litellm is imported on the first request, not at import time: it takes seconds and
hundreds of megabytes, and the guardrail CLI and API paths that never call a model
must not pay for it. The Router gives timeouts, retries with exponential backoff
(litellm's `retry_after` floor plus its own backoff) and fallbacks to other models.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from agents.chat import ChatMessage, ChatResponse, Usage
from agents.errors import EngineNotConfigured, ModelUnavailable
from agents.local_model import MISSING_EXTRA, LocalOptions, grammar_schema, local_extra_installed

PRIMARY = "carepost-primary"
LOCAL_PREFIX = "carepost-local/"
LOCAL_MODEL = "carepost-local/smollm2-135m-instruct"


class LlmConfig(BaseModel):
    """One deployment and its fallbacks. Unknown options are errors, not silent no-ops."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(
        min_length=1, description="litellm provider string, e.g. openai/gpt-4o-mini, ollama/llama3"
    )
    api_base: str | None = Field(default=None, description="OpenAI-compatible or self-hosted endpoint")
    api_key: SecretStr | None = None
    fallbacks: list[str] = Field(
        default_factory=list, description="Provider strings tried in order on failure"
    )
    timeout: float = Field(default=30.0, gt=0, le=600)
    num_retries: int = Field(default=2, ge=0, le=6)
    retry_after: float = Field(default=0.5, ge=0, le=30, description="Minimum seconds before a retry")
    temperature: float = Field(default=0.4, ge=0, le=2)
    max_tokens: int = Field(default=700, gt=0, le=8192)
    phi_safe: bool = Field(
        default=False, description="True only for a BAA-covered or local deployment: skips the PHI firewall"
    )
    seed: int | None = Field(default=None, ge=0, description="Sampling seed, where the provider takes one")
    schema_in_request: bool = Field(
        default=False,
        description="Send the JSON Schema in response_format (llama.cpp turns it into a grammar)",
    )
    local: LocalOptions = Field(
        default_factory=LocalOptions, description="How carepost-local/... models are loaded"
    )

    @property
    def uses_local(self) -> bool:
        return any(m.startswith(LOCAL_PREFIX) for m in [self.model, *self.fallbacks])


def local_config(*, max_tokens: int = 256) -> LlmConfig:
    """The `local` engine: SmolLM2 in this process. phi_safe because nothing leaves the machine;
    temperature 0 and a fixed seed so a rerun gives the same drafts; output bounded in tokens."""
    return LlmConfig(
        model=LOCAL_MODEL,
        phi_safe=True,
        temperature=0.0,
        seed=0,
        max_tokens=max_tokens,
        num_retries=0,
        timeout=300,
        schema_in_request=True,
    )


def _deployment(name: str, model: str, config: LlmConfig) -> dict[str, Any]:
    params: dict[str, Any] = {"model": model, "timeout": config.timeout}
    if config.api_base:
        params["api_base"] = config.api_base
    if config.api_key is not None:
        params["api_key"] = config.api_key.get_secret_value()
    return {"model_name": name, "litellm_params": params}


class LiteLLMChatModel:
    """A `ChatModel` over litellm's Router. Construction does no I/O and imports nothing heavy."""

    def __init__(self, config: LlmConfig) -> None:
        self.config = config
        self._router: Any = None

    @property
    def name(self) -> str:
        return self.config.model

    @property
    def phi_safe(self) -> bool:
        return self.config.phi_safe

    @property
    def enforces_schema(self) -> bool:
        return self.config.schema_in_request

    def _get_router(self) -> Any:
        if self._router is None:
            config = self.config
            if config.uses_local:
                if not local_extra_installed():
                    raise EngineNotConfigured(MISSING_EXTRA)
                from agents.local_provider import register

                register(config.local)
            from litellm import Router

            fallbacks = [f"carepost-fallback-{i}" for i in range(len(config.fallbacks))]
            model_list = [_deployment(PRIMARY, config.model, config)] + [
                _deployment(name, model, config)
                for name, model in zip(fallbacks, config.fallbacks, strict=True)
            ]
            self._router = Router(
                model_list=model_list,
                fallbacks=[{PRIMARY: fallbacks}] if fallbacks else [],
                num_retries=config.num_retries,
                retry_after=config.retry_after,
                timeout=config.timeout,
            )
        return self._router

    def complete(
        self, messages: Sequence[ChatMessage], *, json_schema: dict[str, object] | None = None
    ) -> ChatResponse:
        kwargs: dict[str, Any] = {
            "model": PRIMARY,
            "messages": [m.model_dump() for m in messages],
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
        }
        if self.config.seed is not None:
            kwargs["seed"] = self.config.seed
        if json_schema is not None and self.config.schema_in_request:
            # llama.cpp's form (its server and our local provider): the schema becomes a sampling grammar.
            kwargs["response_format"] = {"type": "json_object", "schema": grammar_schema(json_schema)}
        elif json_schema is not None:
            # Providers without schema support still get the schema in the prompt (agents.chat.structured).
            kwargs["response_format"] = {"type": "json_object"}
        router = self._get_router()  # a missing local extra is a configuration error, not an outage
        try:
            response = router.completion(**kwargs)
        except Exception as exc:
            # Provider errors can echo the request (and so the brief): keep only the type.
            raise ModelUnavailable(f"the model provider failed ({type(exc).__name__})") from None
        return _to_response(response, self.config.model)


def _to_response(response: Any, default_model: str) -> ChatResponse:
    choices = getattr(response, "choices", None) or []
    if not choices:
        raise ModelUnavailable("the model provider returned no choices")
    text = getattr(choices[0].message, "content", None) or ""
    raw = getattr(response, "usage", None)
    usage = Usage(
        requests=1,
        input_tokens=int(getattr(raw, "prompt_tokens", 0) or 0),
        output_tokens=int(getattr(raw, "completion_tokens", 0) or 0),
    )
    return ChatResponse(text=text, model=str(getattr(response, "model", None) or default_model), usage=usage)


def token_cost(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """US dollars for the tokens by litellm's price map bundled with the installed package; None when
    the model is not priced there (local and self-hosted models, unknown names).

    The bundled map, never the remote one: evals must be offline and a rerun must price the same
    tokens the same way. litellm reads the switch when it is first imported, so it is set here
    before that import; if litellm was already imported with the remote map, refuse rather than
    report a price nobody can reproduce.
    """
    if "litellm" not in sys.modules:
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    elif os.environ.get("LITELLM_LOCAL_MODEL_COST_MAP", "").lower() != "true":
        raise RuntimeError(
            "litellm was imported with its remote price map; set LITELLM_LOCAL_MODEL_COST_MAP=True"
        )
    import litellm

    litellm.suppress_debug_info = True  # else an unpriced model prints litellm's provider list on stdout
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=input_tokens, completion_tokens=output_tokens
        )
    except Exception:  # litellm raises its own NotFoundError/ModelNotMappedError family for unpriced models
        return None
    return float(prompt_cost) + float(completion_cost)
