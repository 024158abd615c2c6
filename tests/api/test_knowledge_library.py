"""The structured libraries in the database (SqlLibraryRepository) and their read-only routes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.store.library_models import ApprovedClaimRow, BrandProfileRow, ContentTemplateRow, ProductRow
from api.store.library_repository import SqlLibraryRepository, knowledge_org
from api.store.models import Role
from api.store.repositories import OrganisationRepository
from knowledge.errors import InvalidOrganisation
from knowledge.libraries.models import KnowledgeLibrary
from knowledge.pack.loader import load_pack_library
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

DAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def pack_library() -> KnowledgeLibrary:
    return load_pack_library()


def organisation(sessions: sessionmaker[Session], slug: str) -> str:
    with sessions() as session:
        created = OrganisationRepository(session).create(slug=slug, name=slug.title())
        session.commit()
    return knowledge_org(created.id)


def smaller(library: KnowledgeLibrary) -> KnowledgeLibrary:
    """The library without its first product (and that product's claims) and its crisis templates."""
    gone = library.products[0].id
    return library.model_copy(
        update={
            "products": library.products[1:],
            "claims": [c for c in library.claims if c.product_id != gone],
            "templates": library.templates.model_copy(update={"crisis": []}),
        }
    )


def test_a_library_round_trips_in_order(
    sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    org = organisation(sessions, "acme")
    repository = SqlLibraryRepository(sessions)
    assert repository.get(org) is None
    repository.put(org, pack_library)
    assert repository.get(org) == pack_library
    # Indexed columns are copies of the items' own fields.
    with sessions() as session:
        claims = session.scalars(select(ApprovedClaimRow).order_by(ApprovedClaimRow.position)).all()
    assert [(c.id, c.product_id, c.status, c.expires) for c in claims] == [
        (c.id, c.product_id, c.status.value, c.expires) for c in pack_library.claims
    ]


def test_put_replaces_the_whole_library(
    sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    org = organisation(sessions, "acme")
    repository = SqlLibraryRepository(sessions)
    repository.put(org, pack_library)
    reduced = smaller(pack_library)
    repository.put(org, reduced)
    assert repository.get(org) == reduced
    with sessions() as session:
        products = session.scalar(select(func.count()).select_from(ProductRow))
        crisis = session.scalar(
            select(func.count()).select_from(ContentTemplateRow).where(ContentTemplateRow.kind == "crisis")
        )
    assert (products, crisis) == (len(reduced.products), 0)


def test_a_put_elsewhere_is_seen_at_the_next_read(
    sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    """Two repositories stand for two processes: each keeps the library it last read."""
    org = organisation(sessions, "acme")
    here, elsewhere = SqlLibraryRepository(sessions), SqlLibraryRepository(sessions)
    here.put(org, pack_library)
    assert here.get(org) is here.get(org)  # unchanged: the same object, no rebuild
    reduced = smaller(pack_library)
    elsewhere.put(org, reduced)
    assert here.get(org) == reduced
    elsewhere.delete(org)
    assert here.get(org) is None


def test_organisations_are_kept_apart(
    sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    acme, globex = organisation(sessions, "acme"), organisation(sessions, "globex")
    repository = SqlLibraryRepository(sessions)
    repository.put(acme, pack_library)
    repository.put(globex, smaller(pack_library))  # the same item ids in another organisation
    assert repository.get(acme) == pack_library
    repository.delete(globex)
    assert repository.get(globex) is None
    assert repository.get(acme) == pack_library
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(BrandProfileRow)) == 1


def test_a_failed_put_leaves_the_previous_library(
    sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    org = organisation(sessions, "acme")
    repository = SqlLibraryRepository(sessions)
    repository.put(org, pack_library)
    # Bypass validation to force a database error half way through the replace (duplicate primary key).
    broken = pack_library.model_copy(update={"products": [*pack_library.products, pack_library.products[0]]})
    with pytest.raises(IntegrityError):
        repository.put(org, broken)
    assert repository.get(org) == pack_library


def test_organisation_keys_are_checked(
    sessions: sessionmaker[Session], pack_library: KnowledgeLibrary
) -> None:
    repository = SqlLibraryRepository(sessions)
    with pytest.raises(InvalidOrganisation):
        repository.get("acme")
    # A well-formed id of no organisation: the foreign key refuses it.
    with pytest.raises(IntegrityError):
        repository.put("00000000-0000-4000-8000-000000000000", pack_library)


# --- routes ----------------------------------------------------------------------------


def test_library_routes_read_the_organisations_library(
    client: TestClient,
    make_key: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    pack_library: KnowledgeLibrary,
) -> None:
    reader = make_key("acme", role=Role.integration)
    SqlLibraryRepository(sessions).put(knowledge_org(reader.organisation_id), pack_library)

    def items(path: str, **params: str) -> list[dict[str, object]]:
        response = client.get(f"/v1/knowledge/{path}", params=params, headers=reader.headers)
        assert response.status_code == 200, response.text
        listed: list[dict[str, object]] = response.json()["items"]
        return listed

    assert [p["id"] for p in items("products")] == [p.id for p in pack_library.products]
    assert [d["id"] for d in items("disclaimers")] == [d.id for d in pack_library.disclaimers]
    assert [c["id"] for c in items("claims")] == [c.id for c in pack_library.claims]
    usable = [c.id for c in pack_library.claims if c.usable_on(DAY)]
    assert len(usable) < len(pack_library.claims)  # the pack holds expired or withdrawn claims
    assert [c["id"] for c in items("claims", usable_on=DAY.isoformat())] == usable
    product = pack_library.products[0].id
    assert {c["product_id"] for c in items("claims", product_id=product)} == {product}

    brand = client.get("/v1/knowledge/brand", headers=reader.headers).json()
    assert brand["organisation"] == pack_library.brand.organisation
    assert len(brand["staff"]) == len(pack_library.brand.staff)
    templates = client.get("/v1/knowledge/templates", headers=reader.headers).json()
    assert len(templates["observances"]) == len(pack_library.templates.observances)


def test_an_organisation_without_a_library_sees_none(
    client: TestClient,
    make_key: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    pack_library: KnowledgeLibrary,
) -> None:
    acme, other = make_key("acme"), make_key("globex", role=Role.marketer)
    SqlLibraryRepository(sessions).put(knowledge_org(acme.organisation_id), pack_library)
    for path in ("products", "claims", "disclaimers"):
        response = client.get(f"/v1/knowledge/{path}", headers=other.headers)
        assert response.json() == {"items": []}
    assert_problem(client.get("/v1/knowledge/brand", headers=other.headers), 404, "not-found")
    assert client.get("/v1/knowledge/templates", headers=other.headers).json() == {
        "crisis": [],
        "review_replies": [],
        "observances": [],
    }
