"""Reviewers' dispositions of guardrail findings: "accepted" (a real problem) or "false_positive".

A finding is addressed by its draft, the version number and its index in that
version's findings (versions are written once, so the index is stable); the row
repeats the finding's rule, category, entity and span so that it still says what
was judged without the version at hand. Rows are never updated: a new decision on
the same finding is the next `revision`, and the highest revision is in force.
The reason is the reviewer's free text and may hold PHI: it stays in this table.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, UTCDateTime, utcnow


class FindingDispositionRow(Base):
    __tablename__ = "finding_dispositions"
    __table_args__ = (
        # Two reviewers deciding the same finding at once cannot both write the same revision.
        UniqueConstraint(
            "draft_id",
            "version",
            "finding_index",
            "revision",
            name="uq_finding_dispositions_draft_id_version_finding_index_revision",
        ),
        Index("ix_finding_dispositions_organisation_id_created_at", "organisation_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    draft_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drafts.id"))
    version: Mapped[int] = mapped_column(Integer)
    finding_index: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str | None] = mapped_column(String(32), default=None)
    start: Mapped[int | None] = mapped_column(Integer, default=None)
    end: Mapped[int | None] = mapped_column(Integer, default=None)
    disposition: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_by_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
