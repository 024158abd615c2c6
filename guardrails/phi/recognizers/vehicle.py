"""Vehicle identifiers: licence plates and VINs (Safe Harbor L)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer, has_digit

_PLATE = r"(?-i:(?:[A-Z]{2}\s)?[A-Z0-9]{1,4}[- ]?[A-Z0-9]{2,5})\b"
_LEAD = r"(?<=\b(?:plates?|tags?|licen[cs]e\s+plate|reg(?:istration)?)(?:\s+(?:number|no\.?|#))?\s*[:#]?\s*)"
_VEHICLE = r"(?<=\b(?:car|truck|van|suv|vehicle|motorcycle|camry|sedan|pickup|jeep)\s*\(\s*)"


class VehicleIdRecognizer(DataRecognizer):
    ENTITY = "VEHICLE_ID"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("plate after a plate keyword", _LEAD + _PLATE, 0.85),
        Pattern("plate in brackets after a vehicle", _VEHICLE + _PLATE, 0.8),
        Pattern("plate shape", r"(?-i:\b\d[A-Z]{3}\d{3}\b)", 0.3),
        Pattern("vin", r"(?-i:\b[A-HJ-NPR-Z0-9]{17}\b)", 0.3),
    )
    CONTEXT = ("plate", "plates", "car", "vehicle", "vin", "parked", "truck", "tag")

    def validate_result(self, pattern_text: str) -> bool | None:
        if not has_digit(pattern_text):
            return False
        if len(pattern_text) == 17 and pattern_text.isalnum():
            return vin_checksum_ok(pattern_text.upper())
        return None


_VIN_VALUES = dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
        strict=True,
    )
)
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_checksum_ok(vin: str) -> bool:
    """The ninth character of a North American VIN is a check digit (0-9 or X)."""
    total = sum(
        (int(c) if c.isdigit() else _VIN_VALUES.get(c, 0)) * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)
    )
    check = total % 11
    return vin[8] == ("X" if check == 10 else str(check))
