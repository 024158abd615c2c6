"""References to a person's photo: full-face photographs are identifiers (Safe Harbor Q)."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]
from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DataRecognizer

_NOUN = (
    r"(?:photos?|pictures?|pics?|selfies?|portraits?|headshots?|snapshots?|mugshots?|images?"
    r"|before[- /]and[- /]afters?|before/afters?|before-afters?)"
)


class PhotoReferenceRecognizer(DataRecognizer):
    ENTITY = "PHOTO"
    REQUIRES = regex.compile(r"(?i)photo|picture|pic|selfie|portrait|headshot|snapshot|mugshot|image|before")
    PATTERNS = (
        Pattern(
            "possessive photo reference",
            rf"\b(?:his|her|their|your)\s+(?:[\w'/-]+\s+){{0,3}}?{_NOUN}(?:\s+{_NOUN})?\b"
            r"(?:\s+(?:with|from)\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}?(?:team|staff|crew|nurses|doctors))?",
            0.7,
        ),
        Pattern("photo of a named person", rf"\b{_NOUN}\s+of\s+(?-i:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b", 0.4),
    )
