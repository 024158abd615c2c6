"""Names and places the NER model ran over an emoji between words, split at it.

"Patient spotlight ⛷ Ryan Castellano", "Maple & Vine Downtown ⚡ Walk-ins resume": the pieces
either side of the emoji are judged on their own (a heading, a name; a place, a word).
"""

from __future__ import annotations

from copy import copy

import regex  # type: ignore[import-untyped]
from presidio_analyzer import RecognizerResult

NAME_KINDS = frozenset({"PERSON", "LOCATION", "ORGANIZATION"})
_INNER_EMOJI = regex.compile(r"(?<=\w[\s]*)[\p{So}\p{Sk}](?=[\s\p{So}\p{Sk}\p{Cf}]*\w)")


def split_at_emoji(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """A name or place the model ran over an emoji between words ("Patient spotlight ⛷ Ryan
    Castellano", "Maple & Vine Downtown ⚡ Walk-ins") as the pieces either side of it."""
    split: list[RecognizerResult] = []
    for result in results:
        if (
            result.entity_type not in NAME_KINDS
            or _INNER_EMOJI.search(text, result.start, result.end) is None
        ):
            split.append(result)
            continue
        start = result.start
        for emoji in _INNER_EMOJI.finditer(text, result.start, result.end):
            split.append(_piece(result, start, emoji.start()))
            start = emoji.end()
        split.append(_piece(result, start, result.end))
    return [r for r in split if text[r.start : r.end].strip()]


def _piece(result: RecognizerResult, start: int, end: int) -> RecognizerResult:
    piece = copy(result)
    piece.start, piece.end = start, end
    return piece
