"""Run the identifier detector over each split in batches (the form `carepost redact` uses)."""

from __future__ import annotations

import time
from typing import Any, cast

from evals.metrics.bootstrap import Resampler
from evals.metrics.latency import summarise
from evals.metrics.redact import redact_metrics
from evals.redact_eval import RedactCase, score
from evals.report.model import SplitReport
from evals.runner.loading import LoadedSuite
from evals.runner.progress import Progress
from evals.schema import RedactSuite


def run_redact(
    loaded: LoadedSuite,
    suite: RedactSuite,
    splits: list[str] | None,
    progress: Progress,
    timings: dict[str, float],
) -> tuple[list[SplitReport], dict[str, Any]]:
    from guardrails.redact import build_redactor

    refs = loaded.datasets(splits)
    loaded_cases = [cast(list[RedactCase], loaded.load_split(ref)) for ref in refs]
    started = time.perf_counter()
    redactor = build_redactor()
    timings["load_s"] = time.perf_counter() - started
    batch = suite.settings.batch_size
    reports = []
    for ref, cases in zip(refs, loaded_cases, strict=True):
        progress.start(f"redact {ref.split}", len(cases))
        results, latencies = [], []
        run_started = time.perf_counter()
        for first in range(0, len(cases), batch):
            chunk = cases[first : first + batch]
            chunk_started = time.perf_counter()
            results += list(redactor.redact_many((c.text for c in chunk), batch_size=batch))
            # batched through nlp.pipe: a text's latency is its share of the batch
            latencies += [(time.perf_counter() - chunk_started) / len(chunk)] * len(chunk)
            progress.advance(len(chunk))
        run_s = time.perf_counter() - run_started
        result = score(cases, results)
        resampler = Resampler(
            len(cases),
            samples=suite.bootstrap.samples,
            seed=suite.seed,
            confidence=suite.bootstrap.confidence,
        )
        metrics = redact_metrics(result, resampler)
        reports.append(
            SplitReport(
                split=ref.split,
                dataset=loaded.split_info(ref, len(cases)),
                metrics=metrics.metrics,
                entities=metrics.entities,
                latency=summarise(latencies),
                timings={"run_s": round(run_s, 3)},
            )
        )
    return reports, {"batch_size": batch, "latency": "per text, amortised over its batch"}
