"""What a draft is written from, for the guardrails' `provenance` family (invented identifiers).

The brief's links and wording, and every link in the organisation's library (approved
modules, disclaimers, templates, product pages): a link, phone number, code or date in a
draft that is in none of these nor in the organisation's facts was made up by the model.
And the organisation's own contact numbers, added to the facts every check of a draft uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from agents.brief import Brief
from agents.prompts import PROMPT_VERSION, instruction_wording
from guardrails.context import ContextFacts, Location, ProvidedFacts
from knowledge.libraries.models import KnowledgeLibrary

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`)\]]+")
# Codes and numbers the approved modules carry ("1-800-FDA-1088"); only these, not the
# library's whole wording, so a check stays cheap.
_CODE = re.compile(r"[^\s,;:!?()\[\]]*\d[^\s,;:!?()\[\]]*")


def provided_facts(
    brief: Brief, library: KnowledgeLibrary, prompt_version: str = PROMPT_VERSION
) -> ProvidedFacts:
    links, codes = _library_links_and_codes(_Same(library))
    return ProvidedFacts(
        links=list(dict.fromkeys([*brief.links, *links])),
        texts=[*brief.free_text_fields().values(), codes],
        instructions=list(instruction_wording(prompt_version)),
    )


@dataclass(frozen=True, eq=False)
class _Same:
    """A library compared by identity: the library repository hands out one frozen object per
    organisation until the library changes, and a changed library is a new object."""

    library: KnowledgeLibrary

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.library is self.library

    def __hash__(self) -> int:
        return id(self.library)


# Walking a whole library costs about 5 ms, most of a modular brief's set-up; it changes only
# when the organisation stores a new one. The cache holds each library it keys on, so an id is
# never reused while its entry lives.
@lru_cache(maxsize=32)
def _library_links_and_codes(same: _Same) -> tuple[tuple[str, ...], str]:
    strings = list(strings_in(same.library.model_dump()))
    links = (m.group(0).rstrip(".,;:!?") for s in strings for m in _URL.finditer(s))
    codes = dict.fromkeys(m.group(0).rstrip(".") for s in strings for m in _CODE.finditer(s))
    return tuple(links), " ".join(codes)


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value (a model dump)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


_PHONE = re.compile(r"(?:\(\d{3}\)\s?|\b\d{3}[-.\s])\d{3}[-.\s]\d{4}\b")


def with_contact_numbers(facts: ContextFacts, library: KnowledgeLibrary) -> ContextFacts:
    """Add the organisation's own contact numbers (main line, patient relations, those in approved
    reply templates) to its facts, so a check does not read our own phone lines as a patient's."""
    brand = library.brand
    relations = {m.group(0) for m in _PHONE.finditer(brand.patient_relations_contact)}
    sources = [brand.main_phone, brand.patient_relations_contact]
    sources += [t.text for t in library.templates.review_replies]
    known = {loc.phone for loc in facts.organisation.locations}
    numbers = [
        n for n in dict.fromkeys(m.group(0) for s in sources for m in _PHONE.finditer(s)) if n not in known
    ]
    if not numbers:
        return facts
    extra = [
        Location(
            name=f"{brand.organisation} Patient Relations" if n in relations else brand.organisation, phone=n
        )
        for n in numbers
    ]
    organisation = facts.organisation.model_copy(
        update={"locations": [*facts.organisation.locations, *extra]}
    )
    return facts.model_copy(update={"organisation": organisation})
