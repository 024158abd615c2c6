"""The persisted job queue: atomic claims, leases that expire, guarded completion, retries with backoff."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.jobs.queue import ClaimedJob, JobError, JobQueue, LeaseLost, QueuePolicy
from api.jobs.worker import Finisher, Worker
from api.store.database import make_engine, make_sessionmaker
from api.store.drafting_models import JobRow, JobState
from api.store.repositories import OrganisationRepository

KIND = "test_kind"
KINDS = frozenset({KIND})
POLICY = QueuePolicy(
    lease=timedelta(seconds=60),
    max_attempts=3,
    backoff_base=timedelta(seconds=10),
    backoff_cap=timedelta(seconds=25),
)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def organisation_id(sessions: sessionmaker[Session]) -> uuid.UUID:
    with sessions() as session:
        organisation = OrganisationRepository(session).create(slug="acme", name="Acme")
        session.commit()
        return organisation.id


@pytest.fixture
def queue(sessions: sessionmaker[Session], clock: FakeClock) -> JobQueue:
    return JobQueue(sessions, policy=POLICY, clock=clock)


def enqueue(queue: JobQueue, organisation_id: uuid.UUID, count: int = 1, kind: str = KIND) -> list[uuid.UUID]:
    with queue.sessions() as session:
        ids = [queue.enqueue(session, kind=kind, organisation_id=organisation_id).id for _ in range(count)]
        session.commit()
    return ids


def stored(queue: JobQueue, job_id: uuid.UUID) -> JobRow:
    with queue.sessions() as session:
        return session.get_one(JobRow, job_id)


def succeed(queue: JobQueue, job: ClaimedJob) -> None:
    with queue.sessions() as session:
        queue.mark_succeeded(session, job)
        session.commit()


def test_a_job_is_claimed_once_and_completes(queue: JobQueue, organisation_id: uuid.UUID) -> None:
    (job_id,) = enqueue(queue, organisation_id)
    job = queue.claim("a", KINDS)
    assert job is not None
    assert (job.id, job.attempt, job.lease_owner) == (job_id, 1, "a")
    assert queue.claim("b", KINDS) is None
    row = stored(queue, job_id)
    assert (row.state, row.lease_owner, row.attempts) == ("running", "a", 1)
    succeed(queue, job)
    row = stored(queue, job_id)
    assert (row.state, row.lease_owner, row.finished_at) == ("succeeded", None, queue.clock())
    assert queue.claim("b", KINDS) is None


def test_claims_only_the_kinds_asked_for(queue: JobQueue, organisation_id: uuid.UUID) -> None:
    enqueue(queue, organisation_id, kind="other")
    assert queue.claim("a", KINDS) is None
    assert queue.claim("a", frozenset({"other"})) is not None


def test_jobs_are_claimed_oldest_first(queue: JobQueue, organisation_id: uuid.UUID, clock: FakeClock) -> None:
    first = enqueue(queue, organisation_id)
    clock.advance(1)
    second = enqueue(queue, organisation_id)
    claimed = [queue.claim("a", KINDS), queue.claim("a", KINDS)]
    assert [j.id for j in claimed if j] == first + second


def test_an_expired_lease_is_claimed_again_and_the_old_owner_cannot_finish(
    queue: JobQueue, organisation_id: uuid.UUID, clock: FakeClock
) -> None:
    (job_id,) = enqueue(queue, organisation_id)
    stalled = queue.claim("a", KINDS)
    assert stalled is not None
    clock.advance(59)
    assert queue.claim("b", KINDS) is None  # the lease still holds
    clock.advance(2)
    taken_over = queue.claim("b", KINDS)
    assert taken_over is not None
    assert (taken_over.id, taken_over.attempt) == (job_id, 2)
    with pytest.raises(LeaseLost), queue.sessions() as session:
        queue.mark_succeeded(session, stalled)
    with pytest.raises(LeaseLost):
        queue.mark_failed(stalled, JobError("internal", "x", retryable=True))
    succeed(queue, taken_over)
    assert stored(queue, job_id).state == "succeeded"


def test_renewing_a_lease_keeps_the_job(
    queue: JobQueue, organisation_id: uuid.UUID, clock: FakeClock
) -> None:
    enqueue(queue, organisation_id)
    job = queue.claim("a", KINDS)
    assert job is not None
    clock.advance(50)
    queue.renew(job)
    clock.advance(50)
    assert queue.claim("b", KINDS) is None
    succeed(queue, job)


def test_retries_back_off_then_fail(queue: JobQueue, organisation_id: uuid.UUID, clock: FakeClock) -> None:
    (job_id,) = enqueue(queue, organisation_id)
    error = JobError("model-unavailable", "The model did not answer.", retryable=True)
    waits = []
    for attempt in (1, 2, 3):
        job = queue.claim("a", KINDS)
        assert job is not None
        assert job.attempt == attempt
        state = queue.mark_failed(job, error)
        row = stored(queue, job_id)
        if attempt < 3:
            assert state is JobState.QUEUED
            waits.append((row.run_after - clock()).total_seconds())
            assert queue.claim("a", KINDS) is None  # not before its backoff
            clock.now = row.run_after
        else:
            assert state is JobState.FAILED
    assert waits == [10, 20]  # base, then doubled
    row = stored(queue, job_id)
    assert (row.state, row.attempts, row.last_error_type) == ("failed", 3, "model-unavailable")
    assert row.finished_at is not None
    clock.advance(3600)
    assert queue.claim("a", KINDS) is None


def test_backoff_is_capped() -> None:
    assert [POLICY.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 25, 25]


def test_a_permanent_error_fails_at_once(queue: JobQueue, organisation_id: uuid.UUID) -> None:
    (job_id,) = enqueue(queue, organisation_id)
    job = queue.claim("a", KINDS)
    assert job is not None
    assert queue.mark_failed(job, JobError("brief-refused", "Refused.", retryable=False)) is JobState.FAILED
    row = stored(queue, job_id)
    assert (row.state, row.attempts, row.last_error_detail) == ("failed", 1, "Refused.")


def test_a_lease_lost_on_the_last_attempt_fails_the_job(
    queue: JobQueue, organisation_id: uuid.UUID, clock: FakeClock
) -> None:
    (job_id,) = enqueue(queue, organisation_id)
    for _ in range(3):
        assert queue.claim("a", KINDS) is not None
        clock.advance(61)  # the worker died each time
    assert queue.claim("a", KINDS) is None
    row = stored(queue, job_id)
    assert (row.state, row.attempts, row.last_error_type) == ("failed", 3, "lease-expired")


# --- the worker loop --------------------------------------------------------------------


def test_the_worker_stores_results_with_the_success(queue: JobQueue, organisation_id: uuid.UUID) -> None:
    (job_id,) = enqueue(queue, organisation_id)
    seen: list[int] = []

    def handler(job: ClaimedJob) -> Finisher:
        seen.append(job.attempt)

        def finish(session: Session) -> None:
            row = session.get_one(JobRow, job.id)
            assert row.state == "succeeded"  # marked in this very transaction
            row.payload = {"done": True}

        return finish

    worker = Worker(queue, {KIND: handler}, name="w")
    assert worker.run_once() is True
    assert worker.run_once() is False
    row = stored(queue, job_id)
    assert (row.state, row.payload, seen) == ("succeeded", {"done": True}, [1])


def test_a_crashing_handler_is_retried_without_its_message(
    queue: JobQueue, organisation_id: uuid.UUID, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    (job_id,) = enqueue(queue, organisation_id)

    def handler(job: ClaimedJob) -> Finisher:
        raise ValueError("Maria Lopez, 67")  # an exception quoting a brief

    worker = Worker(queue, {KIND: handler}, name="w")
    assert worker.run_once() is True
    row = stored(queue, job_id)
    assert (row.state, row.attempts, row.last_error_type) == ("queued", 1, "internal")
    assert "Maria" not in (row.last_error_detail or "")
    logged = [str(vars(record)) for record in caplog.records]
    assert not any("Maria" in line for line in logged)
    assert [getattr(r, "error", None) for r in caplog.records if r.levelname == "ERROR"] == ["ValueError"]


def test_results_that_fail_to_store_leave_nothing_half_written(
    queue: JobQueue, organisation_id: uuid.UUID
) -> None:
    (job_id,) = enqueue(queue, organisation_id)

    def handler(job: ClaimedJob) -> Finisher:
        def finish(session: Session) -> None:
            session.get_one(JobRow, job.id).payload = {"half": True}
            session.flush()
            raise RuntimeError("disk full")

        return finish

    Worker(queue, {KIND: handler}, name="w").run_once()
    row = stored(queue, job_id)
    assert (row.state, row.payload, row.last_error_type) == ("queued", {}, "internal")


def test_a_worker_whose_lease_was_taken_over_stores_nothing(
    queue: JobQueue, organisation_id: uuid.UUID, clock: FakeClock
) -> None:
    (job_id,) = enqueue(queue, organisation_id)
    other: list[ClaimedJob] = []

    def slow_handler(job: ClaimedJob) -> Finisher:
        clock.advance(61)  # the handler outlives its lease ...
        taken = queue.claim("other", KINDS)  # ... and another worker takes the job
        assert taken is not None
        other.append(taken)

        def finish(session: Session) -> None:
            session.get_one(JobRow, job.id).payload = {"written_by": "stale"}

        return finish

    Worker(queue, {KIND: slow_handler}, name="stale").run_once()
    row = stored(queue, job_id)
    assert (row.state, row.lease_owner, row.payload) == ("running", "other", {})
    succeed(queue, other[0])


# --- concurrency -----------------------------------------------------------------------------


def test_concurrent_claimers_never_claim_the_same_job(
    database_url: str, organisation_id: uuid.UUID, backend: str
) -> None:
    """Four workers, each with its own connection pool, race over 40 jobs: each job is claimed exactly once.

    On PostgreSQL this exercises FOR UPDATE SKIP LOCKED; on SQLite the single conditional UPDATE.
    """
    engines = [make_engine(database_url) for _ in range(4)]
    try:
        queues = [JobQueue(make_sessionmaker(e), policy=POLICY) for e in engines]
        enqueue(queues[0], organisation_id, count=40)
        claimed: list[list[uuid.UUID]] = [[] for _ in queues]
        start = threading.Barrier(len(queues))
        errors: list[BaseException] = []

        def claim_all(index: int) -> None:
            try:
                start.wait()
                while (job := queues[index].claim(f"w{index}", KINDS)) is not None:
                    claimed[index].append(job.id)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(len(queues))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors
        everything = [job_id for ids in claimed for job_id in ids]
        assert len(everything) == 40
        assert len(set(everything)) == 40
        with queues[0].sessions() as session:
            owners = session.execute(select(JobRow.id, JobRow.lease_owner)).all()
        by_id = {job_id: f"w{i}" for i, ids in enumerate(claimed) for job_id in ids}
        assert {row.id: row.lease_owner for row in owners} == by_id
    finally:
        for engine in engines:
            engine.dispose()
