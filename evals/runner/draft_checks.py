"""What the drafting suite measures in one draft's text, apart from the guardrails' own findings.

- invented identifiers: every identifier the guardrails' detector (`redact()`) finds in
  the draft whose surface form is in neither the brief nor the organisation's knowledge
  pack (library and documents). Phone numbers and other digit runs match on their digits.
- required disclaimers: the knowledge base's required disclaimers for the brief and
  platform, each present in full or in its short form (case and spacing ignored).
- key-message coverage: a key message is covered when at least `KEY_MESSAGE_SHARE` of its
  content words appear in the draft (platforms rephrase and shorten, so not verbatim).
- platform limits: no `platform.too_long` or `platform.too_many_hashtags` finding.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from evals.report.model import FoundSpan

KEY_MESSAGE_SHARE = 0.6
LIMIT_RULES = frozenset({"platform.too_long", "platform.too_many_hashtags"})

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_DIGIT_RUN = re.compile(r"\d(?:[\d\s().\-/]*\d)?")
_SPACE = re.compile(r"\s+")
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?")
# Words that carry no message on their own; a key message is judged by the rest.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "we",
        "with",
        "you",
        "your",
        "will",
        "all",
        "any",
        "every",
        "more",
        "most",
        "than",
        "that",
        "these",
        "those",
        "into",
        "about",
        "after",
        "before",
        "over",
        "also",
    ]
)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.replace("’", "'").replace("–", "-").replace("—", "-")).strip().casefold()


def strings_in(value: Any) -> Iterable[str]:
    """Every string inside a JSON-like value (a model dump)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


class IdentifierSources:
    """The texts a draft may take identifiers from: the brief's and the organisation's own."""

    def __init__(self, texts: Iterable[str]) -> None:
        joined = "\n".join(texts)
        self._text = normalise(joined)
        self._digits = {_digits(m.group(0)) for m in _DIGIT_RUN.finditer(joined)}

    def with_texts(self, texts: Iterable[str]) -> IdentifierSources:
        extra = list(texts)
        merged = IdentifierSources(extra)
        merged._text = self._text + "\n" + merged._text
        merged._digits |= self._digits
        return merged

    def knows(self, surface: str) -> bool:
        shown = normalise(surface).strip(".,;:!?)(\"'")
        if not shown:
            return True
        if shown in self._text or _SCHEME.sub("", shown).rstrip("/") in self._text:
            return True
        digits = _digits(surface)
        return len(digits) >= 3 and any(digits in known for known in self._digits)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def invented(text: str, spans: Iterable[tuple[str, int, int]], sources: IdentifierSources) -> list[FoundSpan]:
    return [
        FoundSpan(entity=entity, start=start, end=end)
        for entity, start, end in spans
        if not sources.knows(text[start:end])
    ]


def missing_disclaimers(
    text: str, required: Sequence[tuple[str, Sequence[str]]], covered: Collection[str] = ()
) -> list[str]:
    """Ids of the required (id, approved wordings) disclaimers the draft carries in no wording.

    `covered` are ids an approved reply template the draft cites carries in substance.
    """
    shown = normalise(text)
    return [
        disclaimer_id
        for disclaimer_id, wordings in required
        if disclaimer_id not in covered and not any(w and normalise(w) in shown for w in wordings)
    ]


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(normalise(text)) if len(w) > 2 and w not in _STOPWORDS}


def covered(message: str, text: str) -> bool:
    wanted = content_words(message)
    if not wanted:
        return True
    return len(wanted & content_words(text)) >= KEY_MESSAGE_SHARE * len(wanted)


def within_limits(rule_ids: Iterable[str]) -> bool:
    return not LIMIT_RULES.intersection(rule_ids)
