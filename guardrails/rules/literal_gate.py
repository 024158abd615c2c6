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
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# The only non-ASCII characters that `re.IGNORECASE` matches to an ASCII letter
# (found by testing every code point); `fold` maps them before lowercasing.
_ASCII_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
Literals = frozenset[str]


def fold(text: str) -> str:
    """The form of `text` that a gate's literals are looked up in."""
    return text.translate(_ASCII_FOLDS).lower()


def _syntax_tree(pattern: re.Pattern[str]) -> Any | None:
    try:
        # The stdlib's own parser of pattern syntax (private, so typeshed lacks it); should a
        # later Python move it, every pattern simply runs.
        parser: Any = importlib.import_module("re._parser")
        return parser.parse(pattern.pattern, pattern.flags)
    except (ImportError, AttributeError, re.error, TypeError, ValueError):
        return None


def required_literals(pattern: re.Pattern[str]) -> Literals | None:
    """Strings (lowercase ASCII) at least one of which is in `fold(text)` whenever `pattern` matches."""
    tree = _syntax_tree(pattern)
    return None if tree is None else _sequence(list(tree))


def _never_empty(pattern: re.Pattern[str]) -> bool:
    tree = _syntax_tree(pattern)
    try:
        return tree is not None and int(tree.getwidth()[0]) > 0
    except (AttributeError, TypeError, IndexError):
        return False


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


class Matcher(Protocol):
    """What the rules call on a compiled pattern: `re.Pattern` and `GatedUnion` both fit."""

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None: ...

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]: ...


class GatedUnion:
    """`re.compile("|".join(patterns), flags)` for `search` and `finditer`, with the same matches,
    run as one pattern per alternative behind its gate.

    The union's leftmost-first rule is kept: the earliest start wins, and at the same start the
    alternative listed first. Should an alternative be able to match the empty string, the rules
    for where `finditer` resumes get subtle, so the plain union runs instead.
    """

    def __init__(self, patterns: Sequence[str], flags: int) -> None:
        compiled = [re.compile(pattern, flags) for pattern in patterns]
        self._union = re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", flags)
        self._gated = (
            tuple((pattern, Gate.of(pattern)) for pattern in compiled)
            if all(_never_empty(pattern) for pattern in compiled)
            else None
        )
        self._last_open: tuple[str, list[re.Pattern[str]]] = ("", [])

    def _open(self, string: str) -> list[re.Pattern[str]]:
        assert self._gated is not None
        last, patterns = self._last_open
        if string is not last:  # a rule searches one text many times, a sentence at a time
            folded = fold(string)
            patterns = [pattern for pattern, gate in self._gated if gate.open(folded)]
            self._last_open = (string, patterns)
        return patterns

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._gated is None:
            return self._union.search(string, pos, endpos)
        return _leftmost([pattern.search(string, pos, endpos) for pattern in self._open(string)])

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if self._gated is None:
            yield from self._union.finditer(string, pos, endpos)
            return
        patterns = self._open(string)
        upcoming = [pattern.search(string, pos, endpos) for pattern in patterns]
        while (found := _leftmost(upcoming)) is not None:
            yield found
            resume = found.end()  # never empty, so the scan moves on
            for index, match in enumerate(upcoming):
                # A match that starts at or after `resume` is the one a new search would find.
                if match is not None and match.start() < resume:
                    upcoming[index] = patterns[index].search(string, resume, endpos)


def _leftmost(matches: Sequence[re.Match[str] | None]) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for match in matches:
        if match is not None and (best is None or match.start() < best.start()):
            best = match
    return best
