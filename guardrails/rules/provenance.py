"""Identifiers a drafted text did not get from its brief or the organisation's facts.

A language model writing a post invents links (a plausible path on the organisation's
domain, a made-up page elsewhere), phone numbers, record-like ids, dates and near-miss
spellings of the organisation's or a place's name. Each is a wrong fact published in the
organisation's name, so this family reports them under `brand` ("wrong organisation
names" in DESIGN.md's taxonomy is the closest category; a patient's identifier is the
`phi` family's business and may be reported there as well).

It runs only when the context says what the text was drafted from (`ctx.provided`, set by
the drafting pipeline): text a person wrote has no brief to compare with. Known are the
provided links and wording, the organisation's websites (and their home pages), locations
and phones, staff and product names, and products' PI links. Patterns and thresholds live
in lexicons/provenance.yaml.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guardrails.analysis import AnalyzedText
from guardrails.config import ConfigError
from guardrails.context import CheckContext
from guardrails.datafiles import load_data_file
from guardrails.findings import Category, Finding, Severity
from guardrails.phi.lexicon import load_dictionary
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.legal_citations import CitationIndex

_CITATION = "Only facts from the brief and the organisation's knowledge (FTC Act s.5: no misleading claims)"
_STRICT = ConfigDict(extra="forbid", frozen=True)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_DAY = re.compile(
    rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:%|am|pm|a\.m|p\.m))", re.I
)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTHS})\b", re.I)
# Only with a year: "1/3 of adults" and "1/2 cup" are not dates.
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/\d{2,4}\b")
# Year first (ISO 8601 and its unpadded variants): a small model writes "2017-04-30" freely.
_YEAR_FIRST_DATE = re.compile(r"\b(?:19|20)\d{2}[-/.](\d{1,2})[-/.](\d{1,2})\b")
_PHONE = re.compile(
    r"(?<![\w/])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}\b|(?<![\w/-])\d{3}-\d{4}\b"
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_#-]*[A-Za-z0-9]")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+\b")
_WORD = re.compile(r"[A-Za-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TRAILING = ".,;:!?)]}'\"*>"
# The context fields `_known` reads: a cache entry is keyed on exactly these.
_KNOWN_FROM = {"organisation", "products", "approved_claims", "provided"}
# Distinct sets of facts kept: one per brief being drafted at once, with room to spare.
_KNOWN_CACHE_SIZE = 64


class ProvenanceLexicon(BaseModel):
    """The schema of lexicons/provenance.yaml."""

    model_config = _STRICT

    version: int = Field(ge=1, le=1)
    bare_domain_tlds: list[str] = Field(min_length=1)
    id_min_digits: int = Field(ge=3, le=12)
    digit_run_min: int = Field(ge=5, le=20)
    name_min_length: int = Field(ge=3, le=12)
    name_prefix: int = Field(ge=3, le=8)
    name_similarity: float = Field(gt=0.0, le=1.0)
    dictionary_file: str = Field(min_length=1)
    generic_name_words: list[str] = Field(default_factory=list)
    # Laws a post may name without a source in the brief (see guardrails.rules.legal_citations).
    common_laws: list[str] = Field(default_factory=list)

    @field_validator("bare_domain_tlds", "generic_name_words")
    @classmethod
    def _lower_words(cls, values: list[str]) -> list[str]:
        if any(not re.fullmatch(r"[a-z]+", value) for value in values):
            raise ValueError("entries must be lowercase letters")
        return values


class ProvenanceOptions(BaseModel):
    model_config = _STRICT

    lexicon_file: str = Field(default="lexicons/provenance.yaml", description="Under guardrails/data")


@dataclass(frozen=True, slots=True)
class _Known:
    """What one check may cite: links, digit strings, month-day pairs, name words, raw text."""

    links: frozenset[str]
    hosts: frozenset[str]
    digits: tuple[str, ...]
    dates: frozenset[tuple[int, int]]
    words: frozenset[str]
    distinctive: tuple[str, ...]
    text: str
    citations: CitationIndex


def canonical_link(url: str) -> str:
    """Compare links without scheme, case of the host or a trailing slash.

    `www.` stays: a model that adds it to a domain that has no such host makes a dead link."""
    url = url.strip().rstrip(_TRAILING)
    url = re.sub(r"^https?://", "", url, flags=re.I)
    host, _, rest = url.partition("/")
    return (host.lower() + ("/" + rest if rest else "")).rstrip("/")


def _month(name: str) -> int:
    return ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec").index(
        name[:3].lower()
    ) + 1


def month_days(text: str) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    """Every (month, day) written in `text`, with its span."""
    for match in _MONTH_DAY.finditer(text):
        day = int(match.group(2))
        if 1 <= day <= 31:
            yield (_month(match.group(1)), day), match.span()
    for match in _DAY_MONTH.finditer(text):
        day = int(match.group(1))
        if 1 <= day <= 31:
            yield (_month(match.group(2)), day), match.span()
    for pattern in (_NUMERIC_DATE, _YEAR_FIRST_DATE):
        for match in pattern.finditer(text):
            month, day = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 1 <= day <= 31:
                yield (month, day), match.span()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _words(text: str) -> Iterator[str]:
    for word in _WORD.findall(text):
        yield word.lower()
        for part in _CAMEL.split(word):
            yield part.lower()


class ProvenanceFamily(RuleFamily):
    name = "provenance"
    specs = (
        RuleSpec("provenance.unknown_link", Category.BRAND, Severity.WARN, _CITATION,
                 "A link that is neither in the brief nor one of the organisation's known pages."),
        RuleSpec("provenance.unknown_phone", Category.BRAND, Severity.WARN, _CITATION,
                 "A phone number that is not one of the organisation's numbers or in the brief."),
        RuleSpec("provenance.unknown_id", Category.BRAND, Severity.WARN, _CITATION,
                 "A code or record-like number that is neither in the brief nor in the organisation's facts."),
        RuleSpec("provenance.unknown_date", Category.BRAND, Severity.WARN, _CITATION,
                 "A calendar date that the brief does not give."),
        RuleSpec("provenance.unknown_name", Category.BRAND, Severity.WARN, _CITATION,
                 "A name that looks like a misspelling of the organisation's or one of its places' names."),
        RuleSpec("provenance.unknown_citation", Category.BRAND, Severity.WARN, _CITATION,
                 "A law or regulation cited that the brief and the organisation's knowledge do not cite."),
    )  # fmt: skip
    Options = ProvenanceOptions

    def prepare(self, resources: RuleResources) -> None:
        assert isinstance(self.options, ProvenanceOptions)
        self._known_cache: dict[str, _Known] = {}
        self._known_lock = threading.Lock()
        lexicon = load_data_file(self.options.lexicon_file, ProvenanceLexicon)
        self._lexicon = lexicon
        self._dictionary = load_dictionary(lexicon.dictionary_file)
        tlds = "|".join(sorted(lexicon.bare_domain_tlds, key=len, reverse=True))
        self._url = re.compile(
            r"(?:https?://|www\.)[^\s<>\"'`]+"
            rf"|(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:{tlds})\b(?:/[^\s<>\"'`]*)?",
            re.I,
        )

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.provided is None:
            return
        lexicon = getattr(self, "_lexicon", None)
        if lexicon is None:
            raise ConfigError("the provenance family was not prepared")
        known = self._known(ctx)
        source = text.text
        taken: list[tuple[int, int]] = []
        for match in self._url.finditer(source):
            raw = match.group(0).rstrip(_TRAILING)
            span = (match.start(), match.start() + len(raw))
            taken.append(span)
            link = canonical_link(raw)
            if link in known.links or link in known.hosts:
                continue
            yield self.finding(
                "provenance.unknown_link",
                "This link is not in the brief or the organisation's known pages; it may be made up.",
                span=text.span(*span),
                suggestion="Use a link from the brief, or remove it.",
            )
        for match in _PHONE.finditer(source):
            span = match.span()
            if _overlaps(span, taken):
                continue
            taken.append(span)
            digits = _digits(match.group(0))[-7:]
            if any(digits in known_digits for known_digits in known.digits):
                continue
            yield self.finding(
                "provenance.unknown_phone",
                "This phone number is not one of the organisation's numbers; it may be made up.",
                span=text.span(*span),
                suggestion="Use a number from the organisation's locations, or remove it.",
            )
        for citation in known.citations.unknown(source):
            span = (citation.start, citation.end)
            if _overlaps(span, taken):
                continue
            taken.append(span)
            yield self.finding(
                "provenance.unknown_citation",
                "This cites a law or regulation that the brief and the organisation's knowledge do not; "
                "it may be made up.",
                span=text.span(*span),
                suggestion="Remove the citation, or use one from the organisation's approved sources.",
            )
        yield from self._ids(text, known, taken, lexicon)
        for (month, day), span in month_days(source):
            if (month, day) in known.dates or _overlaps(span, taken):
                continue
            taken.append(span)
            yield self.finding(
                "provenance.unknown_date",
                "The brief does not give this date; check it before publishing.",
                span=text.span(*span),
                suggestion="Use the date from the brief, or remove it.",
            )
        yield from self._names(text, known, lexicon)

    def _ids(
        self, text: AnalyzedText, known: _Known, taken: list[tuple[int, int]], lexicon: ProvenanceLexicon
    ) -> Iterator[Finding]:
        for match in _TOKEN.finditer(text.text):
            token, span = match.group(0), match.span()
            digits = _digits(token)
            if any(ch.isalpha() or ch == "_" for ch in token):
                if len(digits) < lexicon.id_min_digits:
                    continue
            elif not re.search(rf"\d{{{lexicon.digit_run_min},}}", token):
                continue  # "2025-2026", "10000": numbers, not codes
            if _overlaps(span, taken) or token.lower() in known.text:
                continue
            if any(digits in known_digits for known_digits in known.digits):
                continue
            taken.append(span)
            yield self.finding(
                "provenance.unknown_id",
                "This code or number is not in the brief or the organisation's facts; it may be made up.",
                span=text.span(*span),
                suggestion="Remove it, or use the value the brief gives.",
            )

    def _names(self, text: AnalyzedText, known: _Known, lexicon: ProvenanceLexicon) -> Iterator[Finding]:
        for match in _CAPITALISED.finditer(text.text):
            word = match.group(0)
            lower = word.lower()
            if len(word) < lexicon.name_min_length or lower in known.words or lower in self._dictionary:
                continue
            if all(part in known.words for part in _words(word) if len(part) > 2):
                continue  # a CamelCase join of known words ("LarkspurCares")
            if not any(self._near(lower, name, lexicon) for name in known.distinctive):
                continue
            yield self.finding(
                "provenance.unknown_name",
                "This name looks like a misspelling of the organisation's or one of its places' names.",
                span=text.span(*match.span()),
                suggestion="Use the exact name from the organisation's facts.",
            )

    @staticmethod
    def _near(word: str, name: str, lexicon: ProvenanceLexicon) -> bool:
        if word.startswith(name):
            return False  # the name itself with a suffix ("Brightwater's" is split earlier)
        if word[: lexicon.name_prefix] == name[: lexicon.name_prefix]:
            return True
        return (
            word[0] == name[0]
            and difflib.SequenceMatcher(None, word, name).ratio() >= lexicon.name_similarity
        )

    def _known(self, ctx: CheckContext) -> _Known:
        """What `ctx` lets a text cite, computed once per distinct set of facts.

        A drafted brief is checked once per platform and revision round with the same facts,
        and building them walks every name and text in them (about 1 ms each time). The key
        is the facts' JSON, so different facts never share an entry."""
        key = ctx.model_dump_json(include=_KNOWN_FROM)
        with self._known_lock:
            known = self._known_cache.get(key)
        if known is None:
            known = self._build_known(ctx)
            with self._known_lock:
                self._known_cache[key] = known
                while len(self._known_cache) > _KNOWN_CACHE_SIZE:
                    del self._known_cache[next(iter(self._known_cache))]  # the oldest entry
        return known

    def _build_known(self, ctx: CheckContext) -> _Known:
        org = ctx.organisation
        provided = ctx.provided
        assert provided is not None
        links = [
            *provided.links,
            *(m.group(0) for t in provided.texts for m in self._url.finditer(t)),
            *org.websites,
            *(p.pi_url for p in ctx.products if p.pi_url),
        ]
        names = [*org.names, *(loc.name for loc in org.locations)]
        texts = [
            *provided.texts,
            *names,
            *org.forbidden_names,
            *org.handles,
            *(loc.address for loc in org.locations),
            *(f"{s.name} {s.credentials} {s.role}" for s in org.staff),
            *(f"{p.brand_name} {p.established_name}" for p in ctx.products),
            *(c.text for c in ctx.approved_claims),
            *links,
        ]
        numbers = [
            *(loc.phone for loc in org.locations),
            *provided.texts,
            *(loc.address for loc in org.locations),
        ]
        generic = set(self._lexicon.generic_name_words)
        return _Known(
            links=frozenset(canonical_link(link) for link in links),
            hosts=frozenset(canonical_link(link).partition("/")[0] for link in org.websites),
            digits=tuple(d for d in (_digits(n) for n in _number_runs(numbers)) if len(d) >= 3),
            dates=frozenset(day for t in provided.texts for day, _ in month_days(t)),
            words=frozenset(w for t in texts for w in _words(t)),
            distinctive=tuple(
                dict.fromkeys(
                    w
                    for n in names
                    for w in _words(n)
                    if len(w) >= self._lexicon.name_min_length and w not in generic
                )
            ),
            text="\n".join(canonical_link(t) if t in links else t.lower() for t in texts),
            citations=CitationIndex(
                [*texts, *(d.text for d in ctx.approved_claims)], self._lexicon.common_laws
            ),
        )


def _number_runs(texts: Iterable[str]) -> Iterator[str]:
    """Phone numbers (which may hold a space) and each other token with digits, one by one:
    runs joined across spaces would let any digits pass as known."""
    for text in texts:
        yield from (m.group(0) for m in _PHONE.finditer(text))
        yield from re.findall(r"\S*\d\S*", text)


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in others)
