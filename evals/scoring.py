"""Score guardrail findings against labelled cases.

Per category, per case: a case is predicted positive for a category when any
`block` or `warn` finding of that category is present (`info` findings are
annotations and never count). PHI is also scored per span: a gold span is found
when a predicted PHI span overlaps it; a predicted span is correct when it
overlaps a gold span. Exact-match counts are reported beside the overlap ones.

Every count is also kept per case (in case order), so the eval runner can
resample cases for bootstrap confidence intervals without re-running a check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from evals.cases import EvalCase
from guardrails.findings import Category, CheckReport, Entity, Finding, Severity

COUNTED = frozenset({Severity.BLOCK, Severity.WARN})
UNSPECIFIED = "UNSPECIFIED"


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

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def triple(self) -> tuple[int, int, int]:
        return self.tp, self.fp, self.fn


@dataclass
class CategoryScore:
    counts: Counts = field(default_factory=Counts)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    per_case: list[tuple[int, int, int]] = field(default_factory=list)  # (tp, fp, fn), case order


@dataclass(frozen=True)
class SpanCase:
    """One case's PHI span counts: overlap recall, overlap precision and exact matching."""

    found: int = 0  # gold spans overlapped by a prediction
    missed: int = 0  # gold spans no prediction overlaps
    correct: int = 0  # predicted spans overlapping a gold span
    false: int = 0  # predicted spans overlapping none
    exact: tuple[int, int, int] = (0, 0, 0)  # (tp, fp, fn) with identical boundaries
    by_entity: tuple[tuple[str, int, int], ...] = ()  # (gold entity, found, missed): per-entity intervals


@dataclass
class SpanScore:
    recall_counts: Counts = field(default_factory=Counts)  # tp/fn over gold spans
    precision_counts: Counts = field(default_factory=Counts)  # tp/fp over predicted spans
    exact: Counts = field(default_factory=Counts)
    # recall side keyed by the gold label's entity, precision side (fp) by the finding's entity
    per_entity: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed_spans: list[tuple[str, int, int, str]] = field(default_factory=list)
    false_spans: list[tuple[str, int, int]] = field(default_factory=list)
    per_case: list[SpanCase] = field(default_factory=list)

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
    case_ids: list[str] = field(default_factory=list)


def counted(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity in COUNTED]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_spans(
    case: EvalCase,
    predicted: Sequence[tuple[int, int]],
    result: SpanScore,
    entities: Sequence[Entity | None] | None = None,
) -> SpanCase:
    """Add one case's PHI spans to `result`; `entities` (one per prediction) names false spans."""
    gold = [(label, label.span) for label in case.labels if label.category is Category.PHI and label.span]
    found = missed = correct = false = 0
    exact_tp = exact_fp = exact_fn = 0
    by_entity: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for label, span in gold:
        assert span is not None
        entity = label.entity.value if label.entity else UNSPECIFIED
        if any(_overlaps(span, p) for p in predicted):
            found += 1
            result.per_entity[entity].tp += 1
            by_entity[entity][0] += 1
        else:
            missed += 1
            result.per_entity[entity].fn += 1
            by_entity[entity][1] += 1
            result.missed_spans.append((case.id, span[0], span[1], entity))
        if span in predicted:
            exact_tp += 1
        else:
            exact_fn += 1
    gold_spans = [span for _, span in gold if span is not None]
    for index, span in enumerate(predicted):
        if any(_overlaps(span, g) for g in gold_spans):
            correct += 1
        else:
            false += 1
            result.false_spans.append((case.id, span[0], span[1]))
            entity_of = entities[index] if entities is not None else None
            result.per_entity[entity_of.value if entity_of else UNSPECIFIED].fp += 1
        if span not in gold_spans:
            exact_fp += 1
    outcome = SpanCase(
        found,
        missed,
        correct,
        false,
        (exact_tp, exact_fp, exact_fn),
        tuple((entity, f, m) for entity, (f, m) in sorted(by_entity.items())),
    )
    result.recall_counts.add(Counts(tp=found, fn=missed))
    result.precision_counts.add(Counts(tp=correct, fp=false))
    result.exact.add(Counts(tp=exact_tp, fp=exact_fp, fn=exact_fn))
    result.per_case.append(outcome)
    return outcome


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
            outcome = (0, 0, 0)
            if category in gold and category in predicted:
                outcome = (1, 0, 0)
            elif category in gold:
                outcome = (0, 0, 1)
                result.misses.append(case.id)
            elif category in predicted:
                outcome = (0, 1, 0)
                result.false_alarms.append(case.id)
            result.counts.add(Counts(*outcome))
            result.per_case.append(outcome)
        phi = [
            f for f in findings if f.category is Category.PHI and f.start is not None and f.end is not None
        ]
        score_spans(
            case,
            [(f.start, f.end) for f in phi if f.start is not None and f.end is not None],
            spans,
            [f.entity for f in phi],
        )
    return GuardrailScore(
        categories=categories, phi_spans=spans, cases=len(cases), case_ids=[case.id for case in cases]
    )
