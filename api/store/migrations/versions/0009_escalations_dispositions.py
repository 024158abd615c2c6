"""Escalation owners, acknowledgement and resolution; reviewers' dispositions of findings.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def escalation_columns() -> list[sa.Column[Any]]:
    # Built afresh each time: a Column object belongs to the first table it is added to.
    return [
        sa.Column("owner_key_id", sa.Uuid(), nullable=True),
        sa.Column("owner_user_id", sa.Uuid(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_code", sa.String(length=40), nullable=True),
        sa.Column("resolved_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("resolved_by_user_id", sa.Uuid(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        for column in escalation_columns():
            batch.add_column(column)
    op.create_table(
        "finding_dispositions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("draft_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("finding_index", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("disposition", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_finding_dispositions_draft_id_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_finding_dispositions_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_dispositions")),
        sa.UniqueConstraint(
            "draft_id",
            "version",
            "finding_index",
            "revision",
            name="uq_finding_dispositions_draft_id_version_finding_index_revision",
        ),
    )
    op.create_index(
        "ix_finding_dispositions_organisation_id_created_at",
        "finding_dispositions",
        ["organisation_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_finding_dispositions_organisation_id_created_at", table_name="finding_dispositions")
    op.drop_table("finding_dispositions")
    with op.batch_alter_table("escalations") as batch:
        for column in reversed(escalation_columns()):
            batch.drop_column(column.name)
