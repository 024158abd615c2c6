"""Social-media handles ("@jenny_runs_again") (Safe Harbor R: a unique identifying code)."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]
from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DataRecognizer


class SocialHandleRecognizer(DataRecognizer):
    ENTITY = "SOCIAL_HANDLE"
    REQUIRES = regex.compile(r"(?i)@|insta|\big\b|tiktok|twitter|snap|handle|user\s*name")
    PATTERNS = (
        # Not preceded by a word character, "@" or ".", so an e-mail's "@domain" is not a handle.
        Pattern("at-handle", r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b(?!@)", 0.8),
        Pattern(
            "handle after a platform keyword",
            r"(?<=\b(?:instagram|insta|ig|tiktok|twitter|snapchat|snap|handle|username|user\s+name)(?:\s+is)?\s*[:]?\s+)"
            r"(?-i:[a-z0-9_][a-z0-9_.]{2,28}[a-z0-9_])\b",
            0.6,
        ),
    )
    CONTEXT = ("instagram", "handle", "username", "tiktok", "twitter", "snapchat", "ig")

    def validate_result(self, pattern_text: str) -> bool | None:
        # A bare word after "instagram" needs a digit, underscore or dot to look like a handle.
        if pattern_text.startswith("@"):
            return None
        return None if any(char.isdigit() or char in "_." for char in pattern_text) else False
