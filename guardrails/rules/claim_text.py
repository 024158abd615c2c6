"""Comparing a post's wording with claims and labeling: sentences, content words, negation.

Shared by the product-claim families (fair_balance, unsubstantiated_claim,
off_label). No model is used: sentence bounds come from punctuation and line
breaks, and words are compared by crude stems after folding synonyms, so the
rules stay deterministic and fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from guardrails.context import ProductFacts
from guardrails.rules.product_text import TextLexicon, phrase_pattern

# A full stop after these is not a sentence end ("Dr. Chen", "U.S. News").
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|St|vs|etc|e\.g|i\.e|No|Inc|Jr|Sr|approx|Mt|Ft)|(?<![\w.])(?:[A-Za-z]\.){2,}|\b[A-Z])\.?$"
)
# Social posts often end a sentence with an emoji instead of a full stop ("... in 20 minutes 💋 X can
# cause ..."): an emoji followed by a capitalised word is a break too.
_BREAK = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+|\n+|\s+[•·|]\s+|(?<=[\u2600-\u27bf\U0001f300-\U0001faff])\ufe0f?\s+(?=[A-Z])"
)


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
    # A final silent e goes too, so that "stroke" meets "strokes" (-> "strok") and "reduce"
    # meets "reduced" (-> "reduc").
    if word.endswith("e") and len(word) >= 5:
        word = word[:-1]
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


def negated(lead: str, tail: str, lexicon: TextLexicon) -> bool:
    """Whether the words before (`lead`) or after (`tail`) a match say it is not so."""
    return lexicon.negation_lead.search(lead) is not None or lexicon.negation_tail.search(tail) is not None


def answered_no(text: str, spans: Sequence[tuple[int, int]], index: int, lexicon: TextLexicon) -> bool:
    """Whether sentence `index` is a question the next sentence answers with a no."""
    start, end = spans[index]
    if not text[start:end].rstrip().endswith("?") or index + 1 >= len(spans):
        return False
    following = text[spans[index + 1][0] : spans[index + 1][1]]
    return lexicon.negative_answer.search(following) is not None


def first_claim(
    patterns: Iterable[re.Pattern[str]],
    text: str,
    lexicon: TextLexicon,
    skip: Sequence[tuple[int, int]] = (),
) -> re.Match[str] | None:
    """The first match of `patterns` in `text` that the text does not negate, outside `skip`."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in skip):
                continue
            if not negated(text[: match.start()], text[match.end() :], lexicon):
                return match
    return None


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
        self._lexicon = lexicon
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
        if pattern is None:
            return False
        folded = self._vocabulary.fold(window)
        # "X is not for treating a migraine attack that has already started" states a limit
        return any(
            not negated(folded[: m.start()], folded[m.end() :], self._lexicon)
            for m in pattern.finditer(folded)
        )


@lru_cache(maxsize=512)
def _use_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(stem(w)) for w in sorted(words, key=len, reverse=True))
    return re.compile(_USE_LEAD + r"(?:" + alternatives + r")\w*", re.IGNORECASE)
