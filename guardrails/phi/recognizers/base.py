"""Shared base of our data-only presidio recognizers: patterns, context words, entity."""

from __future__ import annotations

from typing import ClassVar

import regex  # type: ignore[import-untyped]
from presidio_analyzer import Pattern, PatternRecognizer

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

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            supported_language="en",
            name=type(self).__name__,
            global_regex_flags=FLAGS,
        )


def has_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)
