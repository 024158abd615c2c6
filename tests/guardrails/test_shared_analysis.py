"""`AnalyzedText.shared`: work several rule families do alike is done once per check, never reused wrongly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, ContextFacts, ProductFacts
from guardrails.rules.claims import UnsubstantiatedClaimFamily
from guardrails.rules.disclaimers import DisclaimersFamily
from guardrails.rules.fair_balance import FairBalanceFamily
from guardrails.rules.patient_status import PatientStatusFamily
from guardrails.rules.product_text import Mention, MentionFinder
from tests.guardrails.helpers import make_family

if TYPE_CHECKING:
    from spacy.language import Language

LUMIVA = {"id": "lumiva", "brand_name": "Lumiva", "established_name": "ravotinib", "kind": "drug"}


def test_shared_value_is_computed_once_for_the_same_source() -> None:
    text = AnalyzedText("Ask about Lumiva.")
    source = ["products"]
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert text.shared("key", source, compute) == 1
    assert text.shared("key", source, compute) == 1
    assert calls == [1]


def test_an_equal_but_different_source_is_computed_again() -> None:
    """A hit needs the very object: an equal list from another context is another input."""
    text = AnalyzedText("Ask about Lumiva.")
    first, second = ["products"], ["products"]
    assert text.shared("key", first, lambda: "first") == "first"
    assert text.shared("key", second, lambda: "second") == "second"
    assert text.shared("other key", second, lambda: "other") == "other"


def test_fair_balance_and_claims_find_product_mentions_once_per_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finds: list[str] = []
    real_find = MentionFinder.find

    def counting_find(self: MentionFinder, text: str, products: list[ProductFacts]) -> list[Mention]:
        finds.append(text)
        return real_find(self, text, products)

    monkeypatch.setattr(MentionFinder, "find", counting_find)
    families = [make_family(FairBalanceFamily), make_family(UnsubstantiatedClaimFamily)]
    ctx = CheckContext.of("facebook", "post", ContextFacts.model_validate({"products": [LUMIVA]}))
    text = AnalyzedText("Lumiva (ravotinib) is the only cure you will ever need.")
    findings = [f for family in families for f in family.check(text, ctx)]

    assert len(finds) == 1
    categories = {f.category.value for f in findings}
    assert {"fair_balance", "unsubstantiated_claim"} <= categories

    # A second context (another platform's check of the same words) is not served from the first.
    other = CheckContext.of("x", "post", ContextFacts.model_validate({"products": [LUMIVA]}))
    list(families[0].check(text, other))
    assert len(finds) == 2


def test_patient_status_and_disclaimers_read_the_people_in_a_text_once(
    monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    import guardrails.rules.person_mentions as person_mentions

    calls: list[str] = []
    real = person_mentions.find_mentions

    def counting(text: str, *args: Any) -> list[person_mentions.Mention]:
        calls.append(text)
        return real(text, *args)

    monkeypatch.setattr(person_mentions, "find_mentions", counting)
    families = [make_family(PatientStatusFamily, nlp=nlp), make_family(DisclaimersFamily, nlp=nlp)]
    ctx = CheckContext.of("facebook", "post", None)
    text = AnalyzedText("Meet Rosalind Vega, who got her smile back after her implants with us!", nlp=nlp)
    findings = [f for family in families for f in family.check(text, ctx)]

    assert len(calls) == 1
    assert {"patient_status", "missing_disclaimer"} <= {f.category.value for f in findings}
