"""Run the guardrail checker over each split, one case at a time (so each case has its latency)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from evals.cases import EvalCase
from evals.metrics.guardrails import guardrail_metrics
from evals.metrics.latency import summarise
from evals.report.model import SplitReport
from evals.runner.loading import EvalError, LoadedSuite, sha256_file
from evals.runner.progress import Progress
from evals.runner.splits import SplitRun, holding, run_splits
from evals.schema import GuardrailSuite
from evals.scoring import score
from guardrails.context import CheckContext
from guardrails.findings import CheckReport


class SupportsCheck(Protocol):
    """What the runner needs of a checker: `guardrails.pipeline.Checker`, or a test's own."""

    def check(self, text: str, ctx: CheckContext) -> CheckReport: ...


CheckerFactory = Callable[[], SupportsCheck]


def run_guardrails(
    loaded: LoadedSuite,
    suite: GuardrailSuite,
    splits: list[str] | None,
    progress: Progress,
    timings: dict[str, float],
    checker_factory: CheckerFactory | None = None,
) -> tuple[list[SplitReport], dict[str, Any]]:
    config = loaded.resolve(suite.settings.config) if suite.settings.config else None
    factory = checker_factory or (lambda: _build(config))
    reports = run_splits(
        loaded,
        splits,
        progress,
        timings,
        label="guardrails",
        setup=lambda: holding(factory()),
        evaluate=_evaluate,
    )
    settings = {"config": str(suite.settings.config) if suite.settings.config else "built-in"}
    if config is not None:
        settings["config_sha256"] = sha256_file(config)
    return reports, settings


def _evaluate(checker: SupportsCheck, run: SplitRun[EvalCase]) -> SplitReport:
    checks, latencies = [], []
    run_started = time.perf_counter()
    for case in run.cases:
        case_started = time.perf_counter()
        checks.append(checker.check(case.text, case.check_context()))
        latencies.append(time.perf_counter() - case_started)
        run.progress.advance()
    run_s = time.perf_counter() - run_started
    score_started = time.perf_counter()
    metrics = guardrail_metrics(score(run.cases, checks), run.resampler)
    return SplitReport(
        split=run.split,
        dataset=run.dataset,
        metrics=metrics.metrics,
        confusion=metrics.confusion,
        entities=metrics.entities,
        span_errors=metrics.span_errors,
        latency=summarise(latencies),
        timings={"run_s": round(run_s, 3), "score_s": round(time.perf_counter() - score_started, 3)},
    )


def _build(config: Path | None) -> SupportsCheck:
    from guardrails.config import ConfigError
    from guardrails.factory import build_checker

    try:
        return build_checker(config)
    except ConfigError as exc:
        raise EvalError(f"guardrail configuration refused: {exc.message}") from None
