"""Eval runs in the background: one worker thread per app, one run at a time, state kept in `eval_runs`.

The HTTP request only records a queued run; the thread loads the suite, runs it
through `evals/` (the same runner as `carepost eval run`), and stores the report
JSON or the reason it could not run. A run still queued or running when the
process stops is marked failed at the next start: nothing is left "running" forever.

Only the suites shipped in evals/suites/ can be named: a path from a request would
let a caller make the server read files of its choosing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from threading import Lock
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from api.keyring import Actor
from api.store.eval_models import EvalRun, EvalRunState
from api.store.models import utcnow
from api.store.repositories import AuditRepository

if TYPE_CHECKING:
    from evals.report.model import RunReport
    from guardrails.pipeline import Checker

log = logging.getLogger(__name__)

# (suite name, splits or None for all, drafting options) -> the report
SuiteRunner = Callable[[str, list[str] | None, dict[str, Any]], "RunReport"]
INTERRUPTED = "interrupted: the service stopped before the run finished"


def shipped_suites() -> list[str]:
    from evals.runner.loading import SUITES_DIR

    return sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))


def default_runner(checker: Checker | None) -> SuiteRunner:
    """The evals runner; guardrail suites on the built-in rules reuse the app's loaded checker."""

    def run(name: str, splits: list[str] | None, options: dict[str, Any]) -> RunReport:
        from evals.runner import load_suite, run_suite
        from evals.runner.drafting import DraftingOptions
        from evals.schema import GuardrailSuite

        loaded = load_suite(name)
        suite = loaded.suite
        if checker is not None and isinstance(suite, GuardrailSuite) and suite.settings.config is None:
            shared: Checker = checker
            return run_suite(
                loaded, splits, checker_factory=lambda: shared, drafting=DraftingOptions(**options)
            )
        return run_suite(loaded, splits, drafting=DraftingOptions(**options))

    return run


@dataclass
class EvalRunService:
    """Queues runs on one background thread. Construction starts nothing; the first submit does."""

    sessions: sessionmaker[Session]
    runner: SuiteRunner
    _executor: ThreadPoolExecutor | None = field(default=None, init=False)
    _futures: dict[uuid.UUID, Future[None]] = field(default_factory=dict, init=False)
    _lock: Lock = field(default_factory=Lock, init=False)

    def recover(self) -> int:
        """Mark runs left queued or running by a stopped process as failed; returns how many.

        A database that is unreachable or not yet migrated must not stop the app from starting
        (/readyz reports it as 503): recovery then waits for the next start, and the stale runs
        stay visible as running until it does.
        """
        try:
            with self.sessions() as session:
                result = session.execute(
                    update(EvalRun)
                    .where(EvalRun.state.in_([EvalRunState.queued.value, EvalRunState.running.value]))
                    .values(state=EvalRunState.failed.value, error=INTERRUPTED, finished_at=utcnow())
                )
                session.commit()
                return int(getattr(result, "rowcount", 0) or 0)
        except (OperationalError, ProgrammingError):
            log.warning("eval runs not recovered: the database is not ready")
            return 0

    def submit(self, run_id: uuid.UUID) -> None:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="carepost-evals")
            self._futures[run_id] = self._executor.submit(self._execute, run_id)

    def wait(self, run_id: uuid.UUID, timeout: float | None = None) -> None:
        """Block until the run's thread work is done (tests and the CLI; the API polls instead)."""
        future = self._futures.get(run_id)
        if future is not None:
            future.result(timeout=timeout)

    def close(self) -> None:
        """Finish the run in progress, drop the queued ones (recover() fails them at the next start)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _execute(self, run_id: uuid.UUID) -> None:
        with self.sessions() as session:
            run = session.get(EvalRun, run_id)
            if run is None or run.state != EvalRunState.queued.value:
                return
            run.state, run.started_at = EvalRunState.running.value, utcnow()
            name, splits, options = run.suite, list(run.splits) or None, dict(run.options)
            session.commit()
        outcome: dict[str, Any]
        try:
            report = self.runner(name, splits, options)
        except Exception as exc:
            outcome = {"state": EvalRunState.failed.value, "error": _reason(exc)}
            log.warning("eval run failed", extra={"run_id": str(run_id), "error_type": type(exc).__name__})
        else:
            outcome = {
                "state": EvalRunState.succeeded.value,
                "passed": report.passed,
                "report": report.model_dump(mode="json"),
            }
        with self.sessions() as session:
            session.execute(
                update(EvalRun).where(EvalRun.id == run_id).values(finished_at=utcnow(), **outcome)
            )
            session.commit()


def _reason(exc: Exception) -> str:
    """The runner's own message for an unusable suite or dataset (names and line numbers, no case
    text); for anything else only the exception type, since its message could quote a case."""
    from evals.runner import EvalError

    if isinstance(exc, EvalError):
        return exc.message[:2000]
    return f"the run crashed ({type(exc).__name__})"


class UnknownSuiteError(ValueError):
    """The named suite is not one shipped in evals/suites/."""

    def __init__(self, known: list[str]) -> None:
        super().__init__(f"Unknown suite. Shipped suites: {', '.join(known)}.")


def request_run(
    session: Session,
    service: EvalRunService,
    *,
    organisation_id: uuid.UUID,
    actor: Actor,
    suite: str,
    splits: list[str],
    options: dict[str, Any],
) -> EvalRun:
    """Record a queued run of a shipped suite, audit the request, commit, and hand it to the thread.

    The API route and the eval page both start runs here. Commits: the thread reads the run
    from its own session, so the row must exist before it is submitted.
    """
    known = shipped_suites()
    if suite not in known:
        raise UnknownSuiteError(known)
    run = EvalRun(
        organisation_id=organisation_id,
        requested_by_key_id=actor.key_id,
        requested_by_user_id=actor.user_id,
        suite=suite,
        splits=list(dict.fromkeys(splits)),
        options=options,
        state=EvalRunState.queued.value,
    )
    session.add(run)
    session.flush()
    AuditRepository(session).record(
        organisation_id=organisation_id,
        event_type="eval_run.requested",
        subject_type="eval_run",
        subject_id=str(run.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"suite": suite, "splits": run.splits},
    )
    session.commit()
    service.submit(run.id)
    return run


def count_runs(session: Session, organisation_id: uuid.UUID) -> int:
    total = session.scalar(
        select(func.count()).select_from(EvalRun).where(EvalRun.organisation_id == organisation_id)
    )
    return int(total or 0)


def find_run(session: Session, organisation_id: uuid.UUID, run_id: uuid.UUID) -> EvalRun | None:
    return session.scalar(
        select(EvalRun).where(EvalRun.id == run_id, EvalRun.organisation_id == organisation_id)
    )


def latest_runs(session: Session, organisation_id: uuid.UUID, *, limit: int, offset: int) -> list[EvalRun]:
    return list(
        session.scalars(
            select(EvalRun)
            .where(EvalRun.organisation_id == organisation_id)
            .order_by(EvalRun.created_at.desc(), EvalRun.id)
            .limit(limit)
            .offset(offset)
        )
    )
