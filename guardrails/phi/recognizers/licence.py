"""Certificate and licence numbers: driver's licences, CDLs, professional licences (Safe Harbor K)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer, has_digit

_ID = r"(?-i:[A-Z0-9](?:[A-Z0-9]|[- ](?=[A-Z0-9]*\d)){4,19})\b"
_LEAD = (
    r"(?<=\b(?:licen[cs]e|dl|cdl|permit|certificate|cert|dea|passport)"
    r"(?:\s+(?:number|no\.?|num|#|id))?\s*(?:\((?-i:[A-Z]{2})\)\s*)?(?:[:#]\s*|\((?!\s*(?:cdl|dl|dea)\b)\s*|\s*(?:is|was|reads)\s+)?)"
)


class LicenceNumberRecognizer(DataRecognizer):
    ENTITY = "LICENSE_NUMBER"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("licence after a licence keyword", _LEAD + _ID, 0.85),
        Pattern("licence lettered shape", r"(?-i:\b[A-Z]{1,3}-?\d{3,4}-\d{3,4}-\d{3,4}\b)", 0.2),
        Pattern("licence mixed shape", r"(?-i:\b[A-Z]{2,4}-[A-Z0-9]{6,10}\b)", 0.05),
    )
    CONTEXT = ("license", "licence", "licensed", "dl", "cdl", "driver", "permit", "passport")

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if has_digit(pattern_text) else False
