"""Run the identifier detector over each split in batches (the form `carepost redact` uses)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from evals.metrics.latency import summarise
from evals.metrics.redact import redact_metrics
from evals.redact_eval import RedactCase, score
from evals.report.model import SplitReport
from evals.runner.loading import LoadedSuite
from evals.runner.progress import Progress
from evals.runner.splits import SplitRun, holding, run_splits
from evals.schema import RedactSuite

if TYPE_CHECKING:
    from guardrails.redact import Redactor


def run_redact(
    loaded: LoadedSuite,
    suite: RedactSuite,
    splits: list[str] | None,
    progress: Progress,
    timings: dict[str, float],
) -> tuple[list[SplitReport], dict[str, Any]]:
    from guardrails.redact import build_redactor

    batch = suite.settings.batch_size

    def evaluate(redactor: Redactor, run: SplitRun[RedactCase]) -> SplitReport:
        results, latencies = [], []
        run_started = time.perf_counter()
        for first in range(0, len(run.cases), batch):
            chunk = run.cases[first : first + batch]
            chunk_started = time.perf_counter()
            results += list(redactor.redact_many((c.text for c in chunk), batch_size=batch))
            # batched through nlp.pipe: a text's latency is its share of the batch
            latencies += [(time.perf_counter() - chunk_started) / len(chunk)] * len(chunk)
            run.progress.advance(len(chunk))
        run_s = time.perf_counter() - run_started
        metrics = redact_metrics(score(run.cases, results), run.resampler)
        return SplitReport(
            split=run.split,
            dataset=run.dataset,
            metrics=metrics.metrics,
            entities=metrics.entities,
            latency=summarise(latencies),
            timings={"run_s": round(run_s, 3)},
        )

    reports = run_splits(
        loaded,
        splits,
        progress,
        timings,
        label="redact",
        setup=lambda: holding(build_redactor()),
        evaluate=evaluate,
    )
    return reports, {"batch_size": batch, "latency": "per text, amortised over its batch"}
