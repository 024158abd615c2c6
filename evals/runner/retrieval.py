"""Run retrieval queries against the default knowledge pack, loaded into a temporary store."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from evals.metrics.latency import summarise
from evals.metrics.retrieval import retrieval_metrics
from evals.report.model import SplitReport
from evals.retrieval_eval import RetrievalCase, UnknownDocumentsError, pack_knowledge_base, rank_all, score
from evals.runner.loading import EvalError, LoadedSuite
from evals.runner.progress import Progress
from evals.runner.splits import SplitRun, run_splits
from evals.schema import RetrievalSuite

if TYPE_CHECKING:
    from knowledge.retrieval import KnowledgeBase


def run_retrieval(
    loaded: LoadedSuite,
    suite: RetrievalSuite,
    splits: list[str] | None,
    progress: Progress,
    timings: dict[str, float],
) -> tuple[list[SplitReport], dict[str, Any]]:
    settings = suite.settings

    def evaluate(kb: KnowledgeBase, run: SplitRun[RetrievalCase]) -> SplitReport:
        run_started = time.perf_counter()
        try:
            rankings, latencies = rank_all(
                kb, run.cases, depth=settings.depth, on=settings.as_of, advance=run.progress.advance
            )
        except UnknownDocumentsError as exc:
            raise EvalError(f"split {run.split}: {exc}") from None
        run_s = time.perf_counter() - run_started
        metrics = retrieval_metrics(
            score(run.cases, rankings, k=settings.k), run.resampler, depth=settings.depth
        )
        return SplitReport(
            split=run.split,
            dataset=run.dataset,
            metrics=metrics.metrics,
            ranks=metrics.ranks,
            latency=summarise(latencies),
            timings={"run_s": round(run_s, 3)},
        )

    reports = run_splits(
        loaded,
        splits,
        progress,
        timings,
        label="retrieval",
        setup=lambda: pack_knowledge_base(settings.as_of),
        evaluate=evaluate,
    )
    return reports, {
        "k": settings.k,
        "depth": settings.depth,
        "as_of": settings.as_of.isoformat(),
        "pack": "default",
    }
