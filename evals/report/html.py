"""report.html: one self-contained page (inline CSS and SVG, no script, no external asset).

A compliance lead opens it from disk. The markup is well-formed XML, so a test
can parse it; it holds case ids and offsets, never case text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape

from evals.report.html_drafting import drafting_section
from evals.report.model import Confusion, MetricValue, RunReport, SplitReport
from evals.report.svg import Bar, BarGroup, bar_chart, confusion_grid, histogram_chart

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5d9e0}
h3{font-size:15px;margin:18px 0 6px}
section{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:12px 16px;margin:12px 0}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border-bottom:1px solid #e6e8ee;padding:3px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pass{color:#1e7b34;font-weight:600}.fail{color:#b42318;font-weight:600}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
.badge.pass{background:#1e7b34}.badge.fail{background:#b42318}
.ids{font-family:ui-monospace,monospace;font-size:12px;word-break:break-word}
.muted{color:#5b6475}
svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}
svg .grid{stroke:#d5d9e0;stroke-width:1}svg .tick,svg .legend,svg .label,svg .axis,svg .count{font-size:11px;fill:#1d2330}
svg .count.light{fill:#ffffff}svg .whisker{stroke:#1d2330;stroke-width:1.2}svg .floor{stroke:#b42318;stroke-width:2;stroke-dasharray:3 2}
svg .bin{fill:#2f6db5}svg .overflow{fill:#b42318}
pre{background:#f1f3f6;padding:8px;overflow:auto;font-size:12px}
"""


def render_html(report: RunReport) -> str:
    meta = report.meta
    status = "pass" if report.passed else "fail"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>{escape(meta.suite.name)} eval report</title><style>{CSS}</style></head><body><main>",
        f"<h1>Eval report: {escape(meta.suite.name)} "
        f'<span class="badge {status}">{"PASSED" if report.passed else "FAILED"}</span></h1>',
        f'<p class="muted">target {escape(meta.suite.target)} · code {escape(meta.code_version)} · '
        f"started {escape(meta.started_at)} · {meta.timings.get('total_s', 0):.1f} s · "
        f"splits {escape(', '.join(s.split for s in report.splits))}</p>",
        _thresholds(report),
    ]
    for split in report.splits:
        parts.append(
            f'<h2 id="split-{escape(split.split)}">Split {escape(split.split)} '
            f'<span class="muted">({split.dataset.cases} cases)</span></h2>'
        )
        parts.append(_split(report, split))
    parts.append(_metadata(report))
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _floors(report: RunReport, split: str) -> dict[str, float]:
    return {t.metric: t.bound for t in report.thresholds if t.split == split and t.op == ">="}


def _thresholds(report: RunReport) -> str:
    if not report.thresholds:
        return '<section><h2>Thresholds</h2><p class="muted">This suite sets no thresholds.</p></section>'
    rows = []
    for t in report.thresholds:
        value = "missing" if t.value is None else f"{t.value:.3f}"
        verdict = '<span class="pass">pass</span>' if t.passed else '<span class="fail">FAIL</span>'
        rows.append(
            f"<tr><td>{escape(t.split)}</td><td>{escape(t.metric)}</td><td class='num'>{value}</td>"
            f"<td class='num'>{escape(t.op)} {t.bound:.3f}</td><td>{verdict}</td>"
            f"<td class='ids'>{_ids(t.cases)}</td></tr>"
        )
    return (
        "<section><h2>Thresholds</h2><table><thead><tr><th>split</th><th>metric</th>"
        "<th class='num'>value</th><th class='num'>bound</th><th>result</th><th>failing cases</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _split(report: RunReport, split: SplitReport) -> str:
    target = report.meta.suite.target
    if target == "guardrails":
        body = _guardrails(report, split)
    elif target == "redact":
        body = _redact(report, split)
    elif target == "drafting":
        body = drafting_section(split, _floors(report, split.split))
    else:
        body = _retrieval(report, split)
    if split.latency is not None:
        lat = split.latency
        body += (
            f"<section><h3>Latency</h3><p>p50 {lat.p50:.1f} ms · p90 {lat.p90:.1f} ms · "
            f"p99 {lat.p99:.1f} ms · max {lat.max:.1f} ms · mean {lat.mean:.1f} ms</p>"
            + histogram_chart(f"latency-histogram-{split.split}", "Latency per case", lat.histogram)
            + "</section>"
        )
    return body


def _guardrails(report: RunReport, split: SplitReport) -> str:
    floors = _floors(report, split.split)
    active = [name for name, c in split.confusion.items() if c.tp + c.fp + c.fn]
    groups = [
        BarGroup(
            name,
            [
                Bar(kind, split.metrics[f"{name}.{kind}"], floors.get(f"{name}.{kind}"))
                for kind in ("precision", "recall")
            ],
        )
        for name in active
    ]
    if "phi_spans.recall" in split.metrics:  # the span floors are the PHI targets: show them beside the cases
        groups.append(
            BarGroup(
                "phi spans",
                [
                    Bar(kind, split.metrics[f"phi_spans.{kind}"], floors.get(f"phi_spans.{kind}"))
                    for kind in ("precision", "recall")
                ],
            )
        )
    chart = bar_chart(
        f"per-category-chart-{split.split}",
        "Per-category precision and recall per case, with 95% bootstrap intervals",
        groups,
    )
    table = _metric_table(
        split, active, ("precision", "recall", "f1"), split.confusion, with_tn=True, label="category"
    )
    spans = _metric_rows(
        split,
        ["phi_spans", "phi_spans.exact"],
        ("precision", "recall"),
        names={"phi_spans": "overlap", "phi_spans.exact": "exact"},
    )
    entities = _entity_table(split.entities, split.metrics)
    errors = _case_lists(split.confusion)
    span_errors = "".join(
        f"<tr><td class='ids'>{escape(e.case_id)}</td><td>{e.kind}</td><td>{escape(e.entity or '')}</td>"
        f"<td class='num'>{e.start}-{e.end}</td></tr>"
        for e in split.span_errors
    )
    return (
        f"<section><h3>Per category (a case counts once per category)</h3>{chart}{table}</section>"
        "<section><h3>Confusion counts per case</h3>"
        + confusion_grid(
            f"confusion-{split.split}",
            "Confusion counts per category",
            {n: split.confusion[n] for n in active},
        )
        + "</section>"
        "<section><h3>PHI spans</h3><table><thead><tr><th>match</th><th class='num'>precision</th>"
        "<th>interval</th><th class='num'>recall</th><th>interval</th></tr></thead>"
        f"<tbody>{spans}</tbody></table>"
        f"<h3>Per entity kind</h3>{entities}"
        "<h3>Missed and false spans</h3><table><thead><tr><th>case</th><th>kind</th><th>entity</th>"
        f"<th class='num'>offsets</th></tr></thead><tbody>{span_errors}</tbody></table></section>"
        f"<section><h3>Misses and false alarms by case id</h3>{errors}</section>"
    )


def _redact(report: RunReport, split: SplitReport) -> str:
    floors = _floors(report, split.split)
    names = ["overall", "typed", *split.entities]
    groups = [
        BarGroup(
            name,
            [
                Bar(kind, split.metrics[f"{name}.{kind}"], floors.get(f"{name}.{kind}"))
                for kind in ("precision", "recall", "f2")
            ],
        )
        for name in names
    ]
    chart = bar_chart(
        f"per-entity-chart-{split.split}", "Span precision, recall and F2 per entity kind", groups
    )
    table = _metric_table(split, names, ("precision", "recall", "f2"), split.entities, label="entity")
    return (
        f"<section><h3>Per entity kind (overlap matching)</h3>{chart}{table}</section>"
        f"<section><h3>Misses and false alarms by case id</h3>{_case_lists(split.entities)}</section>"
    )


def _retrieval(report: RunReport, split: SplitReport) -> str:
    floors = _floors(report, split.split)
    groups = [
        BarGroup(name, [Bar("value", value, floors.get(name))]) for name, value in split.metrics.items()
    ]
    chart = bar_chart(f"retrieval-chart-{split.split}", "Recall@k and MRR", groups)
    rows = "".join(
        f"<tr><td>{escape(name)}</td>{_cell(value)}<td class='ids'>{_ids(value.cases)}</td></tr>"
        for name, value in split.metrics.items()
    )
    ranks = (
        histogram_chart(f"rank-histogram-{split.split}", "Rank of the first expected document", split.ranks)
        if split.ranks is not None
        else ""
    )
    return (
        f"<section><h3>Retrieval</h3>{chart}<table><thead><tr><th>metric</th><th class='num'>value</th>"
        f"<th>interval</th><th>cases missed</th></tr></thead><tbody>{rows}</tbody></table></section>"
        f"<section><h3>Rank of the first expected document</h3>{ranks}</section>"
    )


def _cell(value: MetricValue | None) -> str:
    if value is None:
        return "<td class='num'>-</td><td></td>"
    ci = "" if value.ci_low is None else f"{value.ci_low:.3f}-{value.ci_high:.3f}"
    return f"<td class='num'>{value.value:.3f}</td><td class='muted'>{ci}</td>"


def _metric_table(
    split: SplitReport,
    names: list[str],
    kinds: tuple[str, ...],
    confusion: dict[str, Confusion],
    *,
    label: str,
    with_tn: bool = False,
) -> str:
    head = "".join(f"<th class='num'>{k}</th><th>interval</th>" for k in kinds)
    counts = ("tp", "fp", "fn", "tn") if with_tn else ("tp", "fp", "fn")
    head += "".join(f"<th class='num'>{c}</th>" for c in counts)
    rows = []
    for name in names:
        cells = "".join(_cell(split.metrics.get(f"{name}.{k}")) for k in kinds)
        c = confusion.get(name)
        cells += "".join(f"<td class='num'>{'' if c is None else getattr(c, key)}</td>" for key in counts)
        rows.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    return f"<table><thead><tr><th>{label}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _metric_rows(
    split: SplitReport, prefixes: list[str], kinds: tuple[str, ...], names: dict[str, str]
) -> str:
    rows = []
    for prefix in prefixes:
        cells = "".join(_cell(split.metrics.get(f"{prefix}.{k}")) for k in kinds)
        rows.append(f"<tr><td>{escape(names[prefix])}</td>{cells}</tr>")
    return "".join(rows)


def _entity_table(entities: dict[str, Confusion], metrics: dict[str, MetricValue]) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td class='num'>{c.tp}</td><td class='num'>{c.fp}</td>"
        f"<td class='num'>{c.fn}</td><td class='num'>{_ratio(c.tp, c.tp + c.fn)}</td>"
        f"<td class='muted'>{_interval(metrics.get(f'phi_spans.{name}.recall'))}</td>"
        f"<td class='ids'>{_ids(c.misses)}</td></tr>"
        for name, c in entities.items()
    )
    return (
        "<table><thead><tr><th>entity</th><th class='num'>found</th><th class='num'>false</th>"
        "<th class='num'>missed</th><th class='num'>recall</th><th>interval</th><th>missed in cases</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _interval(value: MetricValue | None) -> str:
    if value is None or value.ci_low is None or value.ci_high is None:
        return ""
    return f"{value.ci_low:.3f}-{value.ci_high:.3f}"


def _case_lists(confusion: dict[str, Confusion]) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td class='ids'>{_ids(c.misses)}</td>"
        f"<td class='ids'>{_ids(c.false_alarms)}</td></tr>"
        for name, c in confusion.items()
        if c.misses or c.false_alarms
    )
    if not rows:
        return '<p class="muted">None.</p>'
    return (
        "<table><thead><tr><th>name</th><th>misses</th><th>false alarms</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _metadata(report: RunReport) -> str:
    meta = report.meta
    rows = [
        ("suite", f"{meta.suite.path} (sha256 {meta.suite.sha256})"),
        ("code version", meta.code_version),
        ("package version", meta.package_version),
        ("python / platform", f"{meta.python} / {meta.platform} / {meta.cpus} CPUs"),
        ("seed", str(meta.seed)),
        ("started / finished", f"{meta.started_at} / {meta.finished_at}"),
        ("timings (s)", ", ".join(f"{k} {v}" for k, v in meta.timings.items())),
    ]
    rows += [
        (f"dataset {s.split}", f"{s.dataset.path} ({s.dataset.cases} cases, sha256 {s.dataset.sha256})")
        for s in report.splits
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td class='ids'>{escape(v)}</td></tr>" for k, v in rows)
    settings = escape(json.dumps(meta.settings, indent=2, sort_keys=True, default=str))
    return f"<section><h2>Run</h2><table><tbody>{body}</tbody></table><pre>{settings}</pre></section>"


def _ids(ids: Iterable[str]) -> str:
    return escape(", ".join(ids))


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "-"
