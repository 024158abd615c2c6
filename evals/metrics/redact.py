"""Redact metrics: span precision/recall/F2 overall, typed and per entity kind (`evals.redact_eval`'s scoring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from evals.metrics import bootstrap as bs
from evals.metrics.bootstrap import Resampler
from evals.redact_eval import RedactScore
from evals.report.model import Confusion, MetricValue
from evals.scoring import Counts


@dataclass
class RedactMetrics:
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    entities: dict[str, Confusion] = field(default_factory=dict)


def redact_metrics(score: RedactScore, resampler: Resampler) -> RedactMetrics:
    out = RedactMetrics()
    missed = _by_entity(score.missed)
    false = _by_entity(score.false)
    all_missed = list(dict.fromkeys(cid for cid, _, _ in score.missed))
    all_false = list(dict.fromkeys(cid for cid, _, _ in score.false))
    overall_rows = [c[0].triple() for c in score.per_case]
    typed_rows = [c[1].triple() for c in score.per_case]
    _add(out, "overall", score.overall, overall_rows, resampler, all_missed, all_false)
    _add(out, "typed", score.typed, typed_rows, resampler, all_missed, all_false)
    for entity, counts in sorted(score.per_entity.items()):
        rows = [per.get(entity, Counts()).triple() for per in score.per_case_entity]
        _add(out, entity, counts, rows, resampler, missed.get(entity, []), false.get(entity, []))
        out.entities[entity] = Confusion(
            tp=counts.tp,
            fp=counts.fp,
            fn=counts.fn,
            misses=missed.get(entity, []),
            false_alarms=false.get(entity, []),
        )
    return out


def _add(
    out: RedactMetrics,
    prefix: str,
    counts: Counts,
    rows: list[tuple[int, int, int]],
    resampler: Resampler,
    missed: list[str],
    false: list[str],
) -> None:
    specs = [
        ("precision", counts.precision, bs.precision(0, 1), counts.tp + counts.fp, false),
        ("recall", counts.recall, bs.recall(0, 2), counts.tp + counts.fn, missed),
        ("f2", counts.f_beta(2), bs.f_beta(0, 1, 2, 2.0), counts.tp + counts.fp + counts.fn, missed + false),
    ]
    for name, value, statistic, support, cases in specs:
        ci = resampler.interval(rows, statistic)
        out.metrics[f"{prefix}.{name}"] = MetricValue(
            value=round(value, 6),
            ci_low=None if ci is None else round(ci[0], 6),
            ci_high=None if ci is None else round(ci[1], 6),
            support=support,
            cases=list(dict.fromkeys(cases)),
        )


def _by_entity(errors: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for case_id, entity, _value in errors:
        ids = out.setdefault(entity, [])
        if case_id not in ids:
            ids.append(case_id)
    return out
