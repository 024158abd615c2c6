"""The `carepost-local` litellm provider: SmolLM2 in-process, behind the same Router as any remote model.

The second and last module that imports litellm (tests/agents/test_local_engine.py holds
the list). Only `agents/llm.py` imports this module, on the first request to a
`carepost-local/...` model, so litellm stays out of every path that never drafts.

Inside a custom provider the reply is built as a `ModelResponse` directly: calling
`litellm.completion` from here (even with `mock_response`) fails.
"""

from __future__ import annotations

from typing import Any

import litellm
from litellm import CustomLLM, ModelResponse

from agents.local_model import LocalOptions, generate, load_model, schema_from_response_format, smollm2_path

PROVIDER = "carepost-local"
MODELS = frozenset({"smollm2-135m-instruct"})


class LocalProvider(CustomLLM):  # type: ignore[misc]  # litellm is not followed by mypy (pyproject)
    """Answers `carepost-local/smollm2-135m-instruct`. Holds options only; the model loads on first use."""

    def __init__(self, options: LocalOptions) -> None:
        super().__init__()
        self.options = options

    def completion(
        self,
        model: str,
        messages: list[dict[str, Any]],
        api_base: str | None = None,
        custom_prompt_dict: dict[str, Any] | None = None,
        model_response: ModelResponse | None = None,
        print_verbose: Any = None,
        encoding: Any = None,
        api_key: Any = None,
        logging_obj: Any = None,
        optional_params: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> ModelResponse:
        if model not in MODELS:
            raise ValueError(f"{PROVIDER} has no model {model!r}; known: {', '.join(sorted(MODELS))}")
        params = optional_params or {}
        loaded = load_model(smollm2_path(), self.options)
        result = generate(
            loaded,
            [{"role": str(m["role"]), "content": str(m.get("content") or "")} for m in messages],
            max_tokens=int(params.get("max_tokens") or 512),
            temperature=float(params.get("temperature") or 0.0),
            seed=int(params.get("seed", self.options.seed)),
            json_schema=schema_from_response_format(params.get("response_format")),
        )
        return ModelResponse(
            model=f"{PROVIDER}/{model}",
            choices=[
                {
                    "message": {"role": "assistant", "content": result.text},
                    "finish_reason": result.finish_reason,
                }
            ],
            usage={
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "total_tokens": result.prompt_tokens + result.completion_tokens,
            },
        )


def register(options: LocalOptions) -> None:
    """Put the provider in litellm's provider map (litellm keeps that map per process).

    Registering again with other options replaces the handler, so the latest config is the one used.
    """
    current = [item for item in litellm.custom_provider_map if item.get("provider") == PROVIDER]
    if current and getattr(current[0]["custom_handler"], "options", None) == options:
        return
    others = [item for item in litellm.custom_provider_map if item.get("provider") != PROVIDER]
    litellm.custom_provider_map = [*others, {"provider": PROVIDER, "custom_handler": LocalProvider(options)}]
