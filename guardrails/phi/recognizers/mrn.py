"""Medical record numbers in their many formats (Safe Harbor H)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer, has_digit

# An identifier token: letters, digits and inner hyphens, at least one digit (checked
# in validate_result).
_ID = r"(?-i:[A-Z0-9](?:[A-Z0-9]|[-/](?=[A-Z0-9])){3,19})\b"
_LEAD = (
    r"(?<=\b(?:mrn|medical\s+record(?:\s+(?:number|no\.?|num|#))?|chart(?:\s+(?:number|no\.?|num|#))?"
    r"|record\s+(?:number|no\.?|#)|patient\s+(?:id|number|no\.?)|patient\s*#|hospital\s+(?:number|no\.?))"
    r"\s*[:.#]?\s*#?\s*)"
)


class MedicalRecordNumberRecognizer(DataRecognizer):
    ENTITY = "MRN"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("mrn after a record keyword", _LEAD + _ID, 0.9),
        # "chart #00 7719 2284": digit groups after a record keyword
        Pattern("mrn digit groups after a record keyword", _LEAD + r"\d{2,4}(?:\s\d{2,4}){1,4}\b", 0.9),
        # "your lab slip was filed under SRH-00-441-782"
        Pattern("mrn filed under", r"(?<=\bfiled\s+(?:\w+ly\s+)?under\s+)" + _ID, 0.6),
        # "chart no. QH 22-0417": a lettered prefix, a space, then digit groups
        Pattern(
            "mrn lettered groups after a record keyword",
            _LEAD + r"(?-i:[A-Z]{1,4})\s\d{2,}(?:[-\s]\d{2,}){0,3}\b",
            0.9,
        ),
        Pattern("mrn hash, letters and digit groups", r"(?-i:#[A-Z]{1,4}-\d{3,}(?:-\d{2,})+\b)", 0.5),
        Pattern("mrn lettered prefix and digit groups", r"(?-i:\b[A-Z]{1,4}-\d{3,}(?:-\d{2,})+\b)", 0.2),
        Pattern("mrn digits only (weak)", r"\b\d{6,10}\b", 0.05),
        # "patient 00 58 27 31": digit groups right after "patient"
        Pattern("mrn digit groups after patient", r"(?<=\bpatient\s+#?)\d{2,4}(?:[ -]\d{2,4}){2,4}\b", 0.6),
    )
    CONTEXT = ("mrn", "chart", "record", "records", "medical", "patient", "ehr", "emr")

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if has_digit(pattern_text) else False
