"""Device identifiers and serial numbers (Safe Harbor M): implants, sensors, hearing aids."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer, has_digit

_LEAD = (
    r"(?<=\b(?:serial|s/n|sn|udi|imei|device\s+(?:id|identifier|number|no\.?))"
    r"(?:\s+(?:number|no\.?|num|#))?(?:\s*[:#,(]?\s*|\s+(?:is|was|reads)\s+))"
)


class DeviceSerialRecognizer(DataRecognizer):
    ENTITY = "DEVICE_ID"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern(
            "serial after a device keyword",
            # one inner space only before a group with a digit: "serial CRT-D 44A9-0021"
            _LEAD + r"(?-i:[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])| (?=[A-Z0-9-]*\d)){3,29})\b",
            0.9,
        ),
        Pattern(
            "serial in parentheses after the device it belongs to",
            # "the serial number of your father's oxygen concentrator (PJN704512H)"
            r"(?<=\bserial(?:\s+(?:number|no\.?|#))?\s+(?:of|for|on)\s+[^.!?\n()]{1,60}?\(\s*)"
            r"(?-i:[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){3,29})\b(?=\s*\))",
            0.85,
        ),
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if has_digit(pattern_text) else False
