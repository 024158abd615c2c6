"""Drafting: briefs, jobs, drafts, draft versions and escalations.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def foreign_key(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("platforms", JSON_DOCUMENT, nullable=False),
        sa.Column("content", JSON_DOCUMENT, nullable=True),
        timestamp("purged_at", nullable=True),
        timestamp("created_at"),
        foreign_key("briefs", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
        sa.UniqueConstraint(
            "organisation_id", "idempotency_key", name="uq_briefs_organisation_id_idempotency_key"
        ),
    )
    op.create_index("ix_briefs_organisation_id", "briefs", ["organisation_id"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("brief_id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("variant", sa.Integer(), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        foreign_key("drafts", "brief_id", "briefs"),
        foreign_key("drafts", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("brief_id", "platform", "variant", name="uq_drafts_brief_id_platform_variant"),
    )
    op.create_index("ix_drafts_organisation_id", "drafts", ["organisation_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("brief_id", sa.Uuid(), nullable=True),
        sa.Column("payload", JSON_DOCUMENT, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=100), nullable=True),
        timestamp("lease_expires_at", nullable=True),
        timestamp("run_after"),
        sa.Column("last_error_type", sa.String(length=100), nullable=True),
        sa.Column("last_error_detail", sa.String(length=500), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        timestamp("finished_at", nullable=True),
        foreign_key("jobs", "brief_id", "briefs"),
        foreign_key("jobs", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index("ix_jobs_brief_id", "jobs", ["brief_id"])
    op.create_index("ix_jobs_organisation_id", "jobs", ["organisation_id"])
    op.create_index("ix_jobs_state_run_after", "jobs", ["state", "run_after"])
    op.create_table(
        "draft_versions",
        sa.Column("draft_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("findings", JSON_DOCUMENT, nullable=False),
        sa.Column("alt_texts", JSON_DOCUMENT, nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("citations", JSON_DOCUMENT, nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("author_key_id", sa.Uuid(), nullable=True),
        sa.Column("author_user_id", sa.Uuid(), nullable=True),
        timestamp("created_at"),
        foreign_key("draft_versions", "draft_id", "drafts"),
        sa.PrimaryKeyConstraint("draft_id", "number", name=op.f("pk_draft_versions")),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("brief_id", sa.Uuid(), nullable=False),
        sa.Column("draft_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        timestamp("due_at"),
        timestamp("created_at"),
        foreign_key("escalations", "brief_id", "briefs"),
        foreign_key("escalations", "draft_id", "drafts"),
        foreign_key("escalations", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    op.create_index(
        "ix_escalations_organisation_id_state_due_at", "escalations", ["organisation_id", "state", "due_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_escalations_organisation_id_state_due_at", table_name="escalations")
    op.drop_table("escalations")
    op.drop_table("draft_versions")
    for index in ("ix_jobs_state_run_after", "ix_jobs_organisation_id", "ix_jobs_brief_id"):
        op.drop_index(index, table_name="jobs")
    op.drop_table("jobs")
    op.drop_index("ix_drafts_organisation_id", table_name="drafts")
    op.drop_table("drafts")
    op.drop_index("ix_briefs_organisation_id", table_name="briefs")
    op.drop_table("briefs")
