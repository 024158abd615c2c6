"""Drafts that repeat their instructions instead of writing copy.

A small model given a long prompt often answers with pieces of it: "Return JSON with
`text` (the post)...", "Key messages (all must appear): ...", the bracketed ids of the
retrieved passages ("[brand:profile]"), or a code fence around JSON. None of that may be
published, and none of it is caught by the rules about what a post says, so a draft made of
it would otherwise look clean. The fixed wording of the prompt comes in the context
(`provided.instructions`, set by the drafting pipeline), so this family knows no prompt
itself; it runs only for drafted text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleSpec

_CITATION = "Drafting output, not copy: nothing but the post itself may be published"
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?", re.I)
# The ids retrieved passages carry in a prompt ("[brand:profile]", "[platform-playbook]").
# Masked details are upper case ("[PERSON_1]") and are not matched.
_SOURCE_MARKER = re.compile(r"\[[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?::[^\]\n]{1,80})?\]")
_CODE_FENCE = re.compile(r"```[a-z]*")
# A model talking about its answer instead of giving it ("The response is in JSON format",
# "Here is the post:", "As an AI language model"). Options may replace the list.
META_TALK = (
    r"\b(?:the|this|my)\s+(?:response|output|answer|reply|draft)\s+(?:is|was|will\s+be)\s+"
    r"(?:in|formatted|written|provided|below|as\s+follows)\b",
    r"\bin\s+JSON\b|\bJSON\s+(?:format|object|with)\b",
    r"\b(?:here\s+is|here's|below\s+is)\s+(?:the|a|your|an?)\s+(?:\w+\s+)?"
    r"(?:post|draft|caption|tweet|response|reply|version)\b",
    r"\bas\s+an?\s+(?:(?:ai\s+)?language\s+model|ai|a\.i\.|assistant)\b",
    r"\bI\s+hope\s+this\s+(?:helps|meets|works)\b",
    r"^\s*(?:sure|certainly|of\s+course|absolutely)[!,.]\s+(?:here|i)\b",
    r"\balt_texts?\b|\brequested\s+(?:data|format|fields?)\b",
)


class EchoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    shingle_words: int = Field(
        default=5,
        ge=3,
        le=12,
        description="Words in a row shared with the instructions that count as repeating them",
    )
    meta_talk: list[str] = Field(
        default=list(META_TALK),
        description="Regular expressions (case-insensitive) of a model talking about its own answer",
    )

    @field_validator("meta_talk")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                # pydantic turns only ValueError into a validation error: a bad config refuses to start
                raise ValueError(f"invalid meta_talk pattern: {exc}") from None
        return patterns


class EchoFamily(RuleFamily):
    name = "echo"
    specs = (
        RuleSpec("echo.instructions", Category.BRAND, Severity.BLOCK, _CITATION,
                 "The text repeats the drafting instructions instead of being a post."),
        RuleSpec("echo.source_marker", Category.BRAND, Severity.BLOCK, _CITATION,
                 "A source id or code fence from the drafting prompt is left in the text."),
        RuleSpec("echo.meta_talk", Category.BRAND, Severity.BLOCK, _CITATION,
                 "The text talks about itself as a model's answer (\"Here is the post\", \"in JSON\")."),
    )  # fmt: skip
    Options = EchoOptions

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.provided is None:
            return
        assert isinstance(self.options, EchoOptions)
        source = text.text
        for pattern in (_SOURCE_MARKER, _CODE_FENCE):
            for match in pattern.finditer(source):
                yield self.finding(
                    "echo.source_marker",
                    "This is a source id or code marker from the drafting prompt, not part of the post.",
                    span=text.span(*match.span()),
                    suggestion="Remove it.",
                )
        n = self.options.shingle_words
        shingles = _shingles(tuple(ctx.provided.instructions), n)
        repeated = list(_repeated(source, shingles, n)) if shingles else []
        for start, end in repeated:
            yield self.finding(
                "echo.instructions",
                "This repeats the drafting instructions; it is not part of the post.",
                span=text.span(start, end),
                suggestion="Remove it and write the post itself.",
            )
        for match in _meta_talk(tuple(self.options.meta_talk)).finditer(source):
            if any(start < match.end() and match.start() < end for start, end in repeated):
                continue  # already reported as the instructions it repeats
            yield self.finding(
                "echo.meta_talk",
                "This is the drafting model talking about its answer, not part of the post.",
                span=text.span(*match.span()),
                suggestion="Remove it.",
            )


@lru_cache(maxsize=4)
def _meta_talk(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=16)
def _shingles(instructions: tuple[str, ...], n: int) -> frozenset[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for part in instructions:
        words = [w.lower() for w in _WORD.findall(part)]
        out.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return frozenset(out)


def _repeated(text: str, shingles: frozenset[tuple[str, ...]], n: int) -> Iterator[tuple[int, int]]:
    """Spans of the text made of word runs shared with the instructions, overlapping runs merged."""
    # Matched on the text itself, not on text.lower(), which may change its length.
    matches = list(_WORD.finditer(text))
    words = [m.group(0).lower() for m in matches]
    region: tuple[int, int] | None = None
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) not in shingles:
            continue
        start, end = matches[i].start(), matches[i + n - 1].end()
        if region is not None and start <= region[1]:
            region = (region[0], end)
            continue
        if region is not None:
            yield region
        region = (start, end)
    if region is not None:
        yield region
