"""Unsubstantiated claims: red-flag wording and product claims the approved-claims library lacks.

Rules (REGULATORY_RULES FTC-05, FDA-08, FDA-12 and the pre-MLR red-flag lexicon):
- `red_flag`: absolutes, superlatives, "cure", guarantees, "no side effects",
  "100%", miracle, reversal and permanence wording, unsupported comparisons.
  Exceptions: the sentence negates it ("there is no cure"), busts a myth, gives a
  ranking with a named source and a year, or repeats an approved claim.
- `overstated_safety`: "safe", "gentle", "harmless" said of a named product or
  procedure (FDA-08 forbids minimising risk).
- `unapproved_product_claim`: a benefit claim about a product in the context
  that matches none of the approved claims (their text or variations).

The lexicon (`guardrails/data/lexicons/claims.yaml`) is FLAG in the regulatory
table, so most rules warn; compliance decides whether the claim is supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guardrails.analysis import AnalyzedText
from guardrails.context import ApprovedClaim, CheckContext, ContentType, ProductFacts
from guardrails.datafiles import load_data_file
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.claim_text import (
    Vocabulary,
    answered_no,
    coverage,
    first_claim,
    negated,
    sentence_index,
    sentences,
)
from guardrails.rules.literal_gate import Gate, fold
from guardrails.rules.product_text import (
    PRODUCTS_LEXICON,
    Mention,
    MentionFinder,
    MentionSource,
    Pattern,
    ProductLexicon,
    load_product_lexicon,
)

CLAIMS_LEXICON = "lexicons/claims.yaml"

_RED_FLAGS = "Pre-MLR red-flag lexicon; FTC Health Products Compliance Guidance (2022); FDA-12 claims library"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RedFlag(_Strict):
    kind: str = Field(min_length=1)
    pattern: Pattern
    negatable: bool = True
    attributable: bool = False
    # A sentence matching this names the flag's substantiation ("in clinical trials"), so the
    # flag does not apply to it; narrower than `attributable`, which wants a source and a year.
    unless: Pattern | None = None


_OUT_OF = re.compile(r"\s+out\s+of\s+")


class ApprovedMatch(_Strict):
    claim_coverage: float = Field(gt=0, le=1)
    sentence_coverage: float = Field(gt=0, le=1)


class Population(_Strict):
    name: str = Field(min_length=1)
    text: Pattern
    label: Pattern
    age: tuple[int, int] | None = None


class OffLabelLexicon(_Strict):
    populations: list[Population] = Field(min_length=1)
    conditions: list[str] = Field(min_length=1)
    condition_pattern: Pattern
    use_lead: Pattern
    limitation_framing_words: list[str]
    investigational: Pattern
    dose_patterns: list[Pattern]


class ClaimsLexicon(_Strict):
    version: Literal[1]
    messages: dict[str, str]
    red_flags: list[RedFlag] = Field(min_length=1)
    exempt_context: Pattern
    attribution: Pattern
    product_safety: Pattern
    use_statement: Pattern
    use_statement_result: Pattern
    approved_match: ApprovedMatch
    off_label: OffLabelLexicon

    @model_validator(mode="after")
    def _every_kind_has_a_message(self) -> ClaimsLexicon:
        missing = sorted({flag.kind for flag in self.red_flags} - set(self.messages))
        if missing:
            raise ValueError(f"red-flag kinds without a message: {', '.join(missing)}")
        return self


def load_claims_lexicon(name: str = CLAIMS_LEXICON) -> ClaimsLexicon:
    return load_data_file(name, ClaimsLexicon)


class ClaimsOptions(_Strict):
    lexicon: str = CLAIMS_LEXICON
    products_lexicon: str = PRODUCTS_LEXICON
    # Product claims are compared with the approved-claims library only when the context
    # carries one: without it there is nothing to match against, and every claim would fail.
    require_claims_library: bool = True


class ApprovedClaims:
    """Fuzzy matching of a sentence against approved claim wording, by shared content words."""

    def __init__(
        self, vocabulary: Vocabulary, settings: ApprovedMatch, benefits: Sequence[re.Pattern[str]]
    ) -> None:
        self._vocabulary = vocabulary
        self._settings = settings
        self._benefits = tuple(benefits)

    def _benefits_within(self, sentence: str, allowed: frozenset[str]) -> bool:
        """Every benefit wording of the sentence is made of approved or labeling words."""
        for pattern in self._benefits:
            for match in pattern.finditer(sentence):
                if not self._vocabulary.stems(match.group(0)) <= allowed:
                    return False
        return True

    def matches(
        self,
        sentence: str,
        claims: Sequence[ApprovedClaim],
        names: frozenset[str],
        labeling: Sequence[str] = (),
    ) -> bool:
        """Whether `sentence` says what an approved claim says (or only what the labeling says).

        A sentence may repeat the indication in its own words ("used with diet and exercise to
        improve blood sugar control"), but one that adds to it ("clears psoriasis in 2 weeks for
        adults with ...") is a new claim: labeling text counts only when it covers the sentence.
        """
        if not claims and not labeling:
            return False
        words = self._vocabulary.stems(sentence) - names
        if not words:
            return False
        label_words: frozenset[str] = frozenset()
        for text in labeling:
            indication = self._vocabulary.stems(text) - names
            if indication and coverage(words, indication) >= self._settings.sentence_coverage:
                return True
            label_words |= indication
        # "X reduces visible fat bulges on the abdomen ...; it is not a weight-loss treatment":
        # the indication and a limitation in one sentence say only what the labeling says.
        if label_words and coverage(words, label_words) >= self._settings.sentence_coverage:
            return True
        # Most of an approved wording, and no benefit beyond the approved wordings it uses or the
        # labeling: a short approved claim ("One dose") cannot vouch for a new one beside it
        # ("gives lifetime protection"), while a patient's own framing ("Day 2 and my ...") or two
        # approved claims in one sentence are fine.
        used: set[str] = set()
        for claim in claims:
            for wording in (claim.text, *claim.variations):
                approved = self._vocabulary.stems(wording) - names
                if not approved:
                    continue
                if coverage(words, approved) >= self._settings.sentence_coverage:
                    return True
                if coverage(approved, words) >= self._settings.claim_coverage:
                    used |= approved
        return bool(used) and self._benefits_within(sentence, frozenset(used) | label_words)


def claims_for(ctx: CheckContext, product: ProductFacts | None) -> list[ApprovedClaim]:
    """Claims that may be used for `product` (its own and organisation-wide ones)."""
    product_id = product.id if product is not None else None
    return [c for c in ctx.approved_claims if c.product_id is None or c.product_id == product_id]


class UnsubstantiatedClaimFamily(RuleFamily):
    name = "unsubstantiated_claim"
    specs = (
        RuleSpec(
            "unsubstantiated_claim.red_flag",
            Category.UNSUBSTANTIATED_CLAIM,
            Severity.WARN,
            _RED_FLAGS,
            "Absolute, superlative, cure, guarantee or comparison wording without substantiation.",
        ),
        RuleSpec(
            "unsubstantiated_claim.overstated_safety",
            Category.UNSUBSTANTIATED_CLAIM,
            Severity.BLOCK,
            "FDA Warning Letter, Diclegis (Aug 7 2015): no minimising or overstating of safety",
            "Safety wording (safe, gentle, harmless) about a named product or procedure.",
        ),
        RuleSpec(
            "unsubstantiated_claim.unapproved_product_claim",
            Category.UNSUBSTANTIATED_CLAIM,
            Severity.WARN,
            "Approved-claims library (MLR); FDA-12",
            "A benefit claim about a product that matches no approved claim.",
        ),
    )
    Options = ClaimsOptions

    def prepare(self, resources: RuleResources) -> None:
        options = self._options
        self._lexicon = load_claims_lexicon(options.lexicon)
        self._red_flag_gates = [(flag, Gate.of(flag.pattern)) for flag in self._lexicon.red_flags]
        products: ProductLexicon = load_product_lexicon(options.products_lexicon)
        self._benefits = products.claims.benefit_patterns
        self._risk_sentence = products.claims.risk_sentence
        self._text = products.text
        self._finder = MentionFinder(products.names)
        self._vocabulary = Vocabulary(products.text)
        self._approved = ApprovedClaims(self._vocabulary, self._lexicon.approved_match, self._benefits)

    @property
    def _options(self) -> ClaimsOptions:
        assert isinstance(self.options, ClaimsOptions)
        return self.options

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        body = text.text
        spans = sentences(body)
        mentions = self._finder.find_shared(text, ctx.products, self._options.products_lexicon)
        names = self._name_stems(ctx.products)
        flagged: set[int] = set()
        labeling = [indication for product in ctx.products for indication in product.indications]
        # Gated twice: the flags whose literals the text holds, then per sentence among those.
        folded = fold(body)
        gates = [(flag, gate) for flag, gate in self._red_flag_gates if gate.open(folded)]
        for index, (start, end) in enumerate(spans):
            sentence = body[start:end]
            if self._lexicon.exempt_context.search(sentence) or answered_no(body, spans, index, self._text):
                continue
            if self._approved.matches(sentence, ctx.approved_claims, names, labeling):
                flagged.add(index)  # substantiated: no product-claim finding either
                # but "lowers A1C faster than any other option" adds a red flag to the approved words
                yield from self._red_flags(text, sentence, start, gates, approved=ctx.approved_claims)
                continue
            for finding in self._red_flags(text, sentence, start, gates):
                flagged.add(index)
                yield finding
            in_sentence = [m for m in mentions if start <= m.start < end]
            if in_sentence:
                safety = self._safety(text, sentence, start)
                if safety is not None:
                    flagged.add(index)
                    yield safety
        yield from self._product_claims(text, ctx, spans, mentions, names, flagged)

    def _red_flags(
        self,
        text: AnalyzedText,
        sentence: str,
        offset: int,
        gates: Sequence[tuple[RedFlag, Gate]],
        approved: Sequence[ApprovedClaim] = (),
    ) -> Iterator[Finding]:
        folded = fold(sentence)
        candidates = [flag for flag, gate in gates if gate.open(folded)]
        if not candidates:
            return  # most sentences: substring tests instead of a scan per flag
        approved_wording = _same_ratio(" ".join(w for c in approved for w in (c.text, *c.variations)).lower())
        lexicon = self._lexicon
        attributed = lexicon.attribution.search(sentence) is not None
        seen_kinds: set[str] = set()
        taken: list[tuple[int, int]] = []
        for flag in candidates:
            if flag.kind in seen_kinds or (flag.attributable and attributed):
                continue
            if flag.unless is not None and flag.unless.search(sentence):
                continue
            for match in flag.pattern.finditer(sentence):
                if flag.negatable and negated(sentence[: match.start()], sentence[match.end() :], self._text):
                    continue
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue  # one finding per stretch of text ("100% painless" is one claim)
                if approved_wording and _same_ratio(match.group().lower()) in approved_wording:
                    continue  # the approved claim itself says it
                seen_kinds.add(flag.kind)
                taken.append(match.span())
                yield self.finding(
                    "unsubstantiated_claim.red_flag",
                    lexicon.messages[flag.kind],
                    span=text.span(offset + match.start(), offset + match.end()),
                    suggestion="Use wording from the approved claims library, or qualify the claim and "
                    "cite its source.",
                )
                break

    def _safety(self, text: AnalyzedText, sentence: str, offset: int) -> Finding | None:
        for match in self._lexicon.product_safety.finditer(sentence):
            if negated(sentence[: match.start()], sentence[match.end() :], self._text):
                continue
            return self.finding(
                "unsubstantiated_claim.overstated_safety",
                "Describes a named product or procedure as safe or gentle; that minimises its risks.",
                span=text.span(offset + match.start(), offset + match.end()),
                suggestion="Remove the safety wording and present the product's risks instead.",
            )
        return None

    def _product_claims(
        self,
        text: AnalyzedText,
        ctx: CheckContext,
        spans: list[tuple[int, int]],
        mentions: Sequence[Mention],
        names: frozenset[str],
        flagged: set[int],
    ) -> Iterator[Finding]:
        if not spans or ctx.content_type is ContentType.CRISIS:
            return  # a recall or shortage notice informs; it promotes nothing
        reported: set[str] = set()
        for mention in mentions:
            product = mention.product
            if mention.source is not MentionSource.CONTEXT or product is None or product.id in reported:
                continue
            claims = claims_for(ctx, product)
            if self._options.require_claims_library and not ctx.approved_claims:
                continue
            index = sentence_index(spans, mention.start)
            # The claim may sit in the sentence naming the product or in the next one ("Meet X. It ...").
            for position in (index, index + 1):
                if position >= len(spans) or position in flagged:
                    continue
                if position != index and any(
                    spans[position][0] <= m.start < spans[position][1] for m in mentions
                ):
                    continue
                start, end = spans[position]
                sentence = text.text[start:end]
                benefit = self._benefit(sentence, _name_spans(sentence, product))
                labeling = (*product.indications, *product.limitations)
                if benefit is None or self._approved.matches(sentence, claims, names, labeling):
                    continue
                reported.add(product.id)
                yield self.finding(
                    "unsubstantiated_claim.unapproved_product_claim",
                    "This claim about the product does not match any approved claim in the claims library.",
                    span=text.span(start + benefit.start(), start + benefit.end()),
                    suggestion=_claim_suggestion(claims),
                )
                break

    def _benefit(self, sentence: str, names: Sequence[tuple[int, int]] = ()) -> re.Match[str] | None:
        """The first benefit wording the sentence does not negate ("not recommended for" is a limit),
        outside the product's own names ("Truvessa Aligners (clear orthodontic aligners)")."""
        if self._risk_sentence.search(sentence):
            return None  # "may lower your ability to fight infections" is a risk, not a benefit
        benefit = first_claim(self._benefits, sentence, self._text, skip=names)
        if benefit is not None and self._states_use_only(sentence, benefit.start()):
            return None
        return benefit

    def _states_use_only(self, sentence: str, benefit_start: int) -> bool:
        """The benefit wording is in a statement of what the product is for, with no result."""
        lexicon = self._lexicon
        frame = lexicon.use_statement.search(sentence)
        return (
            frame is not None
            and frame.start() <= benefit_start
            and lexicon.use_statement_result.search(sentence) is None
        )

    def _name_stems(self, products: Sequence[ProductFacts]) -> frozenset[str]:
        words: set[str] = set()
        for product in products:
            words |= self._vocabulary.stems(f"{product.brand_name} {product.established_name}")
        return frozenset(words)


def _same_ratio(text: str) -> str:
    """ "4 out of 10 people" says what "4 in 10 people" says."""
    return _OUT_OF.sub(" in ", text)


def _name_spans(sentence: str, product: ProductFacts) -> list[tuple[int, int]]:
    """Where the sentence gives the product's brand or established name, whatever the case."""
    lowered = sentence.lower()
    spans = []
    for name in (product.brand_name, product.established_name):
        if name:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name.lower()), lowered)]
    return spans


def _claim_suggestion(claims: Sequence[ApprovedClaim]) -> str:
    product_claims = [c for c in claims if c.product_id is not None]
    if product_claims:
        return f'Use approved wording, for example: "{product_claims[0].text}"'
    return "Use wording from the approved claims library, or send the claim to medical-legal review."
