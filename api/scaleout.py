"""Whether `carepost serve --workers N` may start: the process model that several workers need.

One uvicorn worker is one process. Several of them (or several replicas) share
only what lives outside the process, so each piece of state must be a server:
the database (PostgreSQL: jobs are claimed with FOR UPDATE SKIP LOCKED; several
processes writing one SQLite file with the job queue is not supported), the
knowledge store (a Chroma server: the embedded folder belongs to one process),
and the rate-limit buckets (Redis: with memory:// every process would grant a
key its whole budget, N times the limit). Anything else is refused at start,
before a port is bound, rather than misbehaving under load.
"""

from __future__ import annotations

from api.settings import Settings


def scale_out_refusals(settings: Settings, workers: int) -> list[str]:
    """Why `workers` processes cannot serve with `settings`; empty when they can (always for one)."""
    if workers <= 1:
        return []
    refusals: list[str] = []
    if settings.is_sqlite:
        refusals.append(
            "the database is SQLite: several processes on one SQLite file with the job queue is not "
            "supported; set CAREPOST_DATABASE_URL to PostgreSQL (postgresql+psycopg://...)"
        )
    if settings.chroma_url is None:
        refusals.append(
            "the knowledge store is the embedded Chroma folder, which belongs to one process; run "
            "`chroma run` and set CAREPOST_CHROMA_URL"
        )
    if settings.rate_limit_enabled and settings.rate_limit_url.startswith("memory://"):
        refusals.append(
            "rate limits are counted in memory (memory://), so each process would grant every key its "
            "whole budget; set CAREPOST_RATE_LIMIT_URL to redis://host:6379/0"
        )
    return refusals
