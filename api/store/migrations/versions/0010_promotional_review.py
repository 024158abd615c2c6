"""FDA Form 2253 fields on an approval decision (optional; prescription-product content).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("draft_decisions") as batch:
        batch.add_column(sa.Column("promotional_review", JSON_DOCUMENT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft_decisions") as batch:
        batch.drop_column("promotional_review")
