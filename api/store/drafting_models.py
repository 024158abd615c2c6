"""Tables of drafting: briefs, the jobs that draft them, drafts, their versions and escalations.

A brief's free text may hold PHI, so the brief as submitted lives in one nullable
column (`briefs.content`) that a retention job can clear; the columns beside it
(content type, platforms, hashes) are what summaries and the audit keep. Draft
versions are written once and never updated: an edit is a new version.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, JSONDocument, UTCDateTime, utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class EscalationState(StrEnum):
    """open -> acknowledged (someone owns it) -> resolved; resolved is final (api.escalations)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class BriefRow(Base):
    __tablename__ = "briefs"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "idempotency_key", name="uq_briefs_organisation_id_idempotency_key"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # No foreign keys on the creators: the record must outlive the key or user.
    created_by_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the request's canonical JSON: a retry with the same key must send the same brief.
    request_sha256: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(32))
    platforms: Mapped[list[str]] = mapped_column(JSONDocument)
    # The brief as validated (agents.brief.Brief); None once retention has purged it.
    content: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=None)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobRow(Base):
    """A unit of background work, claimed by one worker at a time under a lease."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    brief_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("briefs.id"), index=True, default=None)
    # Parameters of the task (ids and options, never content).
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    lease_owner: Mapped[str | None] = mapped_column(String(100), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime())
    # A problem type slug and a plain message written by our code, never an exception's text.
    last_error_type: Mapped[str | None] = mapped_column(String(100), default=None)
    last_error_detail: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        # A brief yields one draft per platform and variant, however many workers tried.
        UniqueConstraint("brief_id", "platform", "variant", name="uq_drafts_brief_id_platform_variant"),
        # The CMS pull: an organisation's drafts in one state, oldest change first.
        Index("ix_drafts_organisation_id_state_updated_at", "organisation_id", "state", "updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    brief_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("briefs.id"))
    platform: Mapped[str] = mapped_column(String(32))
    variant: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(20))
    # api.workflow.states.State; drafting writes needs_review or blocked, the workflow the rest.
    state: Mapped[str] = mapped_column(String(32))
    current_version: Mapped[int] = mapped_column(Integer)
    # Incremented whenever the draft (re-)enters review: approvals count only within one round,
    # so a re-review after a consent withdrawal needs fresh approvals even for the same version.
    review_round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    approved_version: Mapped[int | None] = mapped_column(Integer, default=None)
    approval_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_by_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DraftVersionRow(Base):
    """Written once, never updated: the repository offers no update for these rows."""

    __tablename__ = "draft_versions"

    draft_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # Finding.model_dump(mode="json"): spans into `text`, never copies of what matched.
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    alt_texts: Mapped[list[str]] = mapped_column(JSONDocument)
    rounds: Mapped[int] = mapped_column(Integer)
    citations: Mapped[list[str]] = mapped_column(JSONDocument)
    # "engine:<name>" for generated versions; edits by people name their key or user.
    author: Mapped[str] = mapped_column(String(64))
    author_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    author_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EscalationRow(Base):
    """A reply that a person must handle first (clinical question, possible adverse event, crisis)."""

    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_organisation_id_state_due_at", "organisation_id", "state", "due_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    brief_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("briefs.id"))
    draft_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("drafts.id"), default=None)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=EscalationState.OPEN.value)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The owner is a key or a user of the organisation (no foreign keys: the record outlives both).
    owner_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # A code from api.escalations.ResolutionCode; what was said to the person stays out of Carepost.
    resolution_code: Mapped[str | None] = mapped_column(String(40), default=None)
    resolved_by_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    resolved_by_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
