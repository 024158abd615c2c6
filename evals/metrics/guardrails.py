"""Guardrail metrics: per-category precision/recall/F1 per case and PHI span precision/recall.

Built on `evals.scoring` (the scorer rules are tuned against), adding bootstrap
intervals, confusion counts, the per-entity breakdown and the case ids behind
every miss and false alarm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from evals.metrics import bootstrap as bs
from evals.metrics.bootstrap import Resampler
from evals.report.model import Confusion, MetricValue, SpanError
from evals.scoring import GuardrailScore


@dataclass
class GuardrailMetrics:
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    confusion: dict[str, Confusion] = field(default_factory=dict)
    entities: dict[str, Confusion] = field(default_factory=dict)
    span_errors: list[SpanError] = field(default_factory=list)


def guardrail_metrics(score: GuardrailScore, resampler: Resampler) -> GuardrailMetrics:
    out = GuardrailMetrics()
    for category, cat in score.categories.items():
        name, c = category.value, cat.counts
        rows = cat.per_case  # (tp, fp, fn)
        out.metrics[f"{name}.precision"] = _value(
            c.precision, resampler.interval(rows, bs.precision(0, 1)), c.tp + c.fp, cat.false_alarms
        )
        out.metrics[f"{name}.recall"] = _value(
            c.recall, resampler.interval(rows, bs.recall(0, 2)), c.tp + c.fn, cat.misses
        )
        out.metrics[f"{name}.f1"] = _value(
            c.f1,
            resampler.interval(rows, bs.f_beta(0, 1, 2, 1.0)),
            c.tp + c.fp + c.fn,
            sorted({*cat.misses, *cat.false_alarms}, key=score.case_ids.index),
        )
        out.confusion[name] = Confusion(
            tp=c.tp,
            fp=c.fp,
            fn=c.fn,
            tn=score.cases - c.tp - c.fp - c.fn,
            misses=list(cat.misses),
            false_alarms=list(cat.false_alarms),
        )
    _span_metrics(score, resampler, out)
    return out


def _span_metrics(score: GuardrailScore, resampler: Resampler, out: GuardrailMetrics) -> None:
    spans = score.phi_spans
    missed_cases = _unique(case_id for case_id, *_ in spans.missed_spans)
    false_cases = _unique(case_id for case_id, *_ in spans.false_spans)
    rows = [(s.found, s.missed, s.correct, s.false) for s in spans.per_case]
    overlap_recall, overlap_precision = spans.recall_counts, spans.precision_counts
    out.metrics["phi_spans.recall"] = _value(
        overlap_recall.recall,
        resampler.interval(rows, bs.recall(0, 1)),
        overlap_recall.tp + overlap_recall.fn,
        missed_cases,
    )
    out.metrics["phi_spans.precision"] = _value(
        overlap_precision.precision,
        resampler.interval(rows, bs.precision(2, 3)),
        overlap_precision.tp + overlap_precision.fp,
        false_cases,
    )
    exact_rows = [s.exact for s in spans.per_case]
    exact = spans.exact
    exact_missed = [cid for cid, s in zip(score.case_ids, spans.per_case, strict=True) if s.exact[2]]
    exact_false = [cid for cid, s in zip(score.case_ids, spans.per_case, strict=True) if s.exact[1]]
    out.metrics["phi_spans.exact.recall"] = _value(
        exact.recall, resampler.interval(exact_rows, bs.recall(0, 2)), exact.tp + exact.fn, exact_missed
    )
    out.metrics["phi_spans.exact.precision"] = _value(
        exact.precision, resampler.interval(exact_rows, bs.precision(0, 1)), exact.tp + exact.fp, exact_false
    )
    for entity, counts in sorted(spans.per_entity.items()):
        out.entities[entity] = Confusion(
            tp=counts.tp,
            fp=counts.fp,
            fn=counts.fn,
            misses=_unique(cid for cid, _, _, e in spans.missed_spans if e == entity),
        )
        # one (found, missed) row per case, so each entity kind gets its own interval
        entity_rows = [
            next(((f, m) for e, f, m in case.by_entity if e == entity), (0, 0)) for case in spans.per_case
        ]
        out.metrics[f"phi_spans.{entity}.recall"] = _value(
            counts.recall,
            resampler.interval(entity_rows, bs.recall(0, 1)) if counts.tp + counts.fn else None,
            counts.tp + counts.fn,
            _unique(cid for cid, _, _, e in spans.missed_spans if e == entity),
        )
    out.span_errors = [
        SpanError(case_id=cid, kind="missed", start=start, end=end, entity=entity)
        for cid, start, end, entity in spans.missed_spans
    ] + [SpanError(case_id=cid, kind="false", start=start, end=end) for cid, start, end in spans.false_spans]


def _value(value: float, ci: tuple[float, float] | None, support: int, cases: list[str]) -> MetricValue:
    low, high = ci if ci is not None else (None, None)
    return MetricValue(value=round(value, 6), ci_low=_r(low), ci_high=_r(high), support=support, cases=cases)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))
