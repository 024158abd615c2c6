"""`carepost eval compare A.json B.json`: what got worse and what got better from run A to run B.

Metrics are matched by split and name. A change larger than the tolerance in
the metric's worse direction is a regression; the cases behind it (new misses,
new false alarms) are listed, and so are the cases B fixed. A change that stays
inside A's bootstrap interval is marked, since it may be noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from evals.report.model import MetricValue, RunReport

Kind = Literal["regression", "improvement", "same"]


@dataclass(frozen=True)
class Change:
    split: str
    metric: str
    before: float
    after: float
    kind: Kind
    within_interval: bool
    new_cases: list[str] = field(default_factory=list)
    fixed_cases: list[str] = field(default_factory=list)

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class GateChange:
    split: str
    metric: str
    before: bool | None  # None: the gate did not exist in that run
    after: bool | None


@dataclass
class Comparison:
    changes: list[Change] = field(default_factory=list)
    gates: list[GateChange] = field(default_factory=list)
    only_before: list[str] = field(default_factory=list)
    only_after: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    latency: list[tuple[str, float, float]] = field(default_factory=list)  # split, p50 before, after

    def of(self, kind: Kind) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


def compare(before: RunReport, after: RunReport, *, tolerance: float = 0.0) -> Comparison:
    out = Comparison()
    a_meta, b_meta = before.meta, after.meta
    if (a_meta.suite.name, a_meta.suite.target) != (b_meta.suite.name, b_meta.suite.target):
        out.notes.append(
            f"different suites: {a_meta.suite.name} ({a_meta.suite.target}) vs "
            f"{b_meta.suite.name} ({b_meta.suite.target})"
        )
    elif a_meta.suite.sha256 != b_meta.suite.sha256:
        out.notes.append("the suite file changed between the runs (settings or thresholds may differ)")
    b_splits = {s.split: s for s in after.splits}
    for split_a in before.splits:
        split_b = b_splits.get(split_a.split)
        if split_b is None:
            out.only_before.append(f"split {split_a.split}")
            continue
        if split_a.dataset.sha256 != split_b.dataset.sha256:
            out.notes.append(
                f"split {split_a.split}: the dataset changed ({split_a.dataset.cases} -> "
                f"{split_b.dataset.cases} cases); differences mix data and code"
            )
        for name, a in split_a.metrics.items():
            b = split_b.metrics.get(name)
            if b is None:
                out.only_before.append(f"{split_a.split}: {name}")
                continue
            out.changes.append(_change(split_a.split, name, a, b, tolerance))
        out.only_after += [f"{split_a.split}: {n}" for n in split_b.metrics if n not in split_a.metrics]
        if split_a.latency is not None and split_b.latency is not None:
            out.latency.append((split_a.split, split_a.latency.p50, split_b.latency.p50))
    a_splits = {s.split for s in before.splits}
    out.only_after += [f"split {s.split}" for s in after.splits if s.split not in a_splits]
    a_gates = {(t.split, t.metric): t.passed for t in before.thresholds}
    b_gates = {(t.split, t.metric): t.passed for t in after.thresholds}
    for key in dict.fromkeys([*a_gates, *b_gates]):
        if a_gates.get(key) != b_gates.get(key):
            out.gates.append(GateChange(key[0], key[1], a_gates.get(key), b_gates.get(key)))
    return out


def _change(split: str, name: str, a: MetricValue, b: MetricValue, tolerance: float) -> Change:
    delta = b.value - a.value
    sign = 1.0 if a.better == "higher" else -1.0
    kind: Kind = "same"
    if sign * delta > tolerance:
        kind = "improvement"
    elif sign * delta < -tolerance:
        kind = "regression"
    within = a.ci_low is not None and a.ci_high is not None and a.ci_low <= b.value <= a.ci_high
    before_cases, after_cases = set(a.cases), set(b.cases)
    return Change(
        split=split,
        metric=name,
        before=a.value,
        after=b.value,
        kind=kind,
        within_interval=within,
        new_cases=[c for c in b.cases if c not in before_cases],
        fixed_cases=[c for c in a.cases if c not in after_cases],
    )


def render_comparison(comparison: Comparison, before: str, after: str, *, show_same: bool = False) -> str:
    lines = [f"A: {before}", f"B: {after}"]
    lines += [f"note: {n}" for n in comparison.notes]
    for gate in comparison.gates:
        lines.append(
            f"gate {gate.split} {gate.metric}: {_gate(gate.before)} -> {_gate(gate.after)}"
            + ("  (NEWLY FAILING)" if gate.before is not False and gate.after is False else "")
        )
    sections: list[tuple[str, list[Change]]] = [
        ("regressions", comparison.of("regression")),
        ("improvements", comparison.of("improvement")),
    ]
    if show_same:
        sections.append(("unchanged", comparison.of("same")))
    for title, changes in sections:
        lines += ["", f"{title} ({len(changes)}):"]
        if changes:
            lines.append(f"  {'split':12} {'metric':38} {'A':>7} {'B':>7} {'delta':>8}")
        for c in changes:
            noise = "  (inside A's interval)" if c.within_interval and c.kind != "same" else ""
            lines.append(
                f"  {c.split:12} {c.metric:38} {c.before:7.3f} {c.after:7.3f} {c.delta:+8.3f}{noise}"
            )
            if c.kind != "same" and c.new_cases:
                lines.append(f"      new cases: {', '.join(c.new_cases)}")
            if c.kind != "same" and c.fixed_cases:
                lines.append(f"      fixed cases: {', '.join(c.fixed_cases)}")
    if not show_same:
        lines += ["", f"unchanged: {len(comparison.of('same'))} metrics"]
    for split, p50_a, p50_b in comparison.latency:
        lines.append(f"latency {split}: p50 {p50_a:.1f} ms -> {p50_b:.1f} ms")
    if comparison.only_before:
        lines.append("only in A: " + ", ".join(comparison.only_before))
    if comparison.only_after:
        lines.append("only in B: " + ", ".join(comparison.only_after))
    return "\n".join(lines)


def _gate(passed: bool | None) -> str:
    return {True: "pass", False: "FAIL", None: "absent"}[passed]
