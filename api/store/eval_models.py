"""Eval runs requested through the API: what was asked, how it went, and the report it produced."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.store.models import Base, JSONDocument, UTCDateTime, utcnow


class EvalRunState(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"  # the suite ran; `passed` says whether its thresholds held
    failed = "failed"  # the suite could not run (bad suite, crashed, interrupted by a restart)


class EvalRun(Base):
    __tablename__ = "eval_runs"
    __table_args__ = (Index("ix_eval_runs_organisation_id_created_at", "organisation_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # No foreign key, as on audit events: the run's record outlives the key that asked for it.
    requested_by_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    requested_by_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)  # started from the web
    suite: Mapped[str] = mapped_column(String(63))
    splits: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    options: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=EvalRunState.queued.value)
    passed: Mapped[bool | None] = mapped_column(default=None)
    # The runner's own message (file names, split names, case ids) or an exception type; never case text.
    error: Mapped[str | None] = mapped_column(String(2000), default=None)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
