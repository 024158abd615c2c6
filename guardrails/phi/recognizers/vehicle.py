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
        return None if has_digit(pattern_text) else False
