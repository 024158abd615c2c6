"""presidio's own recognizers that we keep, each behind a cheap test of the text.

A post without "@" has no e-mail address; one without a dot between letters has no
URL. Skipping the full patterns then saves most of presidio's time on a typical post.
Results keep these classes' ids, so presidio's context enhancement still applies.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from typing import Any

import regex  # type: ignore[import-untyped]
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

_AT = regex.compile(r"@|[\[(]\s*at\s*[\])]", regex.IGNORECASE)
_EMAIL_SHAPE = regex.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# "ellen.marsh [at] example.org", "bea (at) mail (dot) example": written so scrapers miss it,
# still the person's address
_SPELLED_DOT = r"(?:\s*[\[(]\s*dot\s*[\])]\s*|\.)"
_SPELLED_EMAIL = regex.compile(
    rf"(?<![\w.+-])[\w.+-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+(?:{_SPELLED_DOT}[\w-]+)*{_SPELLED_DOT}[A-Za-z]{{2,}}\b",
    regex.IGNORECASE,
)
_HOST = regex.compile(r"\w\.[A-Za-z]{2}|://|\bwww\b", regex.IGNORECASE)
_IP = regex.compile(r"\d\.\d|[0-9a-f]:[0-9a-f]", regex.IGNORECASE)
_DIGITS_7 = regex.compile(r"(?:\d\D{0,3}){7}")
_DIGITS_9 = regex.compile(r"(?:\d\D{0,3}){9}")
_DIGITS_13 = regex.compile(r"(?:\d\D{0,3}){13}")
_IBAN = regex.compile(r"[A-Z]{2}\d{2}", regex.IGNORECASE)


def _passes(pattern: Any, text: str) -> bool:
    return pattern.search(text) is not None


_ADDRESS_CHAR = regex.compile(r"[^\s<>()\[\]{}\"'`]")
_QUOTES = "\"'"
_TRAILING = ".,;:!?" + _QUOTES


# What may stand before a match and still be the same address: a scheme and host characters.
# Only these, so "Notes:https://..." or "link=www..." do not take the word before them along.
_ADDRESS_HEAD = regex.compile(r"(?:[a-z][a-z0-9+.-]*://)?[\w.~%+-]*\Z", regex.IGNORECASE)
_HEAD_WINDOW = 300


def _whole_address(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend [start, end) to the whole address: back over its scheme and host, forward over every
    URL character, less quotes and trailing punctuation."""
    while start < end and text[start] in _QUOTES:
        start += 1  # presidio's quoted-URL patterns take the quotes along
    head = _ADDRESS_HEAD.search(text, max(0, start - _HEAD_WINDOW), start)
    if head is not None:
        start = head.start()
    while end < len(text) and _ADDRESS_CHAR.match(text, end):
        end += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


class QuickEmailRecognizer(EmailRecognizer):
    """presidio's e-mail pattern, and any other address-shaped word: presidio checks the top-level
    domain against its list, so "name@inboxmail.example" or a new TLD would go unmasked."""

    SHAPE_SCORE = 0.6

    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        if not _passes(_AT, text):
            return []
        found = list(super().analyze(text, entities, *args, **kwargs)) if "@" in text else []
        for match in itertools.chain(_EMAIL_SHAPE.finditer(text), _SPELLED_EMAIL.finditer(text)):
            if not any(r.start < match.end() and match.start() < r.end for r in found):
                found.append(RecognizerResult("EMAIL_ADDRESS", match.start(), match.end(), self.SHAPE_SCORE))
        return found


class QuickUrlRecognizer(UrlRecognizer):
    """presidio's URL pattern, widened to the whole address.

    presidio ends a URL at the longest known top-level domain, so "https://my.clinic.example"
    matches only "https://my.cl" (.cl is Chile): the organisation's own address then no
    longer matches its website, and the span does not cover the address it reports.
    """

    WORDS_REMEMBERED = 2048

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._remembered: dict[tuple[bytes, tuple[str, ...], int | None], list[RecognizerResult]] = {}

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: int | None = None
    ) -> list[RecognizerResult]:
        found: list[RecognizerResult] = []
        # presidio's patterns (a 6,000-character alternation of top-level domains) match no
        # whitespace, so running them on each whitespace-free word that looks like a host finds
        # the same addresses as running them on the whole post, in a tenth of the time.
        for word_start, word_end in _host_words(text):
            for result in self._analyze_word(text[word_start:word_end], entities, regex_flags):
                result.start, result.end = _whole_address(
                    text, result.start + word_start, result.end + word_start
                )
                found.append(result)
        return found

    def _analyze_word(
        self, word: str, entities: list[str], regex_flags: int | None
    ) -> list[RecognizerResult]:
        """presidio's results for one word, remembered: an organisation's own address comes back
        in post after post (and in each platform's draft of a brief). The pattern needs nothing
        but the word; the key is the word's digest, so no address stays in memory as text."""
        digest = hashlib.blake2b(word.encode(), digest_size=16).digest()
        key = (digest, tuple(entities), regex_flags)
        remembered = self._remembered.get(key)
        if remembered is None:
            remembered = list(super().analyze(word, entities, None, regex_flags))
            if len(self._remembered) >= self.WORDS_REMEMBERED:
                self._remembered.clear()  # crude, but safe under threads and rarely reached
            self._remembered[key] = remembered
        return [_copied(result) for result in remembered]


def _copied(result: RecognizerResult) -> RecognizerResult:
    """A fresh result: context enhancement and our span widening change results in place."""
    return RecognizerResult(
        result.entity_type,
        result.start,
        result.end,
        result.score,
        copy.copy(result.analysis_explanation),
        dict(result.recognition_metadata or {}),
    )


_WORD = regex.compile(r"\S+")


def _host_words(text: str) -> list[tuple[int, int]]:
    return [word.span() for word in _WORD.finditer(text) if _HOST.search(word.group()) is not None]


class QuickIpRecognizer(IpRecognizer):
    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return list(super().analyze(text, entities, *args, **kwargs)) if _passes(_IP, text) else []


class QuickPhoneRecognizer(PhoneRecognizer):
    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return list(super().analyze(text, entities, *args, **kwargs)) if _passes(_DIGITS_7, text) else []


class QuickSsnRecognizer(UsSsnRecognizer):
    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return list(super().analyze(text, entities, *args, **kwargs)) if _passes(_DIGITS_9, text) else []


class QuickCreditCardRecognizer(CreditCardRecognizer):
    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return list(super().analyze(text, entities, *args, **kwargs)) if _passes(_DIGITS_13, text) else []


class QuickIbanRecognizer(IbanRecognizer):
    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return list(super().analyze(text, entities, *args, **kwargs)) if _passes(_IBAN, text) else []
