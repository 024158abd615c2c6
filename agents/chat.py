"""The small interface drafters and the reviser talk to: messages in, text or a pydantic model out.

`agents/llm.py` implements it over litellm; `agents/testing.py` has fakes that are
real implementations (a function model and a schema-driven test model). Every
implementation declares `phi_safe`: only a BAA-covered or local deployment may
see a brief without the PHI firewall.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from agents.errors import ModelOutputError

T = TypeVar("T", bound=BaseModel)

# One re-ask: a model that fails twice on the same schema is unlikely to succeed a third time,
# and every extra round costs time and tokens.
MAX_REASKS = 1


class ChatMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str


class Usage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, other: Usage) -> Usage:
        return Usage(
            requests=self.requests + other.requests,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
        )


class ChatResponse(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    model: str
    usage: Usage


class ChatModel(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def phi_safe(self) -> bool: ...

    @property
    def enforces_schema(self) -> bool:
        """True when the model's sampler keeps to the JSON Schema itself (a llama.cpp grammar)."""
        ...

    def complete(
        self, messages: Sequence[ChatMessage], *, json_schema: dict[str, object] | None = None
    ) -> ChatResponse:
        """One completion; with `json_schema` the model is asked for a JSON object of that schema."""
        ...


def structured(
    model: ChatModel, messages: Sequence[ChatMessage], output_type: type[T], *, max_reasks: int = MAX_REASKS
) -> tuple[T, Usage]:
    """Ask for `output_type` as JSON, parse it, and re-ask at most `max_reasks` times on invalid output."""
    schema = output_type.model_json_schema()
    if model.enforces_schema:
        # The model's side keeps the shape (a grammar, or plain text put into the one text field);
        # a small model shown a schema copies its title and wording instead of writing.
        content = "Reply with one JSON object only, no prose, shaped like: " + _shape(schema)
    else:
        content = "Reply with one JSON object only, no prose, matching this JSON Schema:\n" + json.dumps(
            schema, sort_keys=True
        )
    instruction = ChatMessage(role="system", content=content)
    conversation = [*messages, instruction]
    usage = Usage()
    for attempt in range(max_reasks + 1):
        response = model.complete(conversation, json_schema=schema)
        usage = usage.add(response.usage)
        try:
            return output_type.model_validate_json(_json_part(response.text)), usage
        except ValidationError as exc:
            if attempt == max_reasks:
                break
            # Field locations and reasons only: the model needs to know what to fix, not its own text back.
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'output'}: {e['msg']}"
                for e in exc.errors(include_input=False, include_url=False)
            )
            conversation = [
                *conversation,
                ChatMessage(role="assistant", content=response.text),
                ChatMessage(
                    role="user",
                    content=f"That output was invalid ({problems}). Reply again with valid JSON only.",
                ),
            ]
    raise ModelOutputError(
        f"the model's output did not match {output_type.__name__} after {max_reasks} re-ask(s)"
    )


def _json_part(text: str) -> str:
    """The JSON object in `text`: models often wrap it in a code fence or a sentence."""
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text


def _shape(schema: dict[str, object]) -> str:
    """`{"text": "...", "citations": ["..."]}`: the top-level fields of a schema as an example object."""
    properties = schema.get("properties")
    fields = properties if isinstance(properties, dict) else {}
    example = {
        name: ["..."] if isinstance(spec, dict) and spec.get("type") == "array" else "..."
        for name, spec in fields.items()
    }
    return json.dumps(example)
