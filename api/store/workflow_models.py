"""Tables of the review workflow: approval policies, reviewers' decisions and their e-signatures.

A decision (approve, request changes, reject, override) names the draft version
and its content hash, so an approval can never count for text it did not see.
Decisions and signatures are written once and never updated.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, JSONDocument, UTCDateTime, utcnow


class ApprovalPolicyRow(Base):
    """An organisation's ordered approval steps; no row means the default single "compliance" step."""

    __tablename__ = "approval_policies"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    # api.workflow.policy.ApprovalPolicy as JSON.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    updated_by_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    updated_by_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DecisionRow(Base):
    """One reviewer's decision on one version of a draft in one review round."""

    __tablename__ = "draft_decisions"
    __table_args__ = (
        # One decision of a kind per person per round: a second approval by the same reviewer
        # cannot count twice, however the requests race.
        UniqueConstraint(
            "draft_id",
            "review_round",
            "action",
            "actor",
            name="uq_draft_decisions_draft_id_round_action_actor",
        ),
        Index("ix_draft_decisions_draft_id_review_round", "draft_id", "review_round"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    draft_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drafts.id"))
    version_number: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    review_round: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    # "key:<uuid>" or "user:<uuid>": who decided, as one comparable value.
    actor: Mapped[str] = mapped_column(String(64))
    actor_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    role: Mapped[str] = mapped_column(String(20))
    # The approval policy step this approval satisfied (approvals only).
    step: Mapped[str | None] = mapped_column(String(63), default=None)
    # Free text from a reviewer: may name anything, so it stays here and never reaches audit or webhooks.
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Indexes into the version's findings that an override accepted.
    finding_indexes: Mapped[list[int] | None] = mapped_column(JSONDocument, default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SignatureRow(Base):
    """An e-signature (21 CFR 11.50-style manifestation): who, as what, meaning what, over which hash,
    and the signed audit chain head at that moment."""

    __tablename__ = "signatures"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("draft_decisions.id"), unique=True)
    draft_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drafts.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    signer: Mapped[str] = mapped_column(String(64))
    signer_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    signer_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    signer_role: Mapped[str] = mapped_column(String(20))
    meaning: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # api.audit.chain.SignedHead at signing: the history the signer's decision was appended to.
    checkpoint_id: Mapped[uuid.UUID] = mapped_column()
    chain_seq: Mapped[int] = mapped_column(BigInteger)
    chain_head_hash: Mapped[str] = mapped_column(String(64))
    chain_mac: Mapped[str] = mapped_column(String(64))
