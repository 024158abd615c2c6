from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from guardrails.context import CheckContext, ContentType, Platform, ProductKind
from knowledge.errors import InvalidLibrary
from knowledge.libraries import (
    ClaimStatus,
    InMemoryLibraryRepository,
    KnowledgeLibrary,
    LibraryRepository,
    YamlLibraryRepository,
    context_facts,
    dump_library,
    index_library,
    load_library,
    parse_library,
)
from knowledge.models import Origin
from knowledge.pack import pack_dir
from knowledge.store import KnowledgeStore
from tests.knowledge.conftest import TODAY


@pytest.fixture(scope="module")
def library() -> KnowledgeLibrary:
    return load_library(pack_dir() / "library")


def test_pack_library_has_what_the_issue_asks_for(library: KnowledgeLibrary) -> None:
    kinds = {p.kind for p in library.products}
    assert len(library.products) >= 5
    assert {ProductKind.DRUG, ProductKind.DEVICE, ProductKind.PROCEDURE} <= kinds
    assert any(p.boxed_warning for p in library.products)
    assert len(library.usable_claims(TODAY)) >= 30
    assert len(library.disclaimers) >= 10
    assert library.brand.staff
    assert library.brand.locations
    assert library.templates.crisis
    assert library.templates.review_replies
    assert {o.month for o in library.templates.observances} == set(range(1, 13))


def test_expired_draft_and_future_claims_are_not_usable(library: KnowledgeLibrary) -> None:
    claims = {c.id: c for c in library.claims}
    assert not claims["cardelta-valor-af-bleeding"].usable_on(TODAY)  # expired 2025-06-30
    assert claims["cardelta-valor-af-bleeding"].usable_on(date(2025, 1, 1))
    assert claims["dermavue-itch-day-one"].status is ClaimStatus.DRAFT
    assert not claims["dermavue-itch-day-one"].usable_on(TODAY)
    assert not claims["immuvara-2026-2027-formula"].usable_on(date(2026, 8, 1))  # effective 2026-09-01
    usable = {c.id for c in library.usable_claims(TODAY)}
    assert "cardelta-valor-af-bleeding" not in usable
    assert "immuvara-2025-2026-formula" not in usable
    assert "immuvara-2026-2027-formula" in usable


def test_claims_for_named_products_include_general_ones(library: KnowledgeLibrary) -> None:
    usable = library.usable_claims(TODAY, ["dermavue"])
    assert {c.product_id for c in usable} == {"dermavue", None}


def test_converts_to_guardrails_facts(library: KnowledgeLibrary) -> None:
    facts = context_facts(library, on=TODAY, product_ids=["cardelta"])
    assert [p.id for p in facts.products] == ["cardelta"]
    product = facts.products[0]
    assert product.boxed_warning is True
    assert product.established_name == "semvaridone"
    assert product.short_risk_statement
    assert "Larkspur Valley Health" in facts.organisation.names
    assert "LVH" in facts.organisation.forbidden_names
    assert any(s.name == "Maya Chen" and s.credentials == "MD, FACC" for s in facts.organisation.staff)
    assert any(loc.phone == "(541) 555-0177" for loc in facts.organisation.locations)
    assert "@LarkspurHealth" in facts.organisation.handles
    assert facts.organisation.preferred_terms["diabetic"] == "person with diabetes"
    claim_ids = {c.id for c in facts.approved_claims}
    assert "cardelta-no-inr" in claim_ids
    assert "cardelta-valor-af-bleeding" not in claim_ids
    assert "dermavue-indication" not in claim_ids
    # the JSON form the API and evals pass around builds a CheckContext
    context = CheckContext.of("x", "post", facts)
    assert context.products[0].id == "cardelta"


def test_disclaimer_conditions(library: KnowledgeLibrary) -> None:
    by_id = {d.id: d for d in library.disclaimers}
    rx = by_id["rx-full-risk"]
    assert rx.applies(product_kinds={ProductKind.DRUG})
    assert not rx.applies(product_kinds={ProductKind.DEVICE})
    privacy = by_id["privacy-comments"]
    assert privacy.applies(content_type=ContentType.REVIEW_RESPONSE, platform=Platform.GOOGLE_BUSINESS)
    assert not privacy.applies(content_type=ContentType.POST)
    assert by_id["crisis-988"].applies(topics={"mental-health"})
    assert not by_id["crisis-988"].applies(topics={"flu"})


BRAND = "brand:\n  organisation: Acme Health\n  names: [Acme Health]\n"


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"brand": "brand: [unclosed"}, "brand.yaml is not valid YAML at line 1"),
        ({"products": "products: []"}, "needs a brand profile"),
        ({"brand": BRAND, "extras": "x: 1"}, "unknown library parts: extras"),
        ({"brand": "brand:\n  organisation: Acme\n  names: [Other]\n"}, "organisation must be one of names"),
        (
            {
                "brand": BRAND,
                "claims": "claims:\n- {id: c1, text: Fast, product_id: nope, references: [x]}\n",
            },
            "claims refer to unknown products: nope",
        ),
        (
            {
                "brand": BRAND,
                "templates": "templates:\n  review_replies:\n  - {id: t1, title: T, sentiment: positive, "
                "situation: S, text: Thanks, covers: [no-such-disclaimer]}\n",
            },
            "reply templates cover unknown disclaimers: no-such-disclaimer",
        ),
        (
            {"brand": BRAND, "claims": "- {id: c1, text: Fast relief}\n"},
            "an approved claim needs at least one reference",
        ),
        (
            {
                "brand": BRAND,
                "claims": "- {id: c1, text: A, references: [r]}\n- {id: c1, text: B, references: [r]}\n",
            },
            "duplicate claims ids: c1",
        ),
        (
            {"brand": BRAND, "disclaimers": "- {id: d1, category: other, text: T, required_when: {}}\n"},
            "set always: true or at least one condition",
        ),
        (
            {"brand": BRAND, "products": "- {id: p1, brand_name: X, kind: drug, colour: red}\n"},
            "colour: Extra inputs",
        ),
    ],
)
def test_invalid_libraries_are_refused_with_a_location(parts: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidLibrary) as caught:
        parse_library(parts)
    assert message in caught.value.message


def test_validation_messages_do_not_echo_values() -> None:
    secret = "Patient Jane Roe 1955-03-02"
    with pytest.raises(InvalidLibrary) as caught:
        parse_library(
            {"brand": BRAND, "claims": f"- {{id: c1, text: '{secret}', status: maybe, references: [r]}}\n"}
        )
    assert "Jane" not in caught.value.message
    assert "status" in caught.value.message


@pytest.mark.parametrize("make_repo", [InMemoryLibraryRepository, YamlLibraryRepository])
def test_repositories_round_trip(make_repo: type, library: KnowledgeLibrary, tmp_path: Path) -> None:
    repo: LibraryRepository = make_repo(tmp_path) if make_repo is YamlLibraryRepository else make_repo()
    assert repo.get("acme") is None
    repo.put("acme", library)
    assert repo.get("acme") == library
    assert repo.get("other") is None
    repo.delete("acme")
    assert repo.get("acme") is None


def test_dumped_library_parses_back(library: KnowledgeLibrary) -> None:
    assert parse_library(dump_library(library)) == library


def test_index_library_is_idempotent_and_removes_stale_items(
    store: KnowledgeStore, library: KnowledgeLibrary
) -> None:
    small = library.model_copy(
        update={
            "products": library.products[:2],
            "claims": [c for c in library.claims if c.product_id in (None, "cardelta")],
        }
    )
    first = index_library(store, "acme", small)
    assert "product:cardelta" in first.created
    assert "claim:dermavue-indication" not in first.created
    assert "claim:dermavue-itch-day-one" not in first.created  # drafts are never indexed
    again = index_library(store, "acme", small)
    assert again.created == again.updated == again.deleted == []
    assert set(again.unchanged) == set(first.created)
    fewer = small.model_copy(
        update={"products": small.products[:1], "claims": [c for c in small.claims if c.product_id is None]}
    )
    report = index_library(store, "acme", fewer)
    assert "product:dermavue" in report.deleted
    assert "claim:cardelta-no-inr" in report.deleted
    assert store.document("acme", "product:dermavue") is None
    assert all(d.origin is Origin.LIBRARY for d in store.documents("acme"))
