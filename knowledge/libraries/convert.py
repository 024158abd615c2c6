"""From library items to the guardrails' fact models (`guardrails.context`)."""

from __future__ import annotations

from datetime import date

from guardrails.context import (
    ApprovedClaim,
    ContextFacts,
    Location,
    OrganisationFacts,
    ProductFacts,
    StaffMember,
)
from knowledge.libraries.models import BrandProfile, Claim, KnowledgeLibrary, Product


def organisation_facts(brand: BrandProfile) -> OrganisationFacts:
    return OrganisationFacts(
        names=list(brand.names),
        forbidden_names=list(brand.forbidden_names),
        banned_terms=list(brand.banned_terms),
        preferred_terms=dict(brand.preferred_terms),
        locations=[Location(name=loc.name, address=loc.address, phone=loc.phone) for loc in brand.locations],
        websites=list(brand.websites),
        handles=sorted(set(brand.handles.values())),
        # Every staff member: guardrails must recognise a colleague's name as not a patient's.
        staff=[StaffMember(name=s.name, credentials=s.credentials, role=s.role) for s in brand.staff],
    )


def product_facts(product: Product) -> ProductFacts:
    return ProductFacts(
        id=product.id,
        brand_name=product.brand_name,
        established_name=product.established_name,
        kind=product.kind,
        indications=list(product.indications),
        limitations=list(product.limitations),
        boxed_warning=bool(product.boxed_warning),
        risk_statement=product.risk_statement,
        short_risk_statement=product.short_risk_statement,
        pi_url=product.pi_url or "",
    )


def approved_claim(claim: Claim) -> ApprovedClaim:
    return ApprovedClaim(
        id=claim.id, product_id=claim.product_id, text=claim.text, variations=list(claim.variations)
    )


def context_facts(
    library: KnowledgeLibrary, *, on: date, product_ids: list[str] | None = None
) -> ContextFacts:
    """Facts for a check: the organisation, the named products (all when None) and usable claims.

    Claims are filtered to those approved and unexpired on `on`, so a check never
    accepts wording whose approval has lapsed.
    """
    wanted = None if product_ids is None else set(product_ids)
    products = [p for p in library.products if wanted is None or p.id in wanted]
    return ContextFacts(
        organisation=organisation_facts(library.brand),
        products=[product_facts(p) for p in products],
        approved_claims=[approved_claim(c) for c in library.usable_claims(on, product_ids)],
    )
