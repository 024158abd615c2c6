"""The drafting section of report.html: rates per platform as bars, usage, and every draft's outcome.

Draft rows carry ids, rule ids, entity kinds and offsets only; never a draft's text.
"""

from __future__ import annotations

from html import escape

from evals.report.model import DraftRow, MetricValue, SplitReport
from evals.report.svg import Bar, BarGroup, bar_chart

# metric key -> legend; the same order as the table's columns
RATES = {
    "guardrail_pass_rate": "pass rate",
    "blocked_rate": "blocked",
    "platform_limit_adherence": "within limits",
    "invented_identifier_rate": "invented ids",
    "unflagged_invented_rate": "invented, unflagged",
    "disclaimer_presence": "disclaimers",
    "key_message_coverage": "key messages",
}
USAGE = ("drafts", "latency_p50_ms", "requests", "input_tokens", "output_tokens", "cost_usd")


def drafting_section(split: SplitReport, floors: dict[str, float]) -> str:
    groups = ["all", *sorted({d.platform for d in split.drafts if d.status != "refused"})]
    prefix = {g: "" if g == "all" else f"{g}." for g in groups}
    bars = [
        BarGroup(
            group,
            [
                Bar(label, split.metrics[prefix[group] + key], floors.get(prefix[group] + key))
                for key, label in RATES.items()
                if prefix[group] + key in split.metrics
            ],
        )
        for group in groups
    ]
    chart = bar_chart(
        f"per-platform-chart-{split.split}",
        "Drafting rates per platform, with 95% bootstrap intervals over briefs",
        bars,
    )
    head = "".join(f"<th class='num'>{escape(label)}</th>" for label in RATES.values())
    head += "".join(f"<th class='num'>{escape(name)}</th>" for name in USAGE)
    rows = []
    for group in groups:
        cells = "".join(_rate(split.metrics.get(prefix[group] + key)) for key in RATES)
        cells += "".join(_plain(split.metrics.get(prefix[group] + name)) for name in USAGE)
        rows.append(f"<tr><td>{escape(group)}</td>{cells}</tr>")
    table = f"<table><thead><tr><th>platform</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    refused = split.metrics.get("refused_briefs")
    note = (
        f"<p class='muted'>Refused briefs (fabricated testimonials are refused, not drafted): "
        f"<span class='ids'>{escape(', '.join(refused.cases))}</span></p>"
        if refused is not None and refused.cases
        else ""
    )
    return (
        f"<section><h3>Per platform</h3>{chart}{table}{note}</section>"
        f"<section><h3>Drafts</h3>{_drafts(split.drafts)}</section>"
    )


def _rate(value: MetricValue | None) -> str:
    if value is None:
        return "<td class='num muted'>-</td>"
    ci = (
        ""
        if value.ci_low is None
        else f" <span class='muted'>({value.ci_low:.2f}-{value.ci_high:.2f})</span>"
    )
    return f"<td class='num'>{value.value:.3f}{ci}</td>"


def _plain(value: MetricValue | None) -> str:
    if value is None:
        return "<td class='num muted'>-</td>"
    shown = f"{value.value:.4f}" if value.value and value.value < 1 else f"{value.value:,.0f}"
    return f"<td class='num'>{shown}</td>"


def _drafts(drafts: list[DraftRow]) -> str:
    rows = []
    for d in drafts:
        status = "pass" if d.passed else "fail"
        invented = ", ".join(f"{i.entity} {i.start}-{i.end}" for i in d.invented)
        rows.append(
            f"<tr><td class='ids'>{escape(d.case_id)}</td><td>{escape(d.platform)}</td>"
            f"<td class='{status}'>{escape(d.status if not d.error else f'{d.status} ({d.error})')}</td>"
            f"<td>{'' if d.within_limits is None else ('yes' if d.within_limits else 'NO')}</td>"
            f"<td class='ids'>{escape(invented)}</td>"
            f"<td class='ids'>{escape(', '.join(d.disclaimers_missing))}</td>"
            f"<td class='num'>{d.key_messages_covered}/{d.key_messages}</td>"
            f"<td class='ids'>{escape(', '.join(d.rules))}</td>"
            f"<td class='num'>{d.rounds}</td><td class='num'>{d.latency_ms:.1f}</td>"
            f"<td class='num'>{d.input_tokens}/{d.output_tokens}</td></tr>"
        )
    return (
        "<table><thead><tr><th>brief</th><th>platform</th><th>status</th><th>within limits</th>"
        "<th>invented identifiers</th><th>missing disclaimers</th><th class='num'>key messages</th>"
        "<th>block/warn rules left</th><th class='num'>rounds</th><th class='num'>ms</th>"
        f"<th class='num'>tokens in/out</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
