"""Drafting metrics over `DraftRow`s, overall and per platform, with bootstrap intervals over briefs.

A brief is the unit of resampling: its platforms' drafts share a topic, facts and
a model, so they move together. Rates count drafts (key-message coverage counts
key messages); refused briefs are listed, not counted, because refusing a
fabricated testimonial is the right outcome, not a failed draft.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from evals.metrics import bootstrap as bs
from evals.metrics.bootstrap import Resampler
from evals.metrics.latency import summarise
from evals.report.model import DraftRow, Latency, MetricValue

Rate = tuple[Callable[[DraftRow], bool], Callable[[DraftRow], bool]]  # (counted, succeeded)


def _drafted(row: DraftRow) -> bool:
    return row.status in ("needs_review", "blocked", "error")


def _has_text(row: DraftRow) -> bool:
    return row.status in ("needs_review", "blocked")


# name -> (which drafts count, which of those are "hits"), and whether higher is better
RATES: dict[str, tuple[Rate, bool]] = {
    "guardrail_pass_rate": ((_drafted, lambda r: r.passed), True),
    # a draft that could not be produced cannot be published either
    "blocked_rate": ((_drafted, lambda r: r.status in ("blocked", "error")), False),
    "error_rate": ((_drafted, lambda r: r.status == "error"), False),
    "platform_limit_adherence": ((_has_text, lambda r: bool(r.within_limits)), True),
    "invented_identifier_rate": ((_has_text, lambda r: bool(r.invented)), False),
    # what a weak model invents must reach the reviewer flagged: the guardrails' job, not the model's
    "unflagged_invented_rate": ((_has_text, lambda r: r.passed and bool(r.invented)), False),
    "disclaimer_presence": (
        (lambda r: _has_text(r) and bool(r.disclaimers_required), lambda r: not r.disclaimers_missing),
        True,
    ),
}


def drafting_metrics(
    case_ids: Sequence[str], rows: Sequence[DraftRow], resampler: Resampler
) -> dict[str, MetricValue]:
    """`case_ids` are the split's briefs in order (the resampler's rows); `rows` their drafts."""
    out: dict[str, MetricValue] = {}
    platforms = sorted({r.platform for r in rows if r.status != "refused"})
    for prefix, subset in [("", list(rows))] + [
        (f"{p}.", [r for r in rows if r.platform == p]) for p in platforms
    ]:
        _rates(out, prefix, case_ids, subset, resampler)
        _coverage(out, prefix, case_ids, subset, resampler)
        _usage(out, prefix, subset)
    refused = list(dict.fromkeys(r.case_id for r in rows if r.status == "refused"))
    out["refused_briefs"] = MetricValue(
        value=float(len(refused)), better="lower", support=len(case_ids), cases=refused
    )
    return out


def latency_of(rows: Sequence[DraftRow]) -> Latency:
    return summarise([r.latency_ms / 1000 for r in rows if _drafted(r)])


def _rates(
    out: dict[str, MetricValue],
    prefix: str,
    case_ids: Sequence[str],
    rows: Sequence[DraftRow],
    resampler: Resampler,
) -> None:
    for name, ((counted, hit), higher) in RATES.items():
        per_case = {cid: [0.0, 0.0] for cid in case_ids}
        shortfall: list[str] = []
        for row in rows:
            if not counted(row):
                continue
            success = hit(row)
            per_case[row.case_id][0] += success
            per_case[row.case_id][1] += 1
            if success != higher:  # the drafts behind a low floor or a high ceiling
                shortfall.append(f"{row.case_id}/{row.platform}")
        table = [per_case[cid] for cid in case_ids]
        hits, total = sum(r[0] for r in table), sum(r[1] for r in table)
        if total == 0:
            continue
        ci = resampler.interval(table, bs.ratio(0, 1))
        out[f"{prefix}{name}"] = _value(hits / total, ci, int(total), shortfall, higher)


def _coverage(
    out: dict[str, MetricValue],
    prefix: str,
    case_ids: Sequence[str],
    rows: Sequence[DraftRow],
    resampler: Resampler,
) -> None:
    per_case = {cid: [0.0, 0.0] for cid in case_ids}
    short: list[str] = []
    for row in rows:
        if not _has_text(row) or not row.key_messages:
            continue
        per_case[row.case_id][0] += row.key_messages_covered
        per_case[row.case_id][1] += row.key_messages
        if row.key_messages_covered < row.key_messages:
            short.append(f"{row.case_id}/{row.platform}")
    table = [per_case[cid] for cid in case_ids]
    covered, total = sum(r[0] for r in table), sum(r[1] for r in table)
    if total:
        out[f"{prefix}key_message_coverage"] = _value(
            covered / total, resampler.interval(table, bs.ratio(0, 1)), int(total), short, True
        )


def _usage(out: dict[str, MetricValue], prefix: str, rows: Sequence[DraftRow]) -> None:
    drafted = [r for r in rows if _drafted(r)]
    if not drafted:
        return
    n = len(drafted)
    out[f"{prefix}drafts"] = MetricValue(value=float(n), support=n)
    out[f"{prefix}latency_p50_ms"] = MetricValue(
        value=summarise([r.latency_ms / 1000 for r in drafted]).p50, better="lower", support=n
    )
    for name in ("requests", "input_tokens", "output_tokens"):
        out[f"{prefix}{name}"] = MetricValue(
            value=float(sum(getattr(r, name) for r in drafted)), better="lower", support=n
        )
    costs = [r.cost_usd for r in drafted]
    if all(c is not None for c in costs):  # a partly priced total would understate the cost
        out[f"{prefix}cost_usd"] = MetricValue(
            value=round(sum(c for c in costs if c is not None), 6), better="lower", support=n
        )


def _value(
    value: float, ci: tuple[float, float] | None, support: int, cases: list[str], higher: bool
) -> MetricValue:
    return MetricValue(
        value=round(value, 6),
        ci_low=None if ci is None else round(ci[0], 6),
        ci_high=None if ci is None else round(ci[1], 6),
        better="higher" if higher else "lower",
        support=support,
        cases=cases,
    )
