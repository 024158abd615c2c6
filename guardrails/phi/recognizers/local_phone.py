"""Seven-digit local phone numbers ("555-0100"), which libphonenumber does not accept alone."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer

# Between digit groups: a space, a dot, any dash or a bullet, spaced or not ("555 - 017 - 4402",
# "555•017•3318", "555–017–2288"), as people type them.
_SEP = r"(?:\s?[-‐‑‒–—•·.]\s?|\s)"


class LocalPhoneRecognizer(DataRecognizer):
    ENTITY = "PHONE_NUMBER"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern(
            "area code and number",
            rf"(?<![\w-])(?:\+?1{_SEP}?)?\(?\d{{3}}\)?{_SEP}?\d{{3}}{_SEP}\d{{4}}\b(?![-.]\d)",
            0.5,
        ),
        Pattern("local number", rf"(?<![\w.-])\d{{3}}{_SEP}\d{{4}}\b(?![-.]\d)", 0.4),
        # "call you at 5550142266", "text 15550179921": bare digits count only with a phone word before them
        Pattern("ten digits", r"(?<![\w.-])1?\d{10}\b(?![-.]\d)", 0.3),
    )
    CONTEXT = (
        "call", "phone", "fax", "text", "cell", "mobile", "number", "reach", "contact", "tel", "message",
        "voicemail",
    )  # fmt: skip
