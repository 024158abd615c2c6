"""Run retrieval queries against the default knowledge pack, loaded into a temporary store."""

from __future__ import annotations

import time
from typing import Any, cast

from evals.metrics.bootstrap import Resampler
from evals.metrics.latency import summarise
from evals.metrics.retrieval import retrieval_metrics
from evals.report.model import SplitReport
from evals.retrieval_eval import RetrievalCase, UnknownDocumentsError, pack_knowledge_base, rank_all, score
from evals.runner.loading import EvalError, LoadedSuite
from evals.runner.progress import Progress
from evals.schema import RetrievalSuite


def run_retrieval(
    loaded: LoadedSuite,
    suite: RetrievalSuite,
    splits: list[str] | None,
    progress: Progress,
    timings: dict[str, float],
) -> tuple[list[SplitReport], dict[str, Any]]:
    refs = loaded.datasets(splits)
    loaded_cases = [cast(list[RetrievalCase], loaded.load_split(ref)) for ref in refs]
    settings = suite.settings
    reports = []
    started = time.perf_counter()
    with pack_knowledge_base(settings.as_of) as kb:
        timings["load_s"] = time.perf_counter() - started
        for ref, cases in zip(refs, loaded_cases, strict=True):
            progress.start(f"retrieval {ref.split}", len(cases))
            run_started = time.perf_counter()
            try:
                rankings, latencies = rank_all(
                    kb, cases, depth=settings.depth, on=settings.as_of, advance=progress.advance
                )
            except UnknownDocumentsError as exc:
                raise EvalError(f"split {ref.split}: {exc}") from None
            run_s = time.perf_counter() - run_started
            result = score(cases, rankings, k=settings.k)
            resampler = Resampler(
                len(cases),
                samples=suite.bootstrap.samples,
                seed=suite.seed,
                confidence=suite.bootstrap.confidence,
            )
            metrics = retrieval_metrics(result, resampler, depth=settings.depth)
            reports.append(
                SplitReport(
                    split=ref.split,
                    dataset=loaded.split_info(ref, len(cases)),
                    metrics=metrics.metrics,
                    ranks=metrics.ranks,
                    latency=summarise(latencies),
                    timings={"run_s": round(run_s, 3)},
                )
            )
    return reports, {
        "k": settings.k,
        "depth": settings.depth,
        "as_of": settings.as_of.isoformat(),
        "pack": "default",
    }
