"""Other unique numbers tied to a person: prescription, claim, case and order numbers (Safe Harbor R)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer

_LEAD = (
    r"(?<=\b(?:rx|prescription|claim|case|ticket|order|confirmation|reference|ref|booking|reservation"
    r"|tracking|file|employee|student|badge|customer|client|loyalty|invoice|card|id|permit|visitor|pass)"
    r"(?:\s+(?:number|no\.?|num|id|#|code))?(?:\s+is)?\s*[:#]?\s*)"
)


class OtherIdRecognizer(DataRecognizer):
    ENTITY = "OTHER_ID"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern(
            "number after an identifier keyword",
            _LEAD + r"(?-i:[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])|\s(?=\d)){4,24})\b",
            0.75,
        ),
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        # A code needs a digit; the word after "order" or "case" usually has none.
        return None if any(char.isdigit() for char in pattern_text) else False
