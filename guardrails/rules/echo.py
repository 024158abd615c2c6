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

from pydantic import BaseModel, ConfigDict, Field

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


class EchoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    shingle_words: int = Field(
        default=5,
        ge=3,
        le=12,
        description="Words in a row shared with the instructions that count as repeating them",
    )


class EchoFamily(RuleFamily):
    name = "echo"
    specs = (
        RuleSpec("echo.instructions", Category.BRAND, Severity.BLOCK, _CITATION,
                 "The text repeats the drafting instructions instead of being a post."),
        RuleSpec("echo.source_marker", Category.BRAND, Severity.BLOCK, _CITATION,
                 "A source id or code fence from the drafting prompt is left in the text."),
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
        if not shingles:
            return
        for start, end in _repeated(source, shingles, n):
            yield self.finding(
                "echo.instructions",
                "This repeats the drafting instructions; it is not part of the post.",
                span=text.span(start, end),
                suggestion="Remove it and write the post itself.",
            )


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
