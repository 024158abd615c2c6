"""Tables of the structured knowledge libraries, one row per library item, keyed by organisation.

Each row keeps the item as validated JSON (`model_dump(mode="json")`) plus the
columns queries filter or sort on. The JSON is the item; the columns are copies
for indexing, written from the same object in the same statement. Rows are
replaced as a whole library at a time (`SqlLibraryRepository.put`), so an
organisation never sees half of one edit.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, JSONDocument, UTCDateTime, utcnow

ITEM_ID_LENGTH = 80  # knowledge.libraries.models.ItemId allows 80 characters


class BrandProfileRow(Base):
    """One per organisation; its presence means the organisation has a library."""

    __tablename__ = "brand_profiles"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProductRow(Base):
    __tablename__ = "products"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(ITEM_ID_LENGTH), primary_key=True)
    # Library order is meaningful (the order an editor wrote), so it survives a round trip.
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class ApprovedClaimRow(Base):
    __tablename__ = "approved_claims"
    __table_args__ = (
        Index("ix_approved_claims_organisation_id_product_id", "organisation_id", "product_id"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(ITEM_ID_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    # No foreign key to products: KnowledgeLibrary validation checks the reference,
    # and a composite key would force delete order inside the whole-library replace.
    product_id: Mapped[str | None] = mapped_column(String(ITEM_ID_LENGTH), default=None)
    status: Mapped[str] = mapped_column(String(20))
    effective: Mapped[date | None] = mapped_column(Date(), default=None)
    expires: Mapped[date | None] = mapped_column(Date(), default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class DisclaimerRow(Base):
    __tablename__ = "disclaimers"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(ITEM_ID_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class ContentTemplateRow(Base):
    """Crisis messages, review-reply templates and observances; `kind` says which list it belongs to."""

    __tablename__ = "content_templates"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(ITEM_ID_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
