"""Recognising products and benefit claims in a post: shared by fair_balance, claims and off_label.

A product is named either by the check context's product facts (brand or
established name) or, when there are none, by general cues from the shared
lexicon (`guardrails/data/lexicons/products.yaml`): well-known brands, procedure
names, INN drug-name stems, a trademark sign after a capitalised word. All
matching runs on the normalised text; spans are in normalised offsets and the
families map them back with `AnalyzedText.span`. The lexicon's models live here
too; comparing wording with claims and labeling is in `claim_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from guardrails.analysis import AnalyzedText
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
    risk_sentence: Pattern
    indication_patterns: list[Pattern]


class TextLexicon(_Strict):
    stopwords: list[str]
    label_generic_words: list[str]
    negation_lead: Pattern
    negation_tail: Pattern
    negation_word: Pattern
    negative_answer: Pattern
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
    # A hashtag names the product too (#Nauselle); a handle, path or domain does not.
    return re.compile(r"(?<![\w@/.])(?:" + "|".join(bodies) + ")" + mark + r"(?![\w])", re.IGNORECASE)


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

    def find_shared(
        self, text: AnalyzedText, products: Sequence[ProductFacts], lexicon: str
    ) -> list[Mention]:
        """`find` on the normalised text, computed once per check for the families that share
        the product lexicon file `lexicon` (fair balance and claims)."""
        found = text.shared(
            ("product_mentions", lexicon), products, lambda: tuple(self.find(text.text, products))
        )
        return list(found)


_OPEN_PARENTHESIS = re.compile(r"\s*[(\[,\-–—]\s*")


def _attach_parentheticals(text: str, mentions: list[Mention]) -> list[Mention]:
    """A drug name right after a brand ("Ozempic (semaglutide)") names the same product."""
    # (merging changes no category: it only keeps one finding per product)
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        between = text[previous.end : mention.start] if previous is not None else ""
        if previous is not None and (
            (mention.source is MentionSource.DRUG_NAME and _OPEN_PARENTHESIS.fullmatch(between))
            # "Invisalign clear aligners": the brand and its kind of product, side by side
            or (mention.source is MentionSource.PROCEDURE and between.isspace())
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
