"""FDA fair balance: a benefit claim for a product or procedure must carry its risks in the same post.

Rules (REGULATORY_RULES FDA-01..06, FDA-11; 21 CFR 202.1):
- `missing_risk`: a benefit claim or indication for a prescription drug, biologic,
  vaccine brand, device or medical/aesthetic procedure, with no risk information
  in the post itself (each post stands alone, FDA 2014 draft guidance).
- `missing_risk_link`: risk information is there but no link or other mechanism
  to the full risk information (FDA-04). A link alone never replaces the risk
  statement (FDA-05, the Diclegis case): that is `missing_risk`.
- `established_name`: a drug, biologic or vaccine brand without its established
  name (21 CFR 202.1(b)(1)); reminder posts are not exempt from this.
- `boxed_warning_reminder`: a name-only reminder post for a product with a boxed
  warning, which the reminder exemption does not cover (21 CFR 202.1(e)(2)(i)).

General education about an unbranded class ("flu vaccines lower your risk") names
no product, so nothing here fires on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, ContentType, ProductFacts, ProductKind
from guardrails.datafiles import load_data_file
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.claim_text import (
    LabelTerms,
    Vocabulary,
    answered_no,
    any_match,
    first_claim,
    sentence_index,
    sentences,
)
from guardrails.rules.claims import CLAIMS_LEXICON, load_claims_lexicon
from guardrails.rules.product_text import (
    PRODUCTS_LEXICON,
    Mention,
    MentionFinder,
    MentionSource,
    Pattern,
    ProductLexicon,
    group_by_product,
    load_product_lexicon,
    without_parentheses,
)

FAIR_BALANCE_LEXICON = "lexicons/fair_balance.yaml"

_GUIDANCE = "FDA draft guidance, Internet/Social Media Platforms with Character Space Limitations (2014)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskLexicon(_Strict):
    patterns: list[Pattern] = Field(min_length=1)
    adverse_events: Pattern
    benefit_lead: Pattern
    # "For full Prescribing Information, including Boxed Warning, visit ...": a pointer to the
    # risk information, which is not risk information however it names it.
    pointer: Pattern
    min_product_risk_terms: int = Field(ge=1)


class LinkLexicon(_Strict):
    patterns: list[Pattern] = Field(min_length=1)


class FairBalanceLexicon(_Strict):
    version: Literal[1]
    risk: RiskLexicon
    link: LinkLexicon
    established_name_kinds: list[ProductKind]
    link_required_kinds: list[ProductKind]


class FairBalanceOptions(_Strict):
    lexicon: str = FAIR_BALANCE_LEXICON
    products_lexicon: str = PRODUCTS_LEXICON
    # Sentences on either side of a product mention in which a benefit claim is taken to be
    # about that product; posts are short and claims often follow the name ("Meet X. It ...").
    claim_window: int = Field(default=2, ge=0)
    # The unsubstantiated-claim family's red flags ("cures", "guaranteed", "99% success rate")
    # are benefit claims too, and the boldest kind: near a product they need its risks.
    claims_lexicon: str = CLAIMS_LEXICON
    # Brands recognised from the shared lexicon (no product facts) must carry their
    # established name too; turn off for accounts whose products all come with facts.
    check_known_brand_names: bool = True


@dataclass(frozen=True, slots=True)
class _Post:
    """What the post as a whole offers: risk wording and a link."""

    text: str
    sentences: list[tuple[int, int]]
    generic_risk: bool
    link: bool
    # The approved claims of each product (lower case, with their variations): quoting one
    # is still a benefit claim that needs the product's risks beside it.
    approved: dict[str, tuple[str, ...]]
    # A review reply that names a product without claiming anything for it ("the prior
    # authorization for your Slimrova prescription") answers the reviewer: it is no reminder
    # advertisement, so the reminder rules (established name, boxed warning) need a claim there.
    reminders: bool = True


class FairBalanceFamily(RuleFamily):
    name = "fair_balance"
    specs = (
        RuleSpec(
            "fair_balance.missing_risk",
            Category.FAIR_BALANCE,
            Severity.BLOCK,
            f"21 CFR 202.1(e)(5); {_GUIDANCE}",
            "A benefit claim for a product or procedure without its risk information in the same post.",
        ),
        RuleSpec(
            "fair_balance.missing_risk_link",
            Category.FAIR_BALANCE,
            Severity.BLOCK,
            f"{_GUIDANCE} (direct access to a more complete discussion of risks)",
            "Risk information without a link or mechanism to the full risk information.",
        ),
        RuleSpec(
            "fair_balance.established_name",
            Category.FAIR_BALANCE,
            Severity.BLOCK,
            "21 CFR 202.1(b)(1)",
            "A brand name of a drug, biologic or vaccine without its established (generic) name.",
        ),
        RuleSpec(
            "fair_balance.boxed_warning_reminder",
            Category.FAIR_BALANCE,
            Severity.BLOCK,
            "21 CFR 202.1(e)(2)(i)",
            "A reminder post for a product with a boxed warning, without its risk information.",
        ),
    )
    Options = FairBalanceOptions

    def prepare(self, resources: RuleResources) -> None:
        options = self._options
        self._lexicon = load_data_file(options.lexicon, FairBalanceLexicon)
        products: ProductLexicon = load_product_lexicon(options.products_lexicon)
        self._products = products
        self._finder = MentionFinder(products.names)
        self._vocabulary = Vocabulary(products.text)
        self._label = LabelTerms(self._vocabulary, products.text)
        self._red_flags = [flag.pattern for flag in load_claims_lexicon(options.claims_lexicon).red_flags]

    @property
    def _options(self) -> FairBalanceOptions:
        assert isinstance(self.options, FairBalanceOptions)
        return self.options

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        body = text.text
        mentions = self._finder.find_shared(text, ctx.products, self._options.products_lexicon)
        if ctx.content_type is ContentType.REVIEW_RESPONSE:
            # A reply to a reviewer's own story ("glad your LASIK results ...") is not an
            # advertisement for a procedure; the organisation's own products still are promoted.
            mentions = [m for m in mentions if m.source is MentionSource.CONTEXT]
        if _MYTHS.search(body):
            # "Filler myths, busted: ... Fact: swelling and bruising are common": education about a
            # kind of treatment, not the promotion of one; a brand named in it still counts.
            mentions = [m for m in mentions if m.source not in _CLASS_SOURCES]
        if not mentions:
            return
        post = _Post(
            text=body,
            sentences=sentences(body),
            generic_risk=self._generic_risk(body),
            link=any_match(self._lexicon.link.patterns, body) is not None,
            approved=_approved_claims(ctx),
            reminders=ctx.content_type is not ContentType.REVIEW_RESPONSE,
        )
        for group in group_by_product(mentions).values():
            yield from self._check_product(text, post, group)

    def _check_product(self, text: AnalyzedText, post: _Post, group: Sequence[Mention]) -> Iterator[Finding]:
        first = group[0]
        product = first.product
        span = text.span(first.start, first.end)
        claim = self._claim_near(post, group)
        risk = post.generic_risk or (product is not None and self._product_risk(post.text, product))
        link = post.link or (product is not None and bool(product.pi_url) and product.pi_url in post.text)

        named = self._established_name_missing(post, group, claim) if claim or post.reminders else None
        if named is not None:
            yield self.finding(
                "fair_balance.established_name",
                "The brand name appears without its established (generic) name.",
                span=text.span(named.start, named.end),
                suggestion=self._name_suggestion(named),
            )
        if claim and not risk:
            yield self.finding(
                "fair_balance.missing_risk",
                "This post states a benefit of a prescription product or procedure but gives none of its "
                "risks. The most important risks must appear in the same post; a link alone is not enough.",
                span=span,
                suggestion=self._risk_suggestion(product),
            )
        elif claim and not link and first.kind in self._lexicon.link_required_kinds:
            yield self.finding(
                "fair_balance.missing_risk_link",
                "The post gives risk information but no link to the full risk information.",
                span=span,
                suggestion=self._link_suggestion(product),
            )
        elif (
            not claim
            and post.reminders
            and product is not None
            and product.boxed_warning
            and not (risk and link)
        ):
            yield self.finding(
                "fair_balance.boxed_warning_reminder",
                "This product has a boxed warning, so even a post that only names it must include its "
                "risk information and a link to the full prescribing information.",
                span=span,
                suggestion=self._risk_suggestion(product),
            )

    # -- claim, risk and name detection ----------------------------------------

    def _claim_near(self, post: _Post, group: Sequence[Mention]) -> bool:
        window = self._options.claim_window
        count = len(post.sentences)
        for mention in group:
            index = sentence_index(post.sentences, mention.start)
            low, high = max(0, index - window), min(count - 1, index + window)
            # Questions answered with a no ("Is it painless? Not always.") promise nothing.
            chunk = " ".join(
                post.text[s:e]
                for i, (s, e) in enumerate(post.sentences[low : high + 1], start=low)
                if not answered_no(post.text, post.sentences, i, self._products.text)
            )
            # "not approved for this use" or "no more expensive" claims nothing.
            if first_claim(self._products.claims.benefit_patterns, chunk, self._products.text) is not None:
                return True
            if first_claim(self._products.claims.indication_patterns, chunk, self._products.text) is not None:
                return True
            if first_claim(self._red_flags, chunk, self._products.text) is not None:
                return True
            if mention.product is not None and self._label.states_use(chunk, mention.product):
                return True
            if mention.product is not None and _quotes_any(chunk, post.approved.get(mention.product.id, ())):
                return True
        return False

    def _generic_risk(self, body: str) -> bool:
        risk = self._lexicon.risk
        body = risk.pointer.sub(lambda m: " " * len(m.group()), body)
        if any_match(risk.patterns, body) is not None:
            return True
        for match in risk.adverse_events.finditer(body):
            lead = body[max(0, match.start() - 60) : match.start()]
            if risk.benefit_lead.search(lead) is None:
                return True
        return False

    def _product_risk(self, body: str, product: ProductFacts) -> bool:
        """The product's own risk statement, paraphrased: enough of its key words are present."""
        statement = f"{product.risk_statement} {product.short_risk_statement}"
        if not statement.strip():
            return False
        name_words = self._vocabulary.stems(f"{product.brand_name} {product.established_name}")
        benefit_words = self._vocabulary.stems(" ".join(product.indications))
        key = self._vocabulary.stems(statement) - name_words - benefit_words
        present = key & self._vocabulary.stems(body)
        return len(present) >= self._lexicon.risk.min_product_risk_terms

    def _established_name_missing(self, post: _Post, group: Sequence[Mention], claim: bool) -> Mention | None:
        brands = [m for m in group if m.by_brand and m.kind in self._lexicon.established_name_kinds]
        if not brands:
            return None
        first = brands[0]
        if first.source is MentionSource.CONTEXT and first.product is not None:
            established = first.product.established_name
        elif first.source is MentionSource.KNOWN_BRAND and claim and self._options.check_known_brand_names:
            # A brand known only from the lexicon may be named without promoting it (a shortage
            # notice, a question); only a post that claims something for it is its advertising.
            established = first.established or ""
        else:
            return None
        if not established.strip():
            return None
        return None if self._has_established_name(post, brands, established) else first

    def _has_established_name(self, post: _Post, brands: Sequence[Mention], established: str) -> bool:
        folded = self._vocabulary.fold(post.text)
        bare = without_parentheses(established)
        if bare and re.search(r"(?<!\w)" + re.escape(self._vocabulary.fold(bare)) + r"(?!\w)", folded):
            return True
        wanted = self._vocabulary.stems(established)
        for mention in brands:
            # "CARDELTA (semvaridone)" or "IMMUVARA, a quadrivalent flu vaccine": the
            # established name's words next to the brand, in any common paraphrase.
            index = sentence_index(post.sentences, mention.start)
            start, end = post.sentences[index]
            near = self._vocabulary.stems(post.text[start:end])
            if wanted and len(wanted & near) / len(wanted) >= 0.6:
                return True
            parenthetical = re.match(r"\s*\(([^)]{3,80})\)", post.text[mention.end :])
            if (
                parenthetical
                and wanted
                and len(wanted & self._vocabulary.stems(parenthetical[1])) >= max(1, len(wanted) // 2)
            ):
                return True
        return False

    # -- suggestions (approved copy from the product facts, never the checked text) --

    @staticmethod
    def _risk_suggestion(product: ProductFacts | None) -> str:
        if product is not None and product.short_risk_statement:
            link = f" and link to {product.pi_url}" if product.pi_url else ""
            return f'Add the approved risk statement "{product.short_risk_statement}"{link}.'
        return "Add the most important risks in the post itself, plus a link to the full risk information."

    @staticmethod
    def _link_suggestion(product: ProductFacts | None) -> str:
        if product is not None and product.pi_url:
            return f"Add a link to the full risk information: {product.pi_url}."
        return "Add a link to the full prescribing or safety information."

    @staticmethod
    def _name_suggestion(mention: Mention) -> str:
        if mention.product is not None:
            return f"Give the established name with the brand, e.g. {mention.product.brand_name} ({mention.product.established_name})."
        if mention.established:
            return f"Give the established name with the brand: {mention.established}."
        return "Give the established name with the brand."


_MYTHS = re.compile(r"\bmyths?\b.{0,300}?\bfacts?\b", re.IGNORECASE | re.DOTALL)
_CLASS_SOURCES = frozenset({MentionSource.PROCEDURE, MentionSource.DRUG_NAME})


def _approved_claims(ctx: CheckContext) -> dict[str, tuple[str, ...]]:
    claims: dict[str, list[str]] = {}
    for claim in ctx.approved_claims:
        if claim.product_id is not None:
            claims.setdefault(claim.product_id, []).extend(
                p.lower().rstrip(". ") for p in (claim.text, *claim.variations) if p.strip()
            )
    return {product: tuple(phrases) for product, phrases in claims.items()}


def _quotes_any(chunk: str, phrases: Sequence[str]) -> bool:
    lowered = chunk.lower()
    return any(phrase in lowered for phrase in phrases)
