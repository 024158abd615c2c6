"""Workers: claim a job, run its kind's handler, store its results under the lease, or retry.

The loop knows nothing of drafting: a handler per job kind does the slow part
outside any transaction and returns a `Finisher`, which the worker runs in the
same transaction that marks the job succeeded (guarded by the lease). Webhook
deliveries and other background work plug in as more handlers.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.jobs.queue import ClaimedJob, JobError, JobQueue, LeaseLost

log = logging.getLogger(__name__)

# Writes a job's results; runs inside the transaction that marks the job succeeded.
Finisher = Callable[[Session], None]
Handler = Callable[[ClaimedJob], Finisher]

UNEXPECTED = JobError(
    "internal", "The job failed unexpectedly; it is retried while attempts remain.", retryable=True
)


def worker_name(index: int) -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{index}:{uuid.uuid4().hex[:8]}"


@dataclass
class Worker:
    queue: JobQueue
    handlers: Mapping[str, Handler]
    name: str = field(default_factory=lambda: worker_name(0))

    def run_once(self) -> bool:
        """Claim and run one job; False when none was due."""
        job = self.queue.claim(self.name, frozenset(self.handlers))
        if job is None:
            return False
        extra = {"job_id": str(job.id), "kind": job.kind, "attempt": job.attempt}
        try:
            finisher = self.handlers[job.kind](job)
        except JobError as error:
            self._failed(job, error, extra)
            return True
        except Exception as exc:
            # The exception's text may quote a brief; its type is all the log gets.
            log.error("job handler crashed", extra={**extra, "error": type(exc).__name__})
            self._failed(job, UNEXPECTED, extra)
            return True
        try:
            with self.queue.sessions() as session:
                self.queue.mark_succeeded(session, job)
                finisher(session)
                session.commit()
        except LeaseLost:
            log.warning("job lease lost; results discarded", extra=extra)
            return True
        except Exception as exc:
            log.error("storing job results failed", extra={**extra, "error": type(exc).__name__})
            self._failed(job, UNEXPECTED, extra)
            return True
        log.info("job succeeded", extra=extra)
        return True

    def _failed(self, job: ClaimedJob, error: JobError, extra: dict[str, object]) -> None:
        try:
            state = self.queue.mark_failed(job, error)
        except LeaseLost:
            log.warning("job lease lost", extra=extra)
            return
        log.warning(
            "job attempt failed", extra={**extra, "problem_type": error.problem_type, "state": state.value}
        )

    def run(self, stop: threading.Event, wake: threading.Event, poll_seconds: float) -> None:
        """Work until `stop` is set; between empty polls sleep until `wake` or `poll_seconds`."""
        while not stop.is_set():
            try:
                worked = self.run_once()
            except SQLAlchemyError as exc:
                log.error("job queue unavailable", extra={"error": type(exc).__name__})
                worked = False
            if not worked:
                wake.wait(poll_seconds)
                wake.clear()


class WorkerPool:
    """`concurrency` worker threads sharing one queue; `notify()` wakes them when a job is enqueued."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, Handler],
        *,
        concurrency: int = 1,
        poll_seconds: float = 1.0,
    ) -> None:
        self.workers = [Worker(queue, handlers, worker_name(i)) for i in range(concurrency)]
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for worker in self.workers:
            thread = threading.Thread(
                target=worker.run,
                args=(self._stop, self._wake, self.poll_seconds),
                name=f"carepost-worker-{worker.name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def notify(self) -> None:
        self._wake.set()

    def request_stop(self) -> None:
        """Ask every worker to stop after its current job (safe from a signal handler)."""
        self._stop.set()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask every worker to stop after its current job, and wait for them."""
        self.request_stop()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def wait(self) -> None:
        """Block until stopped (for `carepost worker`)."""
        while not self._stop.wait(0.5):
            pass
