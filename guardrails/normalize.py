"""Fold text to a canonical form for matching, keeping a map back to the original.

Obfuscation must not hide an identifier: a zero-width space inside an MRN, a
Cyrillic "а" inside a Latin name or full-width digits in a phone number all
fold to plain ASCII here. Rules match on `NormalizedText.text` and report spans
through `to_original`, so findings always point into the text as submitted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Invisible characters used to split tokens without changing how text looks.
_INVISIBLE = frozenset(
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c"  # arabic letter mark
    "\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u3164\ufeff\uffa0"
)

# Cyrillic and Greek letters that render like Latin ones. A curated table, not
# Unicode's full confusables skeleton, because that also rewrites ordinary Latin
# sequences ("rn" -> "m") and would corrupt names and drug stems.
_HOMOGLYPHS = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D",
    "Ԛ": "Q", "Ԝ": "W",
    # Cyrillic small
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ց": "g", "ո": "n", "ս": "u",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Greek small
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "υ": "u",
    "χ": "x", "ϲ": "c", "ϳ": "j",
}  # fmt: skip


# A Cyrillic or Greek O beside a digit stands for a zero ("room 3Ο2", "MRN 4О817"): as a letter
# it would hide the number from every number pattern.
_ZERO_LIKE = frozenset("ОоΟο")


def _beside_digit(original: str, index: int) -> bool:
    before = original[index - 1 : index]
    after = original[index + 1 : index + 2]
    return before.isdigit() or after.isdigit()


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _INVISIBLE:
        return ""
    if char in _HOMOGLYPHS:
        return _HOMOGLYPHS[char]
    folded = unicodedata.normalize("NFKC", char)
    # NFKC can itself produce look-alikes (e.g. compatibility Greek forms).
    return "".join(_HOMOGLYPHS.get(piece, piece) for piece in folded)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """`text` folded for matching; `_starts[i]`/`_ends[i]` locate its i-th char in `original`."""

    original: str
    text: str
    _starts: tuple[int, ...] | None
    _ends: tuple[int, ...] | None

    @property
    def is_identity(self) -> bool:
        return self._starts is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `text` to the span of `original` that produced it."""
        if self._starts is None or self._ends is None:
            return start, end
        if not 0 <= start <= end <= len(self.text):
            raise ValueError("span outside the normalised text")
        if start == end:
            position = self._starts[start] if start < len(self.text) else len(self.original)
            return position, position
        return self._starts[start], self._ends[end - 1]


def normalize(original: str) -> NormalizedText:
    """Fold `original` (NFKC, invisible characters, look-alike letters) with an offset map."""
    if original.isascii():
        return NormalizedText(original, original, None, None)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(original):
        folded = "0" if char in _ZERO_LIKE and _beside_digit(original, index) else _fold_char(char)
        pieces.append(folded)
        starts.extend([index] * len(folded))
        ends.extend([index + 1] * len(folded))
    return NormalizedText(original, "".join(pieces), tuple(starts), tuple(ends))
