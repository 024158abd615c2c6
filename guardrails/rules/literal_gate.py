"""Which literal strings a regular expression cannot match without: a cheap test before a scan.

Python's `re` tries a case-insensitive pattern that opens with `\\b` at every position of the
text, so a lexicon of many such patterns costs far more than the substring tests that can rule
most of them out. `required_literals` reads the pattern's syntax tree and returns strings of
which at least one occurs in every match; `None` means it could not tell, and the pattern must
always run. The test errs only towards running a pattern: it never skips one that would match.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# The only non-ASCII characters that `re.IGNORECASE` matches to an ASCII letter
# (found by testing every code point); `fold` maps them before lowercasing.
_ASCII_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
Literals = frozenset[str]


def fold(text: str) -> str:
    """The form of `text` that a gate's literals are looked up in."""
    return text.translate(_ASCII_FOLDS).lower()


def required_literals(pattern: re.Pattern[str]) -> Literals | None:
    """Strings (lowercase ASCII) at least one of which is in `fold(text)` whenever `pattern` matches."""
    try:
        # The stdlib's own parser of pattern syntax (private, so typeshed lacks it); should a
        # later Python move it, every pattern simply runs.
        parser: Any = importlib.import_module("re._parser")
        tree = parser.parse(pattern.pattern, pattern.flags)
    except (ImportError, AttributeError, re.error, TypeError, ValueError):
        return None
    return _sequence(list(tree))


def _sequence(items: Sequence[tuple[object, object]]) -> Literals | None:
    """The best single requirement among the parts every match of this sequence contains."""
    options: list[Literals] = []
    run = ""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and isinstance(arg, int) and chr(arg).isascii():
            run += chr(arg).lower()
            continue
        if run:
            options.append(frozenset({run}))
            run = ""
        part = _part(name, arg)
        if part is not None:
            options.append(part)
    if run:
        options.append(frozenset({run}))
    if not options:
        return None
    # The rarest-looking requirement: its shortest string as long as possible, then the fewest.
    return max(options, key=lambda strings: (min(map(len, strings)), -len(strings)))


def _part(name: str, arg: object) -> Literals | None:
    if name == "SUBPATTERN" and isinstance(arg, tuple):
        return _sequence(list(arg[-1]))
    if name == "BRANCH" and isinstance(arg, tuple):
        union: set[str] = set()
        for alternative in arg[1]:
            strings = _sequence(list(alternative))
            if strings is None:
                return None  # one alternative can match without any literal we know of
            union |= strings
        return frozenset(union)
    if name in _REPEATS and isinstance(arg, tuple) and arg[0] >= 1:
        return _sequence(list(arg[2]))
    return None  # character classes, anchors, lookarounds, back-references: no requirement


@dataclass(frozen=True)
class Gate:
    """A pattern with the literals it needs; `open(folded)` says whether the scan can match."""

    literals: Literals | None

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gate:
        return cls(required_literals(pattern))

    def open(self, folded: str) -> bool:
        return self.literals is None or any(literal in folded for literal in self.literals)
