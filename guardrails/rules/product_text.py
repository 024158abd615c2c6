"""Recognising products and benefit claims in a post: shared by fair_balance, claims and off_label.

A product is named either by the check context's product facts (brand or
established name) or, when there are none, by general cues from the shared
lexicon (`guardrails/data/lexicons/products.yaml`): well-known brands, procedure
names, INN drug-name stems, a trademark sign after a capitalised word. All
matching runs on the normalised text; spans are in normalised offsets and the
families map them back with `AnalyzedText.span`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from guardrails.context import ProductFacts, ProductKind
from guardrails.datafiles import load_data_file

PRODUCTS_LEXICON = "lexicons/products.yaml"


def _compile(value: object) -> re.Pattern[str]:
    if isinstance(value, re.Pattern):
        return value
    if not isinstance(value, str):
        raise ValueError("a pattern must be a string")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        # pydantic only turns ValueError into a validation error; re.error would escape it.
        raise ValueError(f"invalid regular expression: {exc}") from None


Pattern = Annotated[re.Pattern[str], BeforeValidator(_compile)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KnownBrand(_Strict):
    established: str = Field(min_length=1)
    kind: ProductKind


class NameLexicon(_Strict):
    drug_stems: list[str] = Field(min_length=1)
    stem_margin: int = Field(ge=0)
    stem_min_length: int = Field(ge=3)
    stem_exceptions: list[str]
    generic_names: list[str]
    known_brands: dict[str, KnownBrand]
    procedures: list[str]
    brand_suffix_words: list[str]
    trademark_marks: list[str] = Field(min_length=1)


class ClaimLexicon(_Strict):
    benefit_patterns: list[Pattern] = Field(min_length=1)
    indication_patterns: list[Pattern]


class TextLexicon(_Strict):
    stopwords: list[str]
    label_generic_words: list[str]
    synonyms: dict[str, list[str]]


class ProductLexicon(_Strict):
    version: Literal[1]
    names: NameLexicon
    claims: ClaimLexicon
    text: TextLexicon


def load_product_lexicon(name: str = PRODUCTS_LEXICON) -> ProductLexicon:
    return load_data_file(name, ProductLexicon)


# ---------------------------------------------------------------------------
# Phrases, sentences and content words


def phrase_pattern(terms: Iterable[str], *, marks: Sequence[str] = ()) -> re.Pattern[str] | None:
    """One case-insensitive whole-word alternation for `terms` (longest first).

    Spaces and hyphens between words are interchangeable, a final letter may take
    a plural "s", and an optional trademark mark may follow directly.
    """
    bodies = []
    for term in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True):
        words = re.split(r"[\s\-]+", term)
        bodies.append(r"[\s\-]+".join(re.escape(w) for w in words) + ("s?" if term[-1].isalpha() else ""))
    if not bodies:
        return None
    mark = ""
    if marks:
        # A brand may carry its mark directly ("CARDELTA®"; NFKC turns "™" into "TM").
        mark = "(?:" + "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True)) + ")?"
    return re.compile(r"(?<![\w@#/.])(?:" + "|".join(bodies) + ")" + mark + r"(?![\w])", re.IGNORECASE)


# A full stop after these is not a sentence end ("Dr. Chen", "U.S. News").
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|St|vs|etc|e\.g|i\.e|No|Inc|Jr|Sr|approx|Mt|Ft)|(?<![\w.])(?:[A-Za-z]\.){2,}|\b[A-Z])\.?$"
)
_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|\s+[•·|]\s+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation and line breaks (no model: rules must not depend on one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BREAK.finditer(text):
        if _ABBREVIATIONS.search(text[start : match.start()]):
            continue
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def sentence_index(spans: Sequence[tuple[int, int]], position: int) -> int:
    for index, (start, end) in enumerate(spans):
        if position < end or index == len(spans) - 1:
            return index if position >= start or index == 0 else index - 1
    return 0


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def stem(word: str) -> str:
    """A crude stem: enough to make "reduces", "reduced" and "reducing" meet."""
    word = word.lower()
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


class Vocabulary:
    """Content words of a text with stopwords dropped and synonyms folded, as stems."""

    def __init__(self, lexicon: TextLexicon) -> None:
        self._stopwords = frozenset(w.lower() for w in lexicon.stopwords)
        folds: list[tuple[re.Pattern[str], str]] = []
        for canonical, variants in lexicon.synonyms.items():
            pattern = phrase_pattern(variants)
            if pattern is not None:
                folds.append((pattern, canonical.lower()))
        self._folds = tuple(folds)
        self._cache: dict[str, frozenset[str]] = {}

    def fold(self, text: str) -> str:
        text = text.lower()
        for pattern, canonical in self._folds:
            text = pattern.sub(canonical, text)
        return text

    def stems(self, text: str) -> frozenset[str]:
        # Labeling and approved-claim texts repeat across every post of an organisation.
        cached = self._cache.get(text)
        if cached is None:
            if len(self._cache) >= 4096:
                self._cache.clear()
            cached = self._cache[text] = self._stems(self.fold(text))
        return cached

    def _stems(self, folded: str) -> frozenset[str]:
        return frozenset(
            stem(w) for w in _WORD.findall(folded) if w not in self._stopwords and (len(w) > 2 or w.isdigit())
        )

    def is_stopword(self, word: str) -> bool:
        return word.lower() in self._stopwords


def coverage(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of `part`'s stems found in `whole` (0 when `part` is empty)."""
    return len(part & whole) / len(part) if part else 0.0


# ---------------------------------------------------------------------------
# Product mentions


class MentionSource(StrEnum):
    CONTEXT = "context"  # a product in ctx.products
    KNOWN_BRAND = "known_brand"
    PROCEDURE = "procedure"
    DRUG_NAME = "drug_name"  # an INN stem or a listed established name
    TRADEMARK = "trademark"  # a capitalised word carrying a trademark sign


@dataclass(frozen=True, slots=True)
class Mention:
    """A product named in the normalised text."""

    start: int
    end: int
    key: str  # product id, or the lower-cased name for products known only from cues
    source: MentionSource
    kind: ProductKind
    product: ProductFacts | None = None
    by_brand: bool = True  # False when only the established name was used
    established: str | None = None  # for known brands without product facts


@lru_cache(maxsize=1024)
def _brand_variants(brand: str, suffixes: frozenset[str]) -> tuple[str, ...]:
    variants = [brand]
    words = brand.split()
    while len(words) > 1 and (words[-1].lower() in suffixes or words[-1].isdigit()):
        words = words[:-1]
        shortened = " ".join(words)
        if len(shortened) >= 4:
            variants.append(shortened)
    return tuple(variants)


def without_parentheses(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", name).strip(" ,;")


@lru_cache(maxsize=1024)
def _pattern_for(terms: tuple[str, ...], marks: tuple[str, ...]) -> re.Pattern[str] | None:
    return phrase_pattern(terms, marks=marks)


def _overlaps(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < end and start < a[1] for start, end in spans)


class MentionFinder:
    """Finds product mentions: context products first, then general cues where those found nothing."""

    def __init__(self, lexicon: NameLexicon) -> None:
        self._lexicon = lexicon
        self._marks = tuple(lexicon.trademark_marks)
        self._suffixes = frozenset(w.lower() for w in lexicon.brand_suffix_words)
        self._known = phrase_pattern(lexicon.known_brands, marks=self._marks)
        self._procedures = phrase_pattern(lexicon.procedures, marks=self._marks)
        self._generics = phrase_pattern(lexicon.generic_names)
        stems = "|".join(sorted((re.escape(s) for s in lexicon.drug_stems), key=len, reverse=True))
        self._stem_word = re.compile(r"(?<![\w@#/.])[a-z][a-z\-]*(?:" + stems + r")(?![\w])", re.IGNORECASE)
        self._stems = tuple(s.lower() for s in lexicon.drug_stems)
        self._exceptions = frozenset(w.lower() for w in lexicon.stem_exceptions)
        mark_alternatives = "|".join(re.escape(m) for m in sorted(self._marks, key=len, reverse=True))
        self._trademark = re.compile(
            r"(?<![\w@#])([A-Z][A-Za-z0-9\-]{2,}?)(?:" + mark_alternatives + r")(?!\w)"
        )

    def is_drug_word(self, word: str) -> bool:
        lower = word.lower()
        if lower in self._exceptions or len(lower) < self._lexicon.stem_min_length:
            return False
        return any(
            lower.endswith(s) and len(lower) >= len(s) + self._lexicon.stem_margin for s in self._stems
        )

    def context_mentions(self, text: str, products: Sequence[ProductFacts]) -> list[Mention]:
        found: list[Mention] = []
        for product in products:
            brand = _pattern_for(_brand_variants(product.brand_name, self._suffixes), self._marks)
            if brand is not None:
                found.extend(
                    Mention(m.start(), m.end(), product.id, MentionSource.CONTEXT, product.kind, product)
                    for m in brand.finditer(text)
                )
            established = without_parentheses(product.established_name)
            if len(established) >= 4:
                pattern = _pattern_for((established,), ())
                assert pattern is not None
                for m in pattern.finditer(text):
                    if not _overlaps(m.span(), [(x.start, x.end) for x in found]):
                        found.append(
                            Mention(
                                m.start(), m.end(), product.id, MentionSource.CONTEXT, product.kind, product,
                                by_brand=False,
                            )
                        )  # fmt: skip
        return sorted(found, key=lambda x: x.start)

    def cue_mentions(self, text: str, taken: Sequence[tuple[int, int]] = ()) -> list[Mention]:
        found: list[Mention] = []
        spans = list(taken)

        def add(mention: Mention) -> None:
            if not _overlaps((mention.start, mention.end), spans):
                found.append(mention)
                spans.append((mention.start, mention.end))

        if self._known is not None:
            for m in self._known.finditer(text):
                key = _bare(m.group(0), self._marks)
                brand = self._lexicon.known_brands.get(key) or self._lexicon.known_brands.get(key.rstrip("s"))
                if brand is not None:
                    add(Mention(m.start(), m.end(), key, MentionSource.KNOWN_BRAND, brand.kind, None, True,
                                brand.established))  # fmt: skip
        if self._procedures is not None:
            for m in self._procedures.finditer(text):
                key = _bare(m.group(0), self._marks)
                add(Mention(m.start(), m.end(), key, MentionSource.PROCEDURE, ProductKind.PROCEDURE))
        if self._generics is not None:
            for m in self._generics.finditer(text):
                add(
                    Mention(m.start(), m.end(), m.group(0).lower(), MentionSource.DRUG_NAME, ProductKind.DRUG)
                )
        for m in self._stem_word.finditer(text):
            if self.is_drug_word(m.group(0)):
                add(
                    Mention(m.start(), m.end(), m.group(0).lower(), MentionSource.DRUG_NAME, ProductKind.DRUG)
                )
        for m in self._trademark.finditer(text):
            add(Mention(m.start(1), m.end(), m.group(1).lower(), MentionSource.TRADEMARK, ProductKind.DRUG))
        return sorted(found, key=lambda x: x.start)

    def find(self, text: str, products: Sequence[ProductFacts]) -> list[Mention]:
        mentions = self.context_mentions(text, products)
        cues = self.cue_mentions(text, [(m.start, m.end) for m in mentions])
        return _attach_parentheticals(text, sorted([*mentions, *cues], key=lambda x: x.start))


_OPEN_PARENTHESIS = re.compile(r"\s*[(\[,\-–—]\s*")


def _attach_parentheticals(text: str, mentions: list[Mention]) -> list[Mention]:
    """A drug name right after a brand ("Ozempic (semaglutide)") names the same product."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and mention.source is MentionSource.DRUG_NAME
            and _OPEN_PARENTHESIS.fullmatch(text[previous.end : mention.start])
        ):
            mention = replace(
                mention, key=previous.key, kind=previous.kind, product=previous.product, by_brand=False
            )
        merged.append(mention)
    return merged


def _bare(name: str, marks: Sequence[str]) -> str:
    for mark in sorted(marks, key=len, reverse=True):
        if name.endswith(mark):
            name = name[: -len(mark)]
            break
    return re.sub(r"[\s\-]+", " ", name.lower()).strip()


def group_by_product(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    groups: dict[str, list[Mention]] = {}
    for mention in mentions:
        groups.setdefault(mention.key, []).append(mention)
    return groups


def any_match(patterns: Iterable[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match is not None:
            return match
    return None


# ---------------------------------------------------------------------------
# Labeling vocabulary


_USE_LEAD = r"\b(?:for|treats?|treating|treatment\s+of|against|manages?|managing|with|prevents?|preventing|protects?|reduces?|lowers?|fights?)\s+(?:[\w\-]+\s+){0,4}?"


class LabelTerms:
    """What a product's labeling is about: its condition words, for spotting an indication."""

    def __init__(self, vocabulary: Vocabulary, lexicon: TextLexicon) -> None:
        self._vocabulary = vocabulary
        self._generic = frozenset(w.lower() for w in lexicon.label_generic_words)

    def condition_words(self, texts: Iterable[str]) -> frozenset[str]:
        words: set[str] = set()
        for text in texts:
            for word in _WORD.findall(self._vocabulary.fold(text)):
                if len(word) >= 4 and not self._vocabulary.is_stopword(word) and word not in self._generic:
                    words.add(word)
        return frozenset(words)

    def states_use(self, window: str, product: ProductFacts) -> bool:
        """Whether `window` says what the product is for, in its labeling's own terms."""
        pattern = _use_pattern(self.condition_words(product.indications))
        return pattern is not None and pattern.search(self._vocabulary.fold(window)) is not None


@lru_cache(maxsize=512)
def _use_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(stem(w)) for w in sorted(words, key=len, reverse=True))
    return re.compile(_USE_LEAD + r"(?:" + alternatives + r")\w*", re.IGNORECASE)
