"""`carepost worker [--concurrency N] [--burst]`: run background jobs in a process of their own.

Several worker processes (and `carepost serve` processes) may share one database:
each job is claimed by one of them (see api.jobs.queue). Stop with SIGTERM or
Ctrl-C: each worker finishes its current job first.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import database_engine, fail, load_settings
from api.logs import configure_logging
from api.settings import Settings
from api.store.migrate import is_at_head

if TYPE_CHECKING:
    from api.services import Services

Concurrency = Annotated[
    int | None,
    typer.Option(
        "--concurrency", min=1, max=32, help="Worker threads (default CAREPOST_WORKER_CONCURRENCY)."
    ),
]
Burst = Annotated[bool, typer.Option("--burst", help="Run the jobs that are due, then exit.")]


def build_services(settings: Settings) -> Services:
    """Load models and open stores, as the API does (tests replace this to share loaded models)."""
    from api.services import Services

    return Services.build(settings)


def worker(concurrency: Concurrency = None, burst: Burst = False) -> None:
    """Claim and run queued jobs (drafting briefs) until stopped."""
    # Imported here: the drafting agents are not loaded by the CLI's other commands.
    from api.background import job_handlers, start_workers
    from api.jobs.worker import Worker, worker_name

    settings = load_settings()
    configure_logging(settings.log_level)
    with database_engine(settings) as engine:
        if not is_at_head(engine):
            raise fail("the database schema is not current; run `carepost db upgrade` first")
    services = build_services(settings)
    try:
        if burst:
            single = Worker(services.jobs, job_handlers(services), worker_name(0))
            ran = 0
            while single.run_once():
                ran += 1
            typer.echo(f"{ran} job(s) run", err=True)
            return
        pool = start_workers(services, concurrency)

        def stop(signum: int, frame: FrameType | None) -> None:
            pool.request_stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        typer.echo(f"carepost worker: {len(pool.workers)} thread(s) waiting for jobs", err=True)
        pool.wait()
        pool.stop()
    finally:
        services.close()
