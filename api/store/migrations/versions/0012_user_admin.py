"""Users admin: an admin's lock and the last sign-in on users; who started an eval run from the web.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("admin_locked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("eval_runs") as batch:
        batch.add_column(sa.Column("requested_by_user_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("eval_runs") as batch:
        batch.drop_column("requested_by_user_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_signed_in_at")
        batch.drop_column("admin_locked_at")
