"""Tables of the consent registry: patient authorisations and the drafts that used them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, JSONDocument, UTCDateTime, utcnow


class ConsentRow(Base):
    """A patient authorisation (45 CFR 164.508), referenced by a short hint, never full identifiers."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_organisation_id_created_at", "organisation_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    subject_hint: Mapped[str] = mapped_column(String(40))
    content_types: Mapped[list[str]] = mapped_column(JSONDocument)
    platforms: Mapped[list[str]] = mapped_column(JSONDocument)
    media_kinds: Mapped[list[str]] = mapped_column(JSONDocument)
    topic: Mapped[str | None] = mapped_column(String(60), default=None)
    signed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    document_ref: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revocation_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    # Set by the expiry sweep once it has handled this consent's expiry, so it is handled once.
    expiry_handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_by_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentUse(Base):
    """A draft that relies on a consent. No foreign key to drafts: that table belongs to the workflow."""

    __tablename__ = "consent_uses"

    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consents.id"), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
