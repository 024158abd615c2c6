"""National Provider Identifiers: a clinician's number, checked with its Luhn digit (prefix 80840)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer


def npi_checksum_ok(number: str) -> bool:
    """CMS: the Luhn check over "80840" + the first nine digits gives the tenth."""
    digits = [int(c) for c in "80840" + number[:9]]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:  # doubled: the rightmost payload digit sits next to the check digit
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(number[9])


class NpiRecognizer(DataRecognizer):
    ENTITY = "NPI"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("npi after its keyword", r"(?<=\bnpi(?:\s+(?:number|no\.?|#))?\s*[:#]?\s*)\d{10}\b", 0.6),
    )

    # Keyword-led only: a bare ten-digit number passes the Luhn check one time in ten
    # and would then outrank the phone number it usually is.

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = "".join(c for c in pattern_text if c.isdigit())
        return len(digits) == 10 and npi_checksum_ok(digits)
