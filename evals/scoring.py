"""Score guardrail findings against labelled cases.

Per category, per case: a case is predicted positive for a category when any
`block` or `warn` finding of that category is present (`info` findings are
annotations and never count). PHI is also scored per span: a gold span is found
when a predicted PHI span overlaps it; a predicted span is correct when it
overlaps a gold span. Exact-match counts are reported beside the overlap ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from evals.cases import EvalCase
from guardrails.findings import Category, CheckReport, Finding, Severity

COUNTED = frozenset({Severity.BLOCK, Severity.WARN})


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def f_beta(self, beta: float) -> float:
        p, r = self.precision, self.recall
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


@dataclass
class CategoryScore:
    counts: Counts = field(default_factory=Counts)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)


@dataclass
class SpanScore:
    recall_counts: Counts = field(default_factory=Counts)  # tp/fn over gold spans
    precision_counts: Counts = field(default_factory=Counts)  # tp/fp over predicted spans
    exact: Counts = field(default_factory=Counts)
    per_entity: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed_spans: list[tuple[str, int, int, str]] = field(default_factory=list)
    false_spans: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.recall_counts.recall

    @property
    def precision(self) -> float:
        return self.precision_counts.precision


@dataclass
class GuardrailScore:
    categories: dict[Category, CategoryScore]
    phi_spans: SpanScore
    cases: int


def counted(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity in COUNTED]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_spans(case: EvalCase, predicted: Sequence[tuple[int, int]], result: SpanScore) -> None:
    gold = [(label, label.span) for label in case.labels if label.category is Category.PHI and label.span]
    for label, span in gold:
        assert span is not None
        entity = label.entity.value if label.entity else "UNSPECIFIED"
        if any(_overlaps(span, p) for p in predicted):
            result.recall_counts.tp += 1
            result.per_entity[entity].tp += 1
        else:
            result.recall_counts.fn += 1
            result.per_entity[entity].fn += 1
            result.missed_spans.append((case.id, span[0], span[1], entity))
        if span in predicted:
            result.exact.tp += 1
        else:
            result.exact.fn += 1
    gold_spans = [span for _, span in gold if span is not None]
    for span in predicted:
        if any(_overlaps(span, g) for g in gold_spans):
            result.precision_counts.tp += 1
        else:
            result.precision_counts.fp += 1
            result.false_spans.append((case.id, span[0], span[1]))
        if span not in gold_spans:
            result.exact.fp += 1


def score(cases: Sequence[EvalCase], reports: Sequence[CheckReport]) -> GuardrailScore:
    if len(cases) != len(reports):
        raise ValueError("one report per case is required")
    categories = {category: CategoryScore() for category in Category}
    spans = SpanScore()
    for case, report in zip(cases, reports, strict=True):
        findings = counted(report.findings)
        predicted = {finding.category for finding in findings}
        gold = case.categories
        for category, result in categories.items():
            if category in gold and category in predicted:
                result.counts.tp += 1
            elif category in gold:
                result.counts.fn += 1
                result.misses.append(case.id)
            elif category in predicted:
                result.counts.fp += 1
                result.false_alarms.append(case.id)
        phi_spans = [
            (f.start, f.end)
            for f in findings
            if f.category is Category.PHI and f.start is not None and f.end is not None
        ]
        score_spans(case, phi_spans, spans)
    return GuardrailScore(categories=categories, phi_spans=spans, cases=len(cases))
