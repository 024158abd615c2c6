"""Knowledge libraries: brand profiles, products, approved claims, disclaimers, content templates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ITEM_ID_LENGTH = 80


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def organisation_key(table: str) -> list[sa.schema.SchemaItem]:
    """The organisation id column and its foreign key; every library row belongs to one organisation."""
    return [
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f(f"fk_{table}_organisation_id_organisations")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "brand_profiles",
        *organisation_key("brand_profiles"),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        timestamp("updated_at"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_brand_profiles")),
    )
    op.create_table(
        "products",
        *organisation_key("products"),
        sa.Column("id", sa.String(length=ITEM_ID_LENGTH), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_products")),
    )
    op.create_table(
        "approved_claims",
        *organisation_key("approved_claims"),
        sa.Column("id", sa.String(length=ITEM_ID_LENGTH), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=ITEM_ID_LENGTH), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_approved_claims")),
    )
    op.create_index(
        "ix_approved_claims_organisation_id_product_id", "approved_claims", ["organisation_id", "product_id"]
    )
    op.create_table(
        "disclaimers",
        *organisation_key("disclaimers"),
        sa.Column("id", sa.String(length=ITEM_ID_LENGTH), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "id", name=op.f("pk_disclaimers")),
    )
    op.create_table(
        "content_templates",
        *organisation_key("content_templates"),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=ITEM_ID_LENGTH), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "kind", "id", name=op.f("pk_content_templates")),
    )


def downgrade() -> None:
    op.drop_table("content_templates")
    op.drop_table("disclaimers")
    op.drop_index("ix_approved_claims_organisation_id_product_id", table_name="approved_claims")
    op.drop_table("approved_claims")
    op.drop_table("products")
    op.drop_table("brand_profiles")
