"""Run the guardrail checker over each split, one case at a time (so each case has its latency)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast

from evals.cases import EvalCase
from evals.metrics.bootstrap import Resampler
from evals.metrics.guardrails import guardrail_metrics
from evals.metrics.latency import summarise
from evals.report.model import SplitReport
from evals.runner.loading import EvalError, LoadedSuite, sha256_file
from evals.runner.progress import Progress
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
    refs = loaded.datasets(splits)
    loaded_cases = [cast(list[EvalCase], loaded.load_split(ref)) for ref in refs]
    config = loaded.resolve(suite.settings.config) if suite.settings.config else None
    started = time.perf_counter()
    checker = checker_factory() if checker_factory else _build(config)
    timings["load_s"] = time.perf_counter() - started
    reports = []
    for ref, cases in zip(refs, loaded_cases, strict=True):
        progress.start(f"guardrails {ref.split}", len(cases))
        checks, latencies = [], []
        run_started = time.perf_counter()
        for case in cases:
            case_started = time.perf_counter()
            checks.append(checker.check(case.text, case.check_context()))
            latencies.append(time.perf_counter() - case_started)
            progress.advance()
        run_s = time.perf_counter() - run_started
        score_started = time.perf_counter()
        result = score(cases, checks)
        resampler = Resampler(
            len(cases),
            samples=suite.bootstrap.samples,
            seed=suite.seed,
            confidence=suite.bootstrap.confidence,
        )
        metrics = guardrail_metrics(result, resampler)
        reports.append(
            SplitReport(
                split=ref.split,
                dataset=loaded.split_info(ref, len(cases)),
                metrics=metrics.metrics,
                confusion=metrics.confusion,
                entities=metrics.entities,
                span_errors=metrics.span_errors,
                latency=summarise(latencies),
                timings={"run_s": round(run_s, 3), "score_s": round(time.perf_counter() - score_started, 3)},
            )
        )
    settings = {"config": str(suite.settings.config) if suite.settings.config else "built-in"}
    if config is not None:
        settings["config_sha256"] = sha256_file(config)
    return reports, settings


def _build(config: Path | None) -> SupportsCheck:
    from guardrails.config import ConfigError
    from guardrails.factory import build_checker

    try:
        return build_checker(config)
    except ConfigError as exc:
        raise EvalError(f"guardrail configuration refused: {exc.message}") from None
