"""`SqlLibraryRepository`: knowledge's `LibraryRepository` protocol over the library tables.

knowledge/ names an organisation by a string; the API uses the organisation's
UUID (`knowledge_org(organisation_id)`), so chroma collections and library rows
share one key. Unlike the other repositories this one owns its transactions:
the knowledge base holds it for the app's lifetime and calls it outside any
request session.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from api.store.library_models import (
    ApprovedClaimRow,
    BrandProfileRow,
    ContentTemplateRow,
    DisclaimerRow,
    ProductRow,
)
from api.store.models import utcnow
from knowledge.errors import InvalidLibrary, InvalidOrganisation
from knowledge.libraries.models import CrisisTemplate, KnowledgeLibrary, Observance, ReviewReplyTemplate

ITEM_TABLES = (ProductRow, ApprovedClaimRow, DisclaimerRow, ContentTemplateRow)
# content_templates.kind -> the list of `Templates` it belongs to.
TEMPLATE_LISTS = {"crisis": "crisis", "review_reply": "review_replies", "observance": "observances"}


def knowledge_org(organisation_id: uuid.UUID) -> str:
    """The organisation key knowledge/ uses for this organisation (collections, libraries)."""
    return str(organisation_id)


def organisation_uuid(org: str) -> uuid.UUID:
    try:
        return uuid.UUID(org)
    except ValueError:
        raise InvalidOrganisation("the API keys knowledge by organisation id (a UUID)") from None


class SqlLibraryRepository:
    """Each organisation's library as rows; `put` replaces the whole library in one transaction.

    A search reads the library several times (facts, disclaimers, voice), and
    rebuilding it costs five queries; so the last library read per organisation
    is kept with its brand row's `updated_at`, which every `put` (from any
    process) renews. A read then costs one query while nothing changed.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._cache: dict[uuid.UUID, tuple[datetime, KnowledgeLibrary]] = {}

    def get(self, org: str) -> KnowledgeLibrary | None:
        organisation_id = organisation_uuid(org)
        with self._sessions() as session:
            updated_at = session.scalar(
                select(BrandProfileRow.updated_at).where(BrandProfileRow.organisation_id == organisation_id)
            )
            if updated_at is None:
                self._cache.pop(organisation_id, None)
                return None
            cached = self._cache.get(organisation_id)
            if cached is not None and cached[0] == updated_at:
                return cached[1]  # libraries are frozen models: sharing one is safe
            brand = session.get_one(BrandProfileRow, organisation_id)
            raw: dict[str, Any] = {
                "brand": brand.data,
                "products": _data(session, ProductRow, organisation_id),
                "claims": _data(session, ApprovedClaimRow, organisation_id),
                "disclaimers": _data(session, DisclaimerRow, organisation_id),
                "templates": _templates(session, organisation_id),
            }
        try:
            # Validating again checks cross-references, and catches rows a newer model refuses.
            library = KnowledgeLibrary.model_validate(raw)
        except ValidationError as exc:
            raise InvalidLibrary("the stored library no longer validates; store it again") from exc
        self._cache[organisation_id] = (brand.updated_at, library)
        return library

    def put(self, org: str, library: KnowledgeLibrary) -> None:
        organisation_id = organisation_uuid(org)
        with self._sessions.begin() as session:
            _delete_rows(session, organisation_id)
            session.add(
                BrandProfileRow(
                    organisation_id=organisation_id,
                    data=library.brand.model_dump(mode="json"),
                    updated_at=utcnow(),
                )
            )
            session.add_all(_item_rows(organisation_id, library))

    def delete(self, org: str) -> None:
        organisation_id = organisation_uuid(org)
        with self._sessions.begin() as session:
            _delete_rows(session, organisation_id)
        self._cache.pop(organisation_id, None)


def _delete_rows(session: Session, organisation_id: uuid.UUID) -> None:
    for table in (*ITEM_TABLES, BrandProfileRow):
        session.execute(delete(table).where(table.organisation_id == organisation_id))


def _data(
    session: Session,
    table: type[ProductRow] | type[ApprovedClaimRow] | type[DisclaimerRow],
    organisation_id: uuid.UUID,
) -> list[dict[str, Any]]:
    query = select(table.data).where(table.organisation_id == organisation_id).order_by(table.position)
    return list(session.scalars(query))


def _templates(session: Session, organisation_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    templates: dict[str, list[dict[str, Any]]] = {name: [] for name in TEMPLATE_LISTS.values()}
    rows = session.scalars(
        select(ContentTemplateRow)
        .where(ContentTemplateRow.organisation_id == organisation_id)
        .order_by(ContentTemplateRow.kind, ContentTemplateRow.position)
    )
    for row in rows:
        templates[TEMPLATE_LISTS[row.kind]].append(row.data)
    return templates


def _item_rows(organisation_id: uuid.UUID, library: KnowledgeLibrary) -> list[Any]:
    rows: list[Any] = [
        ProductRow(
            organisation_id=organisation_id,
            id=product.id,
            position=index,
            kind=product.kind.value,
            data=product.model_dump(mode="json"),
        )
        for index, product in enumerate(library.products)
    ]
    rows += [
        ApprovedClaimRow(
            organisation_id=organisation_id,
            id=claim.id,
            position=index,
            product_id=claim.product_id,
            status=claim.status.value,
            effective=claim.effective,
            expires=claim.expires,
            data=claim.model_dump(mode="json"),
        )
        for index, claim in enumerate(library.claims)
    ]
    rows += [
        DisclaimerRow(
            organisation_id=organisation_id,
            id=disclaimer.id,
            position=index,
            category=disclaimer.category.value,
            data=disclaimer.model_dump(mode="json"),
        )
        for index, disclaimer in enumerate(library.disclaimers)
    ]
    templates = library.templates
    groups: list[tuple[str, Sequence[CrisisTemplate | ReviewReplyTemplate | Observance]]] = [
        ("crisis", templates.crisis),
        ("review_reply", templates.review_replies),
        ("observance", templates.observances),
    ]
    for kind, items in groups:
        rows += [
            ContentTemplateRow(
                organisation_id=organisation_id,
                kind=kind,
                id=item.id,
                position=index,
                data=item.model_dump(mode="json"),
            )
            for index, item in enumerate(items)
        ]
    return rows
