from __future__ import annotations

from datetime import date

import pytest

from guardrails.context import ContentType, Platform
from knowledge.errors import UnknownProduct
from knowledge.libraries import InMemoryLibraryRepository
from knowledge.models import Kind
from knowledge.retrieval import KnowledgeBase
from knowledge.store import KnowledgeStore
from tests.knowledge.conftest import PACK_ORG, TODAY


def test_chunks_are_cited_to_document_and_version(pack_kb: KnowledgeBase) -> None:
    bundle = pack_kb.retrieve(PACK_ORG, "how do we reply to a negative Yelp review", k=5)
    assert len(bundle.chunks) == 5
    assert "policy-review-replies" in bundle.doc_ids()
    citation = bundle.chunks[0].citation
    assert citation.version >= 1
    assert citation.title
    assert f"{citation.doc_id} v{citation.version}" in citation.label()
    scores = [c.score for c in bundle.chunks]
    assert scores == sorted(scores, reverse=True)


def test_kind_filter(pack_kb: KnowledgeBase) -> None:
    bundle = pack_kb.retrieve(PACK_ORG, "flu shots", kinds=[Kind.CLAIM], k=10)
    assert bundle.chunks
    assert {c.kind for c in bundle.chunks} == {Kind.CLAIM}


def test_product_filter_keeps_general_chunks_and_drops_other_products(pack_kb: KnowledgeBase) -> None:
    bundle = pack_kb.retrieve(
        PACK_ORG, "bleeding risk and safety information", product_ids=["cardelta"], k=20, per_document=None
    )
    product_ids = {pid for c in bundle.chunks for pid in c.product_ids}
    assert product_ids <= {"cardelta"}
    assert any(c.product_ids == [] for c in bundle.chunks)
    assert any(c.product_ids == ["cardelta"] for c in bundle.chunks)


def test_platform_filter(pack_kb: KnowledgeBase) -> None:
    bundle = pack_kb.retrieve(
        PACK_ORG, "phones are down", kinds=["template"], platforms=["google_business"], k=20
    )
    # the outage template is not approved for Google Business Profile; untagged chunks still apply
    assert "template:crisis:system-outage" not in bundle.doc_ids()
    assert all(not c.platforms or Platform.GOOGLE_BUSINESS in c.platforms for c in bundle.chunks)


def test_expired_claims_are_not_retrieved(pack_kb: KnowledgeBase) -> None:
    query = "CARDELTA had less major bleeding than warfarin"
    today = pack_kb.retrieve(PACK_ORG, query, kinds=[Kind.CLAIM], k=10)
    assert "claim:cardelta-valor-af-bleeding" not in today.doc_ids()
    back_then = pack_kb.retrieve(PACK_ORG, query, kinds=[Kind.CLAIM], k=10, on=date(2025, 1, 1))
    assert back_then.doc_ids()[0] == "claim:cardelta-valor-af-bleeding"
    # a claim that is not yet effective is excluded the same way
    before_season = pack_kb.retrieve(
        PACK_ORG, "2026-2027 flu vaccine formula", kinds=[Kind.CLAIM], on=date(2026, 8, 1)
    )
    assert "claim:immuvara-2026-2027-formula" not in before_season.doc_ids()


def test_per_document_cap(pack_kb: KnowledgeBase) -> None:
    capped = pack_kb.retrieve(PACK_ORG, "HIPAA identifiers of patients", k=10, per_document=1)
    assert len(capped.doc_ids()) == len(capped.chunks)


def test_bundle_carries_facts_disclaimers_and_voice(pack_kb: KnowledgeBase) -> None:
    bundle = pack_kb.retrieve(
        PACK_ORG,
        "post about CARDELTA for AFib",
        product_ids=["cardelta"],
        platforms=[Platform.X],
        content_type="post",
    )
    assert [p.id for p in bundle.facts.products] == ["cardelta"]
    assert bundle.facts.organisation.names
    assert {c.id for c in bundle.facts.approved_claims} >= {"cardelta-afib-stroke", "org-stroke-center"}
    disclaimer_ids = {d.id for d in bundle.disclaimers}
    assert "rx-full-risk" in disclaimer_ids
    assert "vaccine-safety" not in disclaimer_ids
    assert bundle.voice is not None
    assert "cure" in bundle.voice.banned_terms


def test_required_disclaimers_by_content_type(pack_kb: KnowledgeBase) -> None:
    ids = {
        d.id
        for d in pack_kb.required_disclaimers(
            PACK_ORG, content_type=ContentType.REVIEW_RESPONSE, platforms=[Platform.GOOGLE_BUSINESS]
        )
    }
    assert ids == {"privacy-comments"}


def test_facts(pack_kb: KnowledgeBase) -> None:
    everything = pack_kb.facts(PACK_ORG)
    assert len(everything.products) == 7
    assert len(everything.approved_claims) >= 30
    assert pack_kb.facts(PACK_ORG, product_ids=[]).products == []
    with pytest.raises(UnknownProduct):
        pack_kb.facts(PACK_ORG, product_ids=["nope"])
    later = pack_kb.facts(PACK_ORG, on=date(2028, 6, 1))
    assert len(later.approved_claims) < len(everything.approved_claims)


def test_organisation_without_knowledge(store: KnowledgeStore) -> None:
    kb = KnowledgeBase(store, InMemoryLibraryRepository(), today=lambda: TODAY)
    bundle = kb.retrieve("empty-org", "anything")
    assert bundle.chunks == []
    assert bundle.facts.products == []
    assert bundle.voice is None
    with pytest.raises(UnknownProduct):
        kb.facts("empty-org", product_ids=["cardelta"])


def test_k_is_bounded(pack_kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="k must be"):
        pack_kb.retrieve(PACK_ORG, "x", k=0)
