"""Citations of laws and regulations in a drafted text: "45 CFR Part 164", "42 U.S.C. § 1320d",
"the Patient Privacy Act of 2019".

A small model asked for a post writes "Laws and regulations: 2019 USPPA (Public Policy in
the United States Act of 2019) 45 CFR Part 3": citations that look authoritative and
exist nowhere. A post citing a regulation makes a legal claim in the organisation's name,
so the provenance family reports any citation the brief, the approved modules and the
organisation's facts do not contain, unless it names a law from the lexicon's list of
laws healthcare posts commonly cite (HIPAA, the Affordable Care Act...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Section and part numbers of the US codes, and public-law numbers.
_CODE_CITATION = re.compile(
    r"\b\d{1,2}\s*(?:CFR|C\.F\.R\.)\s*(?:(?:Parts?|§§?|Sec(?:tion)?\.?)\s*)?\d+(?:\.\d+)*(?:\([a-z0-9]+\))*"
    r"|\b\d{1,2}\s*U\.?\s?S\.?\s?C\.?\s*(?:§§?\s*)?\d+[a-z]?(?:-\d+)?(?:\([a-z0-9]+\))*"
    r"|§§?\s*\d+(?:\.\d+)*(?:\([a-z0-9]+\))*"
    r"|\b(?:Public\s+Law|Pub\.\s*L\.(?:\s*No\.)?)\s*\d{2,3}-\d{1,4}",
    re.IGNORECASE,
)
# A named act: capitalised words (and "of", "and", "for", "the") ending in "Act", with its year.
_NAMED_ACT = re.compile(
    r"\b(?:[A-Z][A-Za-z.'’-]*\s+(?:(?:of|and|for|the|on|in|to)\s+)*){1,8}Act\b(?:\s+of\s+(?:19|20)\d{2})?"
)
# The words before an act's name that are not part of it ("Under the Privacy Act", "The ...").
_LEADING = re.compile(r"^(?:(?:The|the|Under|Per|Since|By|And|Our|Your|As|In|Please|Now|Today|So)\s+)+")
_SUBSECTION = re.compile(r"\([a-z0-9]+\)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Citation:
    start: int
    end: int
    text: str


def find_citations(text: str) -> list[Citation]:
    """Every code citation and named act in `text`, spans over `text`, left to right."""
    found = [Citation(m.start(), m.end(), m.group(0)) for m in _CODE_CITATION.finditer(text)]
    for match in _NAMED_ACT.finditer(text):
        leading = _LEADING.match(match.group(0))
        start = match.start() + (len(leading.group(0)) if leading else 0)
        name = text[start : match.end()]
        if len(name.split()) < 2 or any(c.start < match.end() and start < c.end for c in found):
            continue  # "Please Act" is a call to action, not a law
        found.append(Citation(start, match.end(), name))
    return sorted(found, key=lambda c: c.start)


def normalise(citation: str) -> str:
    """Lower case, one space, no section signs, dots or subsections: "45 C.F.R. § 164.508(a)"
    becomes "45 cfr 164508"."""
    plain = _SUBSECTION.sub("", citation.lower()).replace("§", " ").replace(".", "").replace("part ", " ")
    return _SPACE.sub(" ", plain).strip()


class CitationIndex:
    """The citations a drafted text may make: those in its sources, and commonly cited laws."""

    def __init__(self, sources: Iterable[str], common_laws: Iterable[str]) -> None:
        self._known = " \n ".join(normalise(text) for text in sources)
        self._common = tuple(normalise(law) for law in common_laws)

    def unknown(self, text: str) -> Iterator[Citation]:
        for citation in find_citations(text):
            key = normalise(citation.text)
            if key in self._known or any(law in key for law in self._common):
                continue
            yield citation
