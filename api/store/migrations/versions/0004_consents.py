"""Consent registry: consents and the drafts that used them (consent_uses).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("subject_hint", sa.String(length=40), nullable=False),
        sa.Column("content_types", JSON_DOCUMENT, nullable=False),
        sa.Column("platforms", JSON_DOCUMENT, nullable=False),
        sa.Column("media_kinds", JSON_DOCUMENT, nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("document_ref", sa.String(length=80), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(length=32), nullable=True),
        sa.Column("expiry_handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_consents_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_expires_on"), "consents", ["expires_on"])
    op.create_index("ix_consents_organisation_id_created_at", "consents", ["organisation_id", "created_at"])
    op.create_table(
        "consent_uses",
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("draft_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consents.id"], name=op.f("fk_consent_uses_consent_id_consents")
        ),
        sa.PrimaryKeyConstraint("consent_id", "draft_id", name=op.f("pk_consent_uses")),
    )


def downgrade() -> None:
    op.drop_table("consent_uses")
    op.drop_index("ix_consents_organisation_id_created_at", table_name="consents")
    op.drop_index(op.f("ix_consents_expires_on"), table_name="consents")
    op.drop_table("consents")
