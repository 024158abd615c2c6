"""Review workflow: approval policies, decisions, e-signatures, and the drafts' review columns.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("review_round", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("approved_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("approval_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_drafts_organisation_id_state_updated_at",
        "drafts",
        ["organisation_id", "state", "updated_at"],
        unique=False,
    )
    op.create_table(
        "approval_policies",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("steps", JSON_DOCUMENT, nullable=False),
        sa.Column("updated_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("updated_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_approval_policies_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_approval_policies")),
    )
    op.create_table(
        "draft_decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("draft_id", sa.Uuid(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("actor_key_id", sa.Uuid(), nullable=True),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=63), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finding_indexes", JSON_DOCUMENT, nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_draft_decisions_draft_id_drafts")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_draft_decisions_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_decisions")),
        sa.UniqueConstraint(
            "draft_id",
            "review_round",
            "action",
            "actor",
            name="uq_draft_decisions_draft_id_round_action_actor",
        ),
    )
    op.create_index(
        "ix_draft_decisions_draft_id_review_round",
        "draft_decisions",
        ["draft_id", "review_round"],
        unique=False,
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("draft_id", sa.Uuid(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("signer_key_id", sa.Uuid(), nullable=True),
        sa.Column("signer_user_id", sa.Uuid(), nullable=True),
        sa.Column("signer_role", sa.String(length=20), nullable=False),
        sa.Column("meaning", sa.String(length=40), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checkpoint_id", sa.Uuid(), nullable=False),
        sa.Column("chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("chain_head_hash", sa.String(length=64), nullable=False),
        sa.Column("chain_mac", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["draft_decisions.id"], name=op.f("fk_signatures_decision_id_draft_decisions")
        ),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_signatures_draft_id_drafts")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_signatures_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_signatures_decision_id")),
    )
    op.create_index(op.f("ix_signatures_draft_id"), "signatures", ["draft_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_signatures_draft_id"), table_name="signatures")
    op.drop_table("signatures")
    op.drop_index("ix_draft_decisions_draft_id_review_round", table_name="draft_decisions")
    op.drop_table("draft_decisions")
    op.drop_table("approval_policies")
    op.drop_index("ix_drafts_organisation_id_state_updated_at", table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("published_at")
        batch.drop_column("approval_expires_at")
        batch.drop_column("approved_version")
        batch.drop_column("review_round")
