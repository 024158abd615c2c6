"""Shared base of our data-only presidio recognizers: patterns, context words, entity."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import regex  # type: ignore[import-untyped]
from presidio_analyzer import AnalysisExplanation, Pattern, PatternRecognizer, RecognizerResult

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# Case-insensitive like presidio's default; patterns that depend on case scope it
# off locally with (?-i:...).
FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


_KEYWORD_LEAD = regex.compile(r"\(\?<=\\b\(\?:[a-z]")


def lead_as_keep(pattern: str) -> str:
    """`(?<=KEYWORD...)REST` as `KEYWORD...\\KREST`: the same matches, found much faster.

    A lookbehind of keywords is tried at every position of the text (the plate pattern
    cost 0.1 ms a post); matched as a prefix and dropped from the match with `\\K` (the
    `regex` module's keep-out), the engine first scans for the keyword. Only a lookbehind
    opening with a group of plain keywords (`\\b(?:mrn|...`) gains: one opening with a
    comma, a case switch or a class ("(?<=,\\s)") is faster as it is and left unchanged.
    """
    if _KEYWORD_LEAD.match(pattern) is None:
        return pattern
    depth, index, in_class = 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern.startswith("[]", index) or pattern.startswith("[^]", index):
                index += 2 if pattern[index + 1] == "]" else 3
                continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return pattern[4:index] + r"\K" + pattern[index + 1 :]
        index += 1
    raise ValueError(f"unbalanced lookbehind in {pattern!r}")


class DataRecognizer(PatternRecognizer):
    """A `PatternRecognizer` declared by class attributes, presidio style.

    Subclasses set ENTITY, PATTERNS and CONTEXT, and override `validate_result`
    where a checksum or a shape rule applies.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[Pattern, ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    # A cheap test every match needs (most need a digit): texts without it skip the
    # patterns, which matters at a 10 ms budget per post.
    REQUIRES: ClassVar[regex.Pattern[str] | None] = None

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            patterns=[Pattern(p.name, lead_as_keep(p.regex), p.score) for p in self.PATTERNS],
            context=list(self.CONTEXT),
            supported_language="en",
            name=type(self).__name__,
            global_regex_flags=FLAGS,
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if self.REQUIRES is not None and self.REQUIRES.search(text) is None:
            return []
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return results


DIGIT = regex.compile(r"\d")


def has_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)


def explained_result(
    *, entity: str, start: int, end: int, score: float, recognizer: str, recognizer_id: str, why: str
) -> RecognizerResult:
    """A result of one of our own (non-pattern) recognizers, named so that presidio's context
    enhancement and our engine's per-recognizer rules can tell where it came from."""
    return RecognizerResult(
        entity_type=entity,
        start=start,
        end=end,
        score=score,
        analysis_explanation=AnalysisExplanation(
            recognizer=recognizer, original_score=score, textual_explanation=why
        ),
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer_id,
        },
    )
