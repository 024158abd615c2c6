"""Shared base of our data-only presidio recognizers: patterns, context words, entity."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import regex  # type: ignore[import-untyped]
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# Case-insensitive like presidio's default; patterns that depend on case scope it
# off locally with (?-i:...).
FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


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
            patterns=list(self.PATTERNS),
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
