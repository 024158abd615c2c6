"""Biometric identifiers: fingerprint, retina, palm-vein, face and voice template ids (Safe Harbor P)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer, has_digit

_LEAD = (
    r"(?<=\b(?:template|biometric|fingerprint|retina|retinal|iris|palm[- ]?vein|faceprint|face\s+id|voiceprint)"
    r"(?:\s+(?:template|scan|print))?(?:\s+(?:id|identifier|number|no\.?|#))?\s*[:#]?\s*)"
)


class BiometricIdRecognizer(DataRecognizer):
    ENTITY = "BIOMETRIC_ID"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("biometric template id", _LEAD + r"(?-i:[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){3,29})\b", 0.9),
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if has_digit(pattern_text) else False
