"""What the workers run: the handler of each job kind, and the in-process worker pool.

A new kind of background work (webhook deliveries, retention) is one entry in
`job_handlers`; `carepost serve` and `carepost worker` both pick it up.
"""

from __future__ import annotations

from api.drafting.handler import DraftingHandler
from api.drafting.submit import DRAFT_BRIEF
from api.jobs.worker import Handler, WorkerPool
from api.services import Services


def job_handlers(services: Services) -> dict[str, Handler]:
    return {
        DRAFT_BRIEF: DraftingHandler(services.orchestrator, services.sessions, clock=services.jobs.clock),
    }


def start_workers(services: Services, concurrency: int | None = None) -> WorkerPool:
    settings = services.settings
    pool = WorkerPool(
        services.jobs,
        job_handlers(services),
        concurrency=concurrency or settings.worker_concurrency,
        poll_seconds=settings.worker_poll_seconds,
    )
    pool.start()
    services.workers = pool
    return pool
