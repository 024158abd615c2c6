"""Test doubles that are real `ChatModel` implementations (after pydantic-ai's TestModel and FunctionModel).

- `FunctionChatModel` answers with a function of the messages, and records every call,
  so a test can see exactly what a model would have been sent.
- `TestChatModel` answers without being told what to say: plain text, or for a JSON
  schema a minimal valid object generated from the schema itself.

Both count usage like a provider would (whitespace tokens), so callers that
report usage are exercised too. Neither touches the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.chat import ChatMessage, ChatResponse, Usage


@dataclass(frozen=True)
class CallInfo:
    """What the function of a `FunctionChatModel` learns besides the messages."""

    json_schema: dict[str, object] | None
    call_index: int


def _usage(messages: Sequence[ChatMessage], text: str) -> Usage:
    return Usage(
        requests=1,
        input_tokens=sum(len(m.content.split()) for m in messages),
        output_tokens=len(text.split()),
    )


@dataclass
class FunctionChatModel:
    function: Callable[[list[ChatMessage], CallInfo], str]
    name: str = "function"
    phi_safe: bool = False
    enforces_schema: bool = False
    calls: list[list[ChatMessage]] = field(default_factory=list)

    def complete(
        self, messages: Sequence[ChatMessage], *, json_schema: dict[str, object] | None = None
    ) -> ChatResponse:
        sent = list(messages)
        self.calls.append(sent)
        text = self.function(sent, CallInfo(json_schema=json_schema, call_index=len(self.calls) - 1))
        return ChatResponse(text=text, model=self.name, usage=_usage(sent, text))

    def sent_text(self) -> str:
        """Everything any call sent, joined: for asserting what a model saw."""
        return "\n".join(m.content for call in self.calls for m in call)


@dataclass
class TestChatModel:
    """Text `custom_output_text`, or for a schema `custom_output_args` / a generated minimal object."""

    __test__ = False  # not a pytest test class

    custom_output_text: str | None = None
    custom_output_args: dict[str, Any] | None = None
    seed_text: str = "a"
    name: str = "test"
    phi_safe: bool = False
    enforces_schema: bool = False
    calls: list[list[ChatMessage]] = field(default_factory=list)

    def complete(
        self, messages: Sequence[ChatMessage], *, json_schema: dict[str, object] | None = None
    ) -> ChatResponse:
        sent = list(messages)
        self.calls.append(sent)
        if json_schema is not None:
            args = self.custom_output_args
            text = json.dumps(
                args if args is not None else _generate(json_schema, json_schema, self.seed_text)
            )
        else:
            text = (
                self.custom_output_text if self.custom_output_text is not None else "success (no tool calls)"
            )
        return ChatResponse(text=text, model=self.name, usage=_usage(sent, text))


def _generate(schema: dict[str, Any], root: dict[str, Any], seed: str) -> Any:
    """A minimal instance of a JSON schema as pydantic writes them ($defs, anyOf, enums, constraints)."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return _generate(root["$defs"][name], root, seed)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _generate(options[0], root, seed)
    kind = schema.get("type", "object")
    if kind == "string":
        return seed * max(1, int(schema.get("minLength", 1)))
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "array":
        return [
            _generate(schema.get("items", {}), root, seed) for _ in range(max(1, schema.get("minItems", 1)))
        ]
    if kind == "null":
        return None
    properties: dict[str, Any] = schema.get("properties", {})
    return {name: _generate(properties[name], root, seed) for name in schema.get("required", [])}
