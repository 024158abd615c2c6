"""Compare a run's metrics with a suite's bounds; a missing metric fails (fail closed)."""

from __future__ import annotations

from collections.abc import Sequence

from evals.report.model import SplitReport, ThresholdResult
from evals.schema import Bound

SHOWN_CASES = 25  # the message lists this many ids; report.json keeps them all


def evaluate(bounds: Sequence[Bound], splits: Sequence[SplitReport]) -> list[ThresholdResult]:
    return [_one(bound, split) for split in splits for bound in bounds]


def _one(bound: Bound, split: SplitReport) -> ThresholdResult:
    metric = split.metrics.get(bound.metric)
    if metric is None:
        return ThresholdResult(
            split=split.split,
            metric=bound.metric,
            op=bound.op,
            bound=bound.value,
            value=None,
            passed=False,
            message=f"{split.split}: {bound.metric} was not produced by this run (unknown metric name?)",
        )
    passed = bound.holds(metric.value)
    message = (
        f"{split.split}: {_describe(bound.metric)} {metric.value:.3f}, needs {bound.op} {bound.value:.3f}"
    )
    if not passed and metric.cases:
        shown = ", ".join(metric.cases[:SHOWN_CASES])
        more = len(metric.cases) - SHOWN_CASES
        tail = f" and {more} more (see report.json)" if more > 0 else ""
        message += f"; {_case_label(bound.metric)} ({len(metric.cases)}): {shown}{tail}"
    return ThresholdResult(
        split=split.split,
        metric=bound.metric,
        op=bound.op,
        bound=bound.value,
        value=metric.value,
        passed=passed,
        cases=list(metric.cases) if not passed else [],
        message=message,
    )


def _describe(metric: str) -> str:
    """'patient_status.recall' -> 'patient_status recall'; the category or entity comes first."""
    head, _, tail = metric.rpartition(".")
    return f"{head} {tail}" if head else metric


def _case_label(metric: str) -> str:
    tail = metric.rpartition(".")[2]
    if tail == "recall" or metric.startswith("recall@"):
        return "missed in cases"
    if tail == "precision":
        return "false alarms in cases"
    if metric == "mrr":
        return "not ranked in cases"
    return "cases with misses or false alarms"
