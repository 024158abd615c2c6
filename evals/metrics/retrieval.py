"""Retrieval metrics: recall@k and MRR over distinct documents (`evals.retrieval_eval`'s scoring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from evals.metrics import bootstrap as bs
from evals.metrics.bootstrap import Resampler
from evals.report.model import Histogram, MetricValue
from evals.retrieval_eval import RetrievalScore


@dataclass
class RetrievalMetrics:
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    ranks: Histogram | None = None


def retrieval_metrics(score: RetrievalScore, resampler: Resampler, *, depth: int) -> RetrievalMetrics:
    out = RetrievalMetrics()
    k, n = score.k, score.cases
    rows = [
        (1.0 if r.rank is not None and r.rank <= k else 0.0, 1.0 / r.rank if r.rank else 0.0)
        for r in score.results
    ]
    missed = [r.case.id for r in score.misses()]
    out.metrics[f"recall@{k}"] = _value(score.recall_at_k, resampler.interval(rows, bs.mean(0, n)), n, missed)
    unranked = [r.case.id for r in score.results if r.rank is None]
    out.metrics["mrr"] = _value(score.mrr, resampler.interval(rows, bs.mean(1, n)), n, unranked)
    # one bin per rank 1..depth; queries whose documents were not ranked at all are the overflow
    found = [r.rank for r in score.results if r.rank is not None]
    out.ranks = Histogram(
        unit="rank",
        edges=[float(rank) for rank in range(1, depth + 2)],
        counts=[found.count(rank) for rank in range(1, depth + 1)],
        overflow=len(unranked),
    )
    return out


def _value(value: float, ci: tuple[float, float] | None, support: int, cases: list[str]) -> MetricValue:
    return MetricValue(
        value=round(value, 6),
        ci_low=None if ci is None else round(ci[0], 6),
        ci_high=None if ci is None else round(ci[1], 6),
        support=support,
        cases=cases,
    )
