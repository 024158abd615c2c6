"""What a draft is written from, for the guardrails' `provenance` family (invented identifiers).

The brief's links and wording, and every link in the organisation's library (approved
modules, disclaimers, templates, product pages): a link, phone number, code or date in a
draft that is in none of these nor in the organisation's facts was made up by the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agents.brief import Brief
from guardrails.context import ProvidedFacts
from knowledge.libraries.models import KnowledgeLibrary

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`)\]]+")
# Codes and numbers the approved modules carry ("1-800-FDA-1088"); only these, not the
# library's whole wording, so a check stays cheap.
_CODE = re.compile(r"[^\s,;:!?()\[\]]*\d[^\s,;:!?()\[\]]*")


def provided_facts(brief: Brief, library: KnowledgeLibrary) -> ProvidedFacts:
    strings = list(_strings(library.model_dump()))
    links = (m.group(0).rstrip(".,;:!?") for s in strings for m in _URL.finditer(s))
    codes = dict.fromkeys(m.group(0).rstrip(".") for s in strings for m in _CODE.finditer(s))
    return ProvidedFacts(
        links=list(dict.fromkeys([*brief.links, *links])),
        texts=[*brief.free_text_fields().values(), " ".join(codes)],
    )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
