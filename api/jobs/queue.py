"""The persisted job queue: enqueue, claim under a lease, complete or retry with backoff.

A claim is one atomic statement, so two workers can never both win a job:
PostgreSQL picks the row with `SELECT ... FOR UPDATE SKIP LOCKED` inside the
UPDATE (a locked row is skipped, not waited for); SQLite serialises writers, so
the same conditional UPDATE is enough there. A claim sets a lease; a worker that
dies leaves a lease that expires, and the job becomes claimable again. Finishing
is guarded by the lease owner, in the transaction that stores the job's results,
so a worker whose lease was taken over cannot also write them: never lost, never
done twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.store.drafting_models import JobRow, JobState
from api.store.models import utcnow

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class QueuePolicy:
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 3
    backoff_base: timedelta = timedelta(seconds=5)
    backoff_cap: timedelta = timedelta(minutes=10)

    def backoff(self, attempts: int) -> timedelta:
        """Exponential: base, 2 x base, 4 x base, ... after the 1st, 2nd, 3rd failed attempt; capped."""
        delay: timedelta = self.backoff_base * 2 ** max(attempts - 1, 0)
        return min(delay, self.backoff_cap)


@dataclass(frozen=True)
class ClaimedJob:
    id: uuid.UUID
    kind: str
    organisation_id: uuid.UUID
    brief_id: uuid.UUID | None
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    lease_owner: str


class JobError(Exception):
    """A job failed in a way its handler understands; `detail` is shown to clients, so never PHI."""

    def __init__(self, problem_type: str, detail: str, *, retryable: bool) -> None:
        super().__init__(detail)
        self.problem_type = problem_type
        self.detail = detail
        self.retryable = retryable


class LeaseLost(Exception):
    """The job's lease was taken over by another worker; this worker's results are discarded."""


class JobQueue:
    def __init__(
        self, sessions: sessionmaker[Session], *, policy: QueuePolicy | None = None, clock: Clock = utcnow
    ) -> None:
        self.sessions = sessions
        self.policy = policy or QueuePolicy()
        self.clock = clock

    def enqueue(
        self,
        session: Session,
        *,
        kind: str,
        organisation_id: uuid.UUID,
        brief_id: uuid.UUID | None = None,
        payload: dict[str, Any] | None = None,
    ) -> JobRow:
        """Add a queued job in the caller's transaction (so it exists exactly when what it works on does)."""
        now = self.clock()
        job = JobRow(
            kind=kind,
            organisation_id=organisation_id,
            brief_id=brief_id,
            payload=payload or {},
            state=JobState.QUEUED.value,
            attempts=0,
            max_attempts=self.policy.max_attempts,
            run_after=now,
            created_at=now,
            updated_at=now,
        )
        session.add(job)
        session.flush()
        return job

    def claim(self, owner: str, kinds: frozenset[str]) -> ClaimedJob | None:
        """Take the next due job of one of `kinds` for `owner`, or None when there is none."""
        now = self.clock()
        with self.sessions() as session:
            self._fail_exhausted(session, now, kinds)
            claimable = and_(
                JobRow.kind.in_(kinds),
                or_(
                    and_(JobRow.state == JobState.QUEUED.value, JobRow.run_after <= now),
                    # A running job whose lease lapsed: its worker died or hung.
                    and_(
                        JobRow.state == JobState.RUNNING.value,
                        JobRow.lease_expires_at < now,
                        JobRow.attempts < JobRow.max_attempts,
                    ),
                ),
            )
            candidate = select(JobRow.id).where(claimable).order_by(JobRow.run_after, JobRow.id).limit(1)
            if session.get_bind().dialect.name == "postgresql":
                candidate = candidate.with_for_update(skip_locked=True)
            statement = (
                update(JobRow)
                # The condition again: on SQLite the subquery and the update are one statement under
                # the write lock, and repeating it costs nothing where the row lock already holds.
                .where(JobRow.id == candidate.scalar_subquery(), claimable)
                .values(
                    state=JobState.RUNNING.value,
                    attempts=JobRow.attempts + 1,
                    lease_owner=owner,
                    lease_expires_at=now + self.policy.lease,
                    updated_at=now,
                )
                .returning(
                    JobRow.id,
                    JobRow.kind,
                    JobRow.organisation_id,
                    JobRow.brief_id,
                    JobRow.payload,
                    JobRow.attempts,
                    JobRow.max_attempts,
                )
                .execution_options(synchronize_session=False)
            )
            row = session.execute(statement).first()
            session.commit()
        if row is None:
            return None
        return ClaimedJob(
            id=row.id,
            kind=row.kind,
            organisation_id=row.organisation_id,
            brief_id=row.brief_id,
            payload=dict(row.payload),
            attempt=row.attempts,
            max_attempts=row.max_attempts,
            lease_owner=owner,
        )

    def _fail_exhausted(self, session: Session, now: datetime, kinds: frozenset[str]) -> None:
        """A job whose lease lapsed on its last attempt will not be retried: mark it failed."""
        session.execute(
            update(JobRow)
            .where(
                JobRow.kind.in_(kinds),
                JobRow.state == JobState.RUNNING.value,
                JobRow.lease_expires_at < now,
                JobRow.attempts >= JobRow.max_attempts,
            )
            .values(
                state=JobState.FAILED.value,
                lease_owner=None,
                lease_expires_at=None,
                last_error_type="lease-expired",
                last_error_detail="The worker running this job stopped before finishing it.",
                updated_at=now,
                finished_at=now,
            )
            .execution_options(synchronize_session=False)
        )

    def mark_succeeded(self, session: Session, job: ClaimedJob) -> None:
        """In the caller's transaction, beside the job's results: raises LeaseLost unless `job` still holds it."""
        now = self.clock()
        self._guarded(
            session,
            job,
            state=JobState.SUCCEEDED.value,
            lease_owner=None,
            lease_expires_at=None,
            last_error_type=None,
            last_error_detail=None,
            updated_at=now,
            finished_at=now,
        )

    def mark_failed(self, job: ClaimedJob, error: JobError) -> JobState:
        """Record a failed attempt: queued again after a backoff while attempts remain, else failed."""
        now = self.clock()
        retry = error.retryable and job.attempt < job.max_attempts
        values: dict[str, Any] = {
            "lease_owner": None,
            "lease_expires_at": None,
            "last_error_type": error.problem_type[:100],
            "last_error_detail": error.detail[:500],
            "updated_at": now,
        }
        if retry:
            state = JobState.QUEUED
            values["run_after"] = now + self.policy.backoff(job.attempt)
        else:
            state = JobState.FAILED
            values["finished_at"] = now
        with self.sessions() as session:
            self._guarded(session, job, state=state.value, **values)
            session.commit()
        return state

    def renew(self, job: ClaimedJob) -> None:
        """Extend the lease of a long job; raises LeaseLost if it was taken over."""
        now = self.clock()
        with self.sessions() as session:
            self._guarded(session, job, lease_expires_at=now + self.policy.lease, updated_at=now)
            session.commit()

    def _guarded(self, session: Session, job: ClaimedJob, **values: Any) -> None:
        result = session.execute(
            update(JobRow)
            .where(
                JobRow.id == job.id,
                JobRow.state == JobState.RUNNING.value,
                JobRow.lease_owner == job.lease_owner,
                JobRow.attempts == job.attempt,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount != 1:
            raise LeaseLost(str(job.id))
