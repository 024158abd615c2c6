"""Health plan beneficiary and member numbers (Safe Harbor I)."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer, has_digit

# Upper-case groups, optionally spaced ("WLP 884 201 337"); later groups need a digit so
# the match stops before an ordinary word.
_ID = r"(?-i:(?!(?:ID|NO|NUM|NUMBER)\b)[A-Z0-9]{2,}(?:[ -](?=[A-Z]{0,3}\d)[A-Z0-9]{2,}){0,4})\b"
_LEAD = (
    r"(?<=\b(?:member|subscriber|policy|beneficiary|medicare|medicaid|insurance|insurer|plan|mbi)"
    r"(?:\s+(?:id|identification|number|no\.?|num|#)){0,2}\s*[:#]?\s*)"
)

_YEAR = re.compile(r"(?:19|20)\d\d")

_LATER = (
    r"(?<=\b(?:member|subscriber|policy|beneficiary)\s+(?:id|number|no\.?)\b"
    r"(?:[^.!?\n\d]{0,25}?,\s*|\s+(?:is|was|to|now|reads)\s+))"
)


# CMS's Medicare Beneficiary Identifier: 11 characters in a fixed pattern of digits and letters
# (no S, L, O, I, B or Z), often written 4-3-4 ("1EG4-TE5-MK72"). The shape alone is specific
# enough to stand without a "Medicare" beside it.
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI_EITHER = "[AC-HJKMNP-RT-Y0-9]"
_MBI = (
    rf"(?-i:\b[1-9]{_MBI_LETTER}{_MBI_EITHER}\d-?{_MBI_LETTER}{_MBI_EITHER}\d-?{_MBI_LETTER}{{2}}\d{{2}}\b)"
)


class HealthPlanIdRecognizer(DataRecognizer):
    ENTITY = "HEALTH_PLAN_ID"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("plan id after a member keyword", _LEAD + _ID, 0.85),
        # "the insurance member ID on the form, ZXK 902 118 364", "your member ID to TXD-55091-4478"
        Pattern("plan id after a member id phrase", _LATER + _ID, 0.6),
        Pattern("medicare beneficiary identifier", _MBI, 0.6),
    )
    CONTEXT = ("member", "subscriber", "policy", "insurance", "plan", "medicare", "medicaid", "coverage")

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = sum(char.isdigit() for char in pattern_text)
        if _YEAR.fullmatch(pattern_text):
            return False  # "Help us plan 2027!": a year, not a member number
        return None if has_digit(pattern_text) and digits >= 4 else False
