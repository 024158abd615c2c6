"""Off-label promotion: a context product promoted for a use, population or dose outside its label.

Rules (REGULATORY_RULES FDA-13; 21 CFR 201.128 intended use):
- `population`: the post offers the product to a group its indication excludes
  (children for an adults-only product, ages outside the indicated range) or that
  its limitations of use name (pregnancy, under 18).
- `condition`: the post promotes the product for a condition its indication
  does not cover ("for weight loss" when it is indicated for type 2 diabetes), or
  for one its limitations exclude.
- `dose`: dosing wording the label cannot support ("double the dose").

Only products in `ctx.products` are checked: without labeling there is nothing to
compare with. Condition and population terms are taken from the sentences naming
the product and compared with its indications, limitations and approved claims;
a sentence that negates them ("not for children") is the limitation, not a use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, ProductFacts
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.claim_text import (
    Vocabulary,
    any_match,
    first_claim,
    negated,
    sentence_index,
    sentences,
    stem,
)
from guardrails.rules.claims import ClaimsLexicon, ClaimsOptions, claims_for, load_claims_lexicon
from guardrails.rules.product_text import (
    Mention,
    MentionFinder,
    ProductLexicon,
    group_by_product,
    load_product_lexicon,
    phrase_pattern,
)

_CITATION = "21 CFR 201.128 (intended use); FD&C Act 502(f) misbranding"

_LABEL_MIN_AGE = re.compile(
    r"\b(\d+)\s*(months?|years?)?\s*(?:of\s+age\s+)?(?:and|or)\s+(?:older|over|up)\b", re.IGNORECASE
)
_LABEL_RANGE = re.compile(r"\baged?\s+(\d+)\s*(?:to|-|–|through)\s*(\d+)", re.IGNORECASE)
_LABEL_ADULTS = re.compile(r"\badults?\b", re.IGNORECASE)
_TEXT_AGES = (
    re.compile(r"\b(?:ages?|aged)\s+(\d{1,2})\s*(?:to|-|–|through)\s*(\d{2,3})\b", re.IGNORECASE),
    re.compile(
        r"\b(?:ages?|aged|adults|people|anyone|everyone)\s+(?:over\s+)?(\d{1,2})\s*(?:\+|and\s+(?:up|older|over))",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:adults|people|anyone|everyone|women|men)\s+over\s+(\d{2})\b", re.IGNORECASE),
    re.compile(r"\bin\s+(?:your|their)\s+([1-9])0s\b", re.IGNORECASE),
    re.compile(r"\bunder\s+(\d{1,2})\s+months\b", re.IGNORECASE),
    re.compile(r"\b(?:kids|children|anyone|everyone|ages|people)\s+under\s+(\d{1,2})\b", re.IGNORECASE),
    re.compile(r"\b(\d{1,2})[- ](?:years?|yrs?)[- ]olds?\b", re.IGNORECASE),
)

_OPEN_MAX = 120
# A set-up line before the product's sentence: a question, or a headline closed by an emoji
# ("Lose 10 pounds before the holidays ❄️ X freezes fat away").
_SET_UP = re.compile(r"(?:\?|[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?)\s*$")


@dataclass(frozen=True, slots=True)
class _Use:
    rule_id: str
    start: int
    end: int
    message: str


def label_ages(product: ProductFacts) -> tuple[float, float] | None:
    """The age range an indication states, or None when it says nothing about age."""
    text = " ".join(product.indications)
    span = _LABEL_RANGE.search(text)
    if span:
        return float(span[1]), float(span[2])
    minimum = _LABEL_MIN_AGE.search(text)
    if minimum:
        value = float(minimum[1])
        if minimum[2] and minimum[2].lower().startswith("month"):
            value /= 12
        return value, _OPEN_MAX
    if _LABEL_ADULTS.search(text):
        return 18, _OPEN_MAX
    return None


def text_ages(sentence: str) -> Iterator[tuple[int, int, float, float]]:
    """Explicit ages a sentence promotes to: (start, end, low, high)."""
    for index, pattern in enumerate(_TEXT_AGES):
        for match in pattern.finditer(sentence):
            if index == 0:
                yield match.start(), match.end(), float(match[1]), float(match[2])
            elif index == 3:
                low = float(match[1]) * 10
                yield match.start(), match.end(), low, low + 9
            elif index == 4:
                yield match.start(), match.end(), 0.0, float(match[1]) / 12 - 0.01
            elif index == 5:
                yield match.start(), match.end(), 0.0, float(match[1]) - 1
            elif index == 6:  # "your 6-year-old": one age
                yield match.start(), match.end(), float(match[1]), float(match[1])
            else:
                yield match.start(), match.end(), float(match[1]), _OPEN_MAX


class OffLabelFamily(RuleFamily):
    name = "off_label"
    specs = (
        RuleSpec(
            "off_label.population",
            Category.OFF_LABEL,
            Severity.BLOCK,
            _CITATION,
            "The product is promoted to a population outside its indication or within its limitations.",
        ),
        RuleSpec(
            "off_label.condition",
            Category.OFF_LABEL,
            Severity.BLOCK,
            _CITATION,
            "The product is promoted for a condition or use outside its indication.",
        ),
        RuleSpec(
            "off_label.dose",
            Category.OFF_LABEL,
            Severity.BLOCK,
            _CITATION,
            "Dosing wording that the product's labeling does not support.",
        ),
    )
    Options = ClaimsOptions

    def prepare(self, resources: RuleResources) -> None:
        assert isinstance(self.options, ClaimsOptions)
        self._lexicon: ClaimsLexicon = load_claims_lexicon(self.options.lexicon)
        products: ProductLexicon = load_product_lexicon(self.options.products_lexicon)
        self._finder = MentionFinder(products.names)
        self._vocabulary = Vocabulary(products.text)
        self._conditions = phrase_pattern(self._lexicon.off_label.conditions)
        self._text = products.text
        self._claims = products.claims

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        if not ctx.products:
            return
        # "Northgate Eye" or "Clearview Dermatology" names the account, not a use.
        body = _without_names(text.text, ctx.organisation.names)
        mentions = [m for m in self._finder.context_mentions(body, ctx.products) if m.product is not None]
        if not mentions:
            return
        if self._lexicon.off_label.investigational.search(body):
            # A disclosed investigational use (trial enrolment, "not approved for this use") is
            # research news, not promotion of the use.
            return
        spans = sentences(body)
        for group in group_by_product(mentions).values():
            product = group[0].product
            assert product is not None
            for use in self._uses(body, spans, group, product, ctx):
                yield self.finding(use.rule_id, use.message, span=text.span(use.start, use.end))
                break  # one finding per product is enough for a reviewer to act on

    def _window(
        self, body: str, spans: Sequence[tuple[int, int]], group: Sequence[Mention]
    ) -> list[tuple[int, int]]:
        """Sentences naming the product, the one after, and a set-up line before one
        ("Clenching your jaw at night? X can ease ...")."""
        chosen: set[int] = set()
        for mention in group:
            index = sentence_index(spans, mention.start)
            chosen.update({index, index + 1} & set(range(len(spans))))
            if index > 0 and _SET_UP.search(body[spans[index - 1][0] : spans[index - 1][1]]):
                chosen.add(index - 1)
        return [spans[i] for i in sorted(chosen)]

    def _uses(
        self,
        body: str,
        spans: Sequence[tuple[int, int]],
        group: Sequence[Mention],
        product: ProductFacts,
        ctx: CheckContext,
    ) -> Iterator[_Use]:
        limitations = " ".join(product.limitations)
        covered = self._vocabulary.stems(
            " ".join([*product.indications, product.brand_name, product.established_name])
            + " "
            + " ".join(
                c.text + " " + " ".join(c.variations) for c in claims_for(ctx, product) if c.product_id
            )
        )
        ages = label_ages(product)
        yield from self._limitation_uses(body, spans, product)
        window = self._window(body, spans, group)
        for position, (start, end) in enumerate(window):
            sentence = body[start:end]
            # In a sentence that claims a benefit, a condition it names is what the benefit is for
            # ("... our clients use to shed stubborn pounds" + #WeightLoss); a set-up question
            # takes the benefit of the answer after it ("Acne flare-ups? X can clear them.").
            answer = (
                body[window[position + 1][0] : window[position + 1][1]] if position + 1 < len(window) else ""
            )
            # A set-up question answered by a sentence naming the product promotes the product for
            # what it asks about ("Scalp psoriasis driving you crazy? X could be the answer.").
            asks = (
                sentence.rstrip().endswith("?")
                and position + 1 < len(window)
                and any(window[position + 1][0] <= m.start < window[position + 1][1] for m in group)
            )
            benefit = (
                asks or self._benefit(sentence) or (sentence.rstrip().endswith("?") and self._benefit(answer))
            )
            if self._claims.risk_sentence.search(sentence) or _is_approved_safety_copy(sentence, product):
                continue  # "tell your doctor if you are pregnant" states a risk, not a use
            for match in any_dose(self._lexicon, sentence):
                yield _Use("off_label.dose", start + match.start(), start + match.end(),
                           "The post suggests a dose or use of the product that its labeling does not support.")  # fmt: skip
            yield from self._populations(sentence, start, product, limitations, ages)
            yield from self._condition_uses(sentence, start, product, limitations, covered, benefit)

    def _benefit(self, sentence: str) -> bool:
        return first_claim(self._claims.benefit_patterns, sentence, self._text) is not None

    def _limitation_uses(
        self, body: str, spans: Sequence[tuple[int, int]], product: ProductFacts
    ) -> Iterator[_Use]:
        """A sentence that says everything a clause of a limitation excludes, in a post that
        promotes the product ("not evaluated for the prevention of migraine" vs "wear it every
        day to prevent migraines"; "not studied in women with hyperemesis gravidarum")."""
        if not product.limitations or first_claim(self._claims.benefit_patterns, body, self._text) is None:
            return
        framing = self._vocabulary.stems(" ".join(self._lexicon.off_label.limitation_framing_words))
        names = self._vocabulary.stems(f"{product.brand_name} {product.established_name}")
        clauses = [c for limitation in product.limitations for c in _CLAUSE_BREAK.split(limitation)]
        keys = [k for k in (self._vocabulary.stems(c) - framing - names for c in clauses) if len(k) >= 2]
        if not keys:
            return
        for start, end in spans:
            sentence = body[start:end]
            if self._claims.risk_sentence.search(sentence) or _is_approved_safety_copy(sentence, product):
                continue
            words = self._vocabulary.stems(sentence)
            for key in keys:
                if not key <= words or not _numbers_in_place(sentence, key):
                    continue
                tokens = [t for t in _TOKEN.finditer(sentence) if stem(t.group(0)) in key]
                first = tokens[0].start() if tokens else 0
                if self._text.negation_word.search(sentence[:first]):
                    continue  # the post states the limitation itself
                last = tokens[-1].end() if tokens else len(sentence)
                yield _Use(
                    "off_label.condition",
                    start + first,
                    start + last,
                    "The post promotes the product for a use its labeling's limitations exclude.",
                )
                return

    def _populations(
        self,
        sentence: str,
        offset: int,
        product: ProductFacts,
        limitations: str,
        ages: tuple[float, float] | None,
    ) -> Iterator[_Use]:
        message = "The post promotes the product to a group of people outside its approved indication."
        for population in self._lexicon.off_label.populations:
            for match in population.text.finditer(sentence):
                lead = sentence[: match.start()]
                # "is not approved for children or for use during pregnancy" states the limit
                if negated(lead, sentence[match.end() :], self._text) or self._text.negation_word.search(
                    lead
                ):
                    continue
                indicated = population.label.search(" ".join(product.indications)) is not None
                limited = population.label.search(limitations) is not None
                outside = (
                    population.age is not None
                    and ages is not None
                    and (population.age[1] < ages[0] or population.age[0] > ages[1])
                )
                # Named in both the indication and a limitation ("adolescents 12 and older" vs
                # "not studied in children under 12"), the group is split by age: explicit ages
                # decide below, the word alone does not.
                if not indicated and (limited or outside):
                    yield _Use("off_label.population", offset + match.start(), offset + match.end(), message)
        if ages is None:
            return
        for start, end, low, high in text_ages(sentence):
            lead = sentence[:start]
            # "not approved for psoriasis or for children under 12" states the limit
            if negated(lead, sentence[end:], self._text) or self._text.negation_word.search(lead):
                continue
            if low < ages[0] or high > ages[1]:
                yield _Use("off_label.population", offset + start, offset + end, message)

    def _condition_uses(
        self,
        sentence: str,
        offset: int,
        product: ProductFacts,
        limitations: str,
        covered: frozenset[str],
        claims_benefit: bool,
    ) -> Iterator[_Use]:
        lexicon = self._lexicon.off_label
        matches = list(self._conditions.finditer(sentence)) if self._conditions is not None else []
        matches += list(lexicon.condition_pattern.finditer(sentence))
        folded_limits = self._vocabulary.fold(limitations)
        folded_indications = self._vocabulary.fold(" ".join(product.indications))
        for match in sorted(matches, key=lambda m: m.start()):
            lead = sentence[: match.start()]
            if not claims_benefit and lexicon.use_lead.search(lead) is None:
                continue
            if negated(lead, sentence[match.end() :], self._text) or self._text.negation_word.search(lead):
                continue  # "has not been studied in women with ..." states the limitation
            condition = self._vocabulary.fold(match.group(0))
            words = self._vocabulary.stems(condition)
            if not words:
                continue
            phrase = re.compile(r"(?<!\w)" + re.escape(condition) + r"(?!\w)")
            # A limitation names it ("prosthetic heart valves") and the indication does not: a
            # single word shared with the indication ("prevention of migraine") is not enough.
            limited = phrase.search(folded_limits) is not None and phrase.search(folded_indications) is None
            if (limited and len(words) > 1) or not words <= covered:
                yield _Use(
                    "off_label.condition",
                    offset + match.start(),
                    offset + match.end(),
                    "The post promotes the product for a use its approved indication does not cover.",
                )


_CLAUSE_BREAK = re.compile(r",|;|\(|\)|\bor\b|\band\b|\bsuch\s+as\b|\bincluding\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def _numbers_in_place(sentence: str, key: frozenset[str]) -> bool:
    """A number of a limitation clause ("type 1 diabetes") must stand beside its other words in
    the sentence, not anywhere ("type 2 diabetes ... lowered A1C by up to 1.8%")."""
    numbers = [w for w in key if w.isdigit()]
    if not numbers:
        return True
    stems = [stem(t.group(0)) for t in _TOKEN.finditer(sentence)]
    near = {i for i, s in enumerate(stems) if s in key and not s.isdigit()}
    return all(
        any(abs(i - j) <= 2 for i, s in enumerate(stems) if s == number for j in near) for number in numbers
    )


def _without_names(body: str, names: Sequence[str]) -> str:
    """`body` with the organisation's own names blanked out (same length, so offsets hold)."""
    for name in names:
        if name.strip():
            body = re.sub(re.escape(name), lambda m: " " * len(m.group()), body, flags=re.IGNORECASE)
    return body


def _is_approved_safety_copy(sentence: str, product: ProductFacts) -> bool:
    """A sentence quoted from the product's own risk statement restates its labeling
    ("Remove the sensor before MRI"); it warns, it does not promote a use."""
    folded = " ".join(sentence.split()).strip(" .").casefold()
    approved = " ".join(f"{product.risk_statement} {product.short_risk_statement}".split()).casefold()
    return bool(folded) and folded in approved


def any_dose(lexicon: ClaimsLexicon, sentence: str) -> list[re.Match[str]]:
    match = any_match(lexicon.off_label.dose_patterns, sentence)
    return [match] if match is not None else []
