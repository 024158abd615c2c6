"""Synthetic stand-ins for identifiers, and replacing them in a text while keeping spans mappable.

Every identifier the guardrails' detector finds is replaced by a made-up one of the
same type and shape (a name by a name, a phone number by a 555-01xx number, a date
by a valid date), drawn from a seeded generator so that the same seed gives the
same export. A value is never replaced by itself or by anything sharing a word with
an original identifier of the same text, and the same original gets the same
stand-in throughout the text.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from guardrails.findings import Entity
from guardrails.redact import RedactedEntity

FIRST_NAMES = (
    "Avery", "Rowan", "Quinn", "Harper", "Emerson", "Sasha", "Marlowe", "Tamsin",
    "Ellery", "Idris", "Caspian", "Liesel", "Oren", "Wren", "Juniper", "Thaddeus",
)  # fmt: skip
LAST_NAMES = (
    "Thornbury", "Ashdown", "Kestrelton", "Whitlock", "Fennimore", "Halloway", "Brightwell",
    "Quillfeather", "Marchbank", "Oakenshaw", "Pellinore", "Sallowby",
)  # fmt: skip
PLACES = (
    "Wrenfield",
    "Cobalt Ridge",
    "Marrow Bay",
    "Elder Point",
    "Thistle Hollow",
    "Greyhaven",
    "Larch Crossing",
)
STREETS = ("Juniper Lane", "Copperbeech Road", "Tallow Street", "Marram Way", "Foxglove Avenue")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+")
# Parts of addresses that say nothing about whom they belong to.
COMMON_WORDS = frozenset({"com", "org", "net", "www", "http", "https", "example", "mail", "gmail"})
ATTEMPTS = 50


@dataclass(frozen=True)
class Replacement:
    start: int  # in the original text
    end: int
    new_start: int  # in the new text
    new_end: int


@dataclass(frozen=True)
class Deidentified:
    text: str
    replacements: tuple[Replacement, ...]

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the original text in the new one; an end inside a replaced identifier covers all of it."""
        return self._map(start, at_end=False), self._map(end, at_end=True)

    def _map(self, position: int, *, at_end: bool) -> int:
        shift = 0
        for r in self.replacements:
            if position <= r.start:
                break
            if position >= r.end:
                shift += (r.new_end - r.new_start) - (r.end - r.start)
                continue
            return r.new_end if at_end else r.new_start
        return position + shift


class SyntheticIdentifiers:
    """Made-up identifiers for one text, avoiding every word of its real ones."""

    def __init__(self, rng: random.Random, originals: Sequence[tuple[Entity, str]]) -> None:
        self._rng = rng
        self._values = {value.lower() for _, value in originals}
        # Words of real names and places: a stand-in must not carry any of them ("Maria" in an e-mail).
        self._words = {
            w.lower()
            for entity, value in originals
            if entity in (Entity.PERSON, Entity.LOCATION, Entity.EMAIL, Entity.SOCIAL_HANDLE)
            for w in _WORD.findall(value)
            if w.isalpha() and len(w) > 2 and w.lower() not in COMMON_WORDS
        }
        self._chosen: dict[tuple[Entity, str], str] = {}
        self._name_parts: dict[str, str] = {}

    def stand_in(self, entity: Entity, original: str) -> str:
        key = (entity, original.lower())
        if key not in self._chosen:
            if entity is Entity.PERSON:
                self._chosen[key] = self._person(original)
            else:
                self._chosen[key] = self._fresh(lambda: self._make(entity, original), f"[{entity.value}]")
        return self._chosen[key]

    def _fresh(self, make: Callable[[], str], fallback: str) -> str:
        for _ in range(ATTEMPTS):
            candidate = make()
            words = {w.lower() for w in _WORD.findall(candidate)}
            if candidate.lower() not in self._values and not words & self._words:
                return candidate
        return fallback  # never an original, whatever the generator drew

    def _person(self, original: str) -> str:
        """Name by name part, so "Maria Lopez" and a later "Maria" get the same made-up first name."""
        parts = original.split()
        out = []
        for position, part in enumerate(parts):
            key = part.lower().strip(".,")
            if key not in self._name_parts:
                names = FIRST_NAMES if position == 0 else LAST_NAMES
                free = [n for n in names if n not in self._name_parts.values()] or list(names)
                self._name_parts[key] = self._fresh(partial(self._rng.choice, free), "[PERSON]")
            out.append(self._name_parts[key])
        return " ".join(out)

    def _make(self, entity: Entity, original: str) -> str:
        rng = self._rng
        if entity is Entity.LOCATION:
            if any(c.isdigit() for c in original):
                return f"{rng.randint(10, 9899)} {rng.choice(STREETS)}"
            return rng.choice(PLACES)
        if entity is Entity.EMAIL:
            return f"{rng.choice(FIRST_NAMES).lower()}.{rng.choice(LAST_NAMES).lower()}@example.org"
        if entity is Entity.URL:
            path = "".join(rng.choices(string.ascii_lowercase, k=6))
            return f"https://example.org/{path}" if "://" in original else f"example.org/{path}"
        if entity is Entity.SOCIAL_HANDLE:
            return f"@{rng.choice(FIRST_NAMES)}{rng.choice(LAST_NAMES)}"
        if entity is Entity.IP_ADDRESS:
            return f"203.0.113.{rng.randint(1, 254)}"  # TEST-NET-3, reserved for documentation
        if entity is Entity.DATE:
            return self._date(original)
        if entity in (Entity.PHONE, Entity.FAX):
            return self._phone(original)
        return self._same_shape(original)

    def _date(self, original: str) -> str:
        rng = self._rng
        if any(c.isalpha() for c in original):
            return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
        groups = re.findall(r"\d+", original)
        values = [rng.randint(1, 12), rng.randint(1, 28), rng.randint(1950, 2025)]
        parts = iter(values)
        out = original
        if 2 <= len(groups) <= 3:
            out = re.sub(r"\d+", lambda m: _width(next(parts), len(m.group())), original)
        return out if out != original else self._same_shape(original)

    def _phone(self, original: str) -> str:
        digits = [str(self._rng.randint(0, 9)) for c in original if c.isdigit()]
        if len(digits) >= 7:
            digits[-7:-2] = list("55501")  # the fictional 555-01xx range
        it = iter(digits)
        return "".join(next(it) if c.isdigit() else c for c in original)

    def _same_shape(self, original: str) -> str:
        rng = self._rng
        out = []
        for c in original:
            if c.isdigit():
                out.append(str(rng.randint(0, 9)))
            elif c.isupper():
                out.append(rng.choice(string.ascii_uppercase))
            elif c.islower():
                out.append(rng.choice(string.ascii_lowercase))
            else:
                out.append(c)
        return "".join(out)


def _width(value: int, width: int) -> str:
    text = str(value)
    if width == 2 and len(text) == 4:  # a two-digit year
        return text[2:]
    return text.zfill(width) if width > len(text) else text


def replace_identifiers(text: str, entities: Sequence[RedactedEntity], rng: random.Random) -> Deidentified:
    """`text` with each detected identifier replaced by a stand-in; overlapping detections merge into the first."""
    ordered = sorted(entities, key=lambda e: (e.start, -e.end))
    synthetic = SyntheticIdentifiers(rng, [(e.entity, text[e.start : e.end]) for e in ordered])
    pieces: list[str] = []
    replacements: list[Replacement] = []
    cursor = 0
    length = 0
    for entity in ordered:
        if entity.start < cursor:
            continue
        pieces.append(text[cursor : entity.start])
        length += entity.start - cursor
        stand_in = synthetic.stand_in(entity.entity, text[entity.start : entity.end])
        replacements.append(Replacement(entity.start, entity.end, length, length + len(stand_in)))
        pieces.append(stand_in)
        length += len(stand_in)
        cursor = entity.end
    pieces.append(text[cursor:])
    return Deidentified("".join(pieces), tuple(replacements))
