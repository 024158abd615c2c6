"""Seven-digit local phone numbers ("555-0100"), which libphonenumber does not accept alone."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer


class LocalPhoneRecognizer(DataRecognizer):
    ENTITY = "PHONE_NUMBER"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern(
            "area code and number",
            r"(?<![\w-])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b(?![-.]\d)",
            0.5,
        ),
        Pattern("local number", r"(?<![\w.-])\d{3}[ .-]\d{4}\b(?![-.]\d)", 0.4),
        # "call you at 5550142266": ten bare digits count only with a phone word before them
        Pattern("ten digits", r"(?<![\w.-])\d{10}\b(?![-.]\d)", 0.3),
    )
    CONTEXT = ("call", "phone", "fax", "text", "cell", "mobile", "number", "reach", "contact", "tel")
