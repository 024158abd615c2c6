"""Drafting speed without model time: a brief of 4 platforms through the modular engine, end to end.

    .venv/bin/python bench/drafting.py                 # SQLite in a temporary folder
    .venv/bin/python bench/drafting.py --passes 5
    .venv/bin/python bench/drafting.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Every non-reply brief of evals/datasets/briefs.jsonl, set to the 4 platforms
facebook, instagram, x and linkedin, is timed after one warm-up pass:

- `draft`: `Orchestrator.draft` alone (library read, composition, guardrails, revision rounds);
- `per brief`: what the service does for one brief: `submit_brief` (brief, job and audit rows,
  one transaction) plus one worker `run_once` (claim under a lease, draft, store the 4 drafts,
  their versions and the audit event, mark the job done), i.e. everything except model time,
  which the modular engine does not have.

Wall time and this thread's CPU time are both reported: on a shared machine the wall
time includes waiting for a core (the load average is printed), the CPU time does not.
Issue 5's target: per brief p50 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.offline import apply_offline_defaults  # noqa: E402

apply_offline_defaults()

from agents.brief import Brief  # noqa: E402
from api.background import job_handlers  # noqa: E402
from api.drafting.submit import Submitter, submit_brief  # noqa: E402
from api.jobs.worker import Worker  # noqa: E402
from api.services import Services  # noqa: E402
from api.settings import Settings, sqlite_url  # noqa: E402
from api.store import migrate  # noqa: E402
from api.store.database import make_engine  # noqa: E402
from api.store.library_repository import knowledge_org  # noqa: E402
from api.store.repositories import OrganisationRepository  # noqa: E402
from knowledge.pack.loader import load_pack_library  # noqa: E402

BRIEFS = ROOT / "evals" / "datasets" / "briefs.jsonl"
PLATFORMS = ["facebook", "instagram", "x", "linkedin"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def four_platform_briefs() -> list[Brief]:
    briefs = []
    for line in BRIEFS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if raw.get("content_type") in {"review_response", "comment_reply"}:
            continue  # replies answer on one platform
        briefs.append(Brief.model_validate({**raw, "platforms": PLATFORMS}))
    return briefs


def report(name: str, values: list[float]) -> None:
    print(
        f"{name:<14} p50 {percentile(values, 0.5):7.2f} ms  p95 {percentile(values, 0.95):7.2f} ms  "
        f"mean {statistics.mean(values):7.2f} ms  (n={len(values)})"
    )


class Stopwatch:
    """Wall and thread CPU milliseconds since the last `lap()`."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.thread_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.thread_time()
        lap = ((wall - self.wall) * 1000, (cpu - self.cpu) * 1000)
        self.wall, self.cpu = wall, cpu
        return lap


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the briefs")
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="carepost-bench-") as tmp:
        database_url = args.database_url or sqlite_url(Path(tmp) / "bench.db")
        engine = make_engine(database_url)
        migrate.upgrade(engine)
        engine.dispose()
        settings = Settings(env="test", data_dir=Path(tmp), database_url=database_url, bootstrap=False)
        services = Services.build(settings)
        try:
            run(services, four_platform_briefs(), args.passes, database_url)
        finally:
            services.close()


def run(services: Services, briefs: list[Brief], passes: int, database_url: str) -> None:
    with services.sessions() as session:
        organisation = OrganisationRepository(session).create(
            slug=f"bench-{os.getpid()}-{int(time.time())}", name="Bench"
        )
        session.commit()
    org = knowledge_org(organisation.id)
    services.knowledge.libraries.put(org, load_pack_library())
    worker = Worker(services.jobs, job_handlers(services), name="bench")
    submitter = Submitter(organisation_id=organisation.id)
    timings: dict[str, list[float]] = {
        name: [] for name in ("draft", "draft cpu", "submit", "per brief", "per brief cpu")
    }
    blocked = total = 0
    load_before = os.getloadavg()[0]
    for n in range(passes + 1):  # pass 0 warms caches up and is not counted
        for i, brief in enumerate(briefs):
            watch = Stopwatch()
            result = services.orchestrator.draft(org, brief)
            draft_wall, draft_cpu = watch.lap()
            with services.sessions() as session:
                submit_brief(
                    session,
                    services.jobs,
                    submitter=submitter,
                    brief=brief,
                    engine="modular",
                    idempotency_key=f"bench-{n}-{i}",
                )
            submit_wall, submit_cpu = watch.lap()
            if not worker.run_once():
                raise SystemExit("the worker found no job: the bench database is not empty")
            work_wall, work_cpu = watch.lap()
            if n == 0:
                continue
            timings["draft"].append(draft_wall)
            timings["draft cpu"].append(draft_cpu)
            timings["submit"].append(submit_wall)
            timings["per brief"].append(submit_wall + work_wall)
            timings["per brief cpu"].append(submit_cpu + work_cpu)
            total += len(result.drafts)
            blocked += sum(1 for d in result.drafts if d.status.value == "blocked")
    backend = database_url.split(":", 1)[0]
    print(
        f"briefs: {len(briefs)} x {len(PLATFORMS)} platforms ({', '.join(PLATFORMS)}), modular engine, "
        f"{passes} timed passes after 1 warm-up, database {backend}, {os.cpu_count()} CPUs"
    )
    print(f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    for name, values in timings.items():
        report(name, values)
    print(f"drafts: {total} ({blocked} blocked); target per brief p50 <= 50 ms")


if __name__ == "__main__":
    main()
