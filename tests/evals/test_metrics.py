"""Metrics on inputs the tests control: exact values, per-case counts, bootstrap intervals, thresholds."""

from __future__ import annotations

from typing import Any

import pytest

from evals.cases import EvalCase
from evals.metrics.bootstrap import Resampler, precision, recall
from evals.metrics.guardrails import guardrail_metrics
from evals.metrics.latency import histogram, summarise
from evals.metrics.redact import redact_metrics
from evals.metrics.retrieval import retrieval_metrics
from evals.metrics.thresholds import evaluate
from evals.redact_eval import RedactCase, score_case
from evals.redact_eval import RedactScore as RScore
from evals.report.model import DatasetInfo, MetricValue, SplitReport
from evals.retrieval_eval import RetrievalCase
from evals.retrieval_eval import score as retrieval_score
from evals.schema import Bound
from evals.scoring import score
from guardrails.context import CheckContext, ContentType, Platform
from guardrails.findings import Category
from tests.evals.helpers import CASES, FakeChecker

CTX = CheckContext.of(Platform.FACEBOOK, ContentType.POST, None)


def _scored(weak: bool = False) -> Any:
    cases = [EvalCase.model_validate(c) for c in CASES]
    checker = FakeChecker(weak=weak)
    return score(cases, [checker.check(c.text, CTX) for c in cases])


def test_per_case_counts_add_up_to_the_totals() -> None:
    result = _scored()
    for cat in result.categories.values():
        sums = [sum(column) for column in zip(*cat.per_case, strict=True)]
        assert tuple(sums) == cat.counts.triple()
    spans = result.phi_spans
    assert sum(s.found for s in spans.per_case) == spans.recall_counts.tp
    assert sum(s.false for s in spans.per_case) == spans.precision_counts.fp


def test_guardrail_metrics_values_and_case_ids() -> None:
    metrics = guardrail_metrics(_scored(), Resampler(len(CASES), samples=500, seed=1, confidence=0.95))
    m = metrics.metrics
    assert m["patient_status.recall"].value == pytest.approx(2 / 3)
    assert m["patient_status.recall"].cases == ["ps-3"]
    assert m["patient_status.precision"].value == 1.0
    assert m["unsubstantiated_claim.f1"].value == 1.0
    assert m["phi_spans.recall"].value == 1.0
    assert m["phi_spans.exact.recall"].value == 1.0
    assert m["phi_spans.MRN.recall"].support == 1
    confusion = metrics.confusion["patient_status"]
    assert (confusion.tp, confusion.fp, confusion.fn, confusion.tn) == (2, 0, 1, 3)
    assert confusion.misses == ["ps-3"]
    assert metrics.entities["MRN"].tp == 1


def test_weakened_checker_lists_every_miss() -> None:
    metrics = guardrail_metrics(_scored(weak=True), Resampler(len(CASES), samples=0, seed=1, confidence=0.95))
    recall_value = metrics.metrics["patient_status.recall"]
    assert recall_value.value == 0.0
    assert recall_value.cases == ["ps-1", "ps-2", "ps-3"]
    assert recall_value.ci_low is None  # samples: 0 turns intervals off


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    rows = [(1, 0, 0)] * 30 + [(0, 0, 1)] * 10 + [(0, 1, 0)] * 5 + [(0, 0, 0)] * 55
    intervals = [
        Resampler(len(rows), samples=800, seed=seed, confidence=0.9).interval(rows, recall(0, 2))
        for seed in (3, 3, 4)
    ]
    assert intervals[0] == intervals[1]
    assert intervals[0] != intervals[2]
    low, high = intervals[0] or (0.0, 0.0)
    assert low < 0.75 < high  # 30 / 40
    p = Resampler(len(rows), samples=800, seed=3, confidence=0.9).interval(rows, precision(0, 1))
    assert p is not None
    assert p[0] < 30 / 35 < p[1]


def test_precision_is_one_when_nothing_is_predicted_in_a_resample() -> None:
    rows = [(0, 0, 1)] * 10
    assert Resampler(10, samples=50, seed=1, confidence=0.95).interval(rows, precision(0, 1)) == (1.0, 1.0)


def _redact_case(case_id: str, text: str, *spans: tuple[str, int, int]) -> RedactCase:
    return RedactCase.model_validate(
        {"id": case_id, "text": text, "entities": [{"entity": e, "start": s, "end": t} for e, s, t in spans]}
    )


def test_redact_metrics_per_entity_and_f2() -> None:
    result = RScore()
    a = _redact_case("a", "Call Ann at 555-0100", ("PERSON", 5, 8), ("PHONE", 12, 20))
    b = _redact_case("b", "Email bo@example.com", ("EMAIL", 6, 20))
    score_case(a, [("PERSON", 5, 8)], result)  # phone missed
    score_case(b, [("EMAIL", 6, 20), ("PERSON", 0, 5)], result)  # one false person
    metrics = redact_metrics(result, Resampler(2, samples=100, seed=1, confidence=0.95))
    m = metrics.metrics
    assert m["overall.recall"].value == pytest.approx(2 / 3)
    assert m["overall.precision"].value == pytest.approx(2 / 3)
    assert m["overall.f2"].value == pytest.approx(2 / 3)
    assert m["PHONE.recall"].value == 0.0
    assert m["PHONE.recall"].cases == ["a"]
    assert m["PERSON.precision"].cases == ["b"]
    assert metrics.entities["PERSON"].false_alarms == ["b"]


def test_retrieval_recall_at_k_mrr_and_rank_histogram() -> None:
    cases = [
        RetrievalCase(id=f"q{i}", query="q", expected=[expected])
        for i, expected in enumerate(["a", "b", "c", "d"])
    ]
    rankings = [["a", "x"], ["x", "b"], ["x", "y", "z", "w", "v", "c"], ["x"]]
    result = retrieval_score(cases, rankings, k=5)
    metrics = retrieval_metrics(result, Resampler(4, samples=100, seed=1, confidence=0.95), depth=6)
    assert metrics.metrics["recall@5"].value == 0.5
    assert metrics.metrics["recall@5"].cases == ["q2", "q3"]
    assert metrics.metrics["mrr"].value == pytest.approx((1 + 1 / 2 + 1 / 6) / 4)
    assert metrics.ranks is not None
    assert metrics.ranks.counts == [1, 1, 0, 0, 0, 1]
    assert metrics.ranks.overflow == 1


def test_latency_summary_and_histogram_overflow() -> None:
    latency = summarise([0.010] * 98 + [0.012, 0.500])
    assert latency.p50 == pytest.approx(10.0)
    assert latency.max == pytest.approx(500.0)
    assert sum(latency.histogram.counts) + latency.histogram.overflow == 100
    assert latency.histogram.overflow >= 1
    hist = histogram([1.0, 2.0, 3.0], unit="ms", bins=4, top=4.0)
    assert hist.edges == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert hist.counts == [0, 1, 1, 1]


def _split(**metrics: MetricValue) -> SplitReport:
    info = DatasetInfo(split="s", path="s.jsonl", sha256="0" * 64, cases=3)
    return SplitReport(split="s", dataset=info, metrics=dict(metrics))


def test_thresholds_pass_fail_and_missing_metric() -> None:
    split = _split(
        **{
            "patient_status.recall": MetricValue(value=0.5, cases=["ps-1", "ps-3"]),
            "phi_spans.precision": MetricValue(value=0.95),
            "invented_identifier_rate": MetricValue(value=0.1, better="lower"),
        }
    )
    results = evaluate(
        [
            Bound(metric="patient_status.recall", value=0.9),
            Bound(metric="phi_spans.precision", value=0.9),
            Bound(metric="invented_identifier_rate", op="<=", value=0.05),
            Bound(metric="fair_balanse.recall", value=0.9),
        ],
        [split],
    )
    failing, passing, ceiling, missing = results
    assert not failing.passed
    assert failing.cases == ["ps-1", "ps-3"]
    assert failing.message == (
        "s: patient_status recall 0.500, needs >= 0.900; missed in cases (2): ps-1, ps-3"
    )
    assert passing.passed
    assert passing.cases == []
    assert not ceiling.passed
    assert not missing.passed
    assert missing.value is None
    assert "not produced" in missing.message


def test_long_case_lists_are_cut_in_the_message_but_kept_in_the_result() -> None:
    ids = [f"c-{i}" for i in range(40)]
    (result,) = evaluate(
        [Bound(metric="x.recall", value=1.0)], [_split(**{"x.recall": MetricValue(value=0.0, cases=ids)})]
    )
    assert result.cases == ids
    assert "c-24 and 15 more (see report.json)" in result.message
    assert "c-25" not in result.message


def test_category_enum_covers_every_category_metric() -> None:
    metrics = guardrail_metrics(_scored(), Resampler(len(CASES), samples=0, seed=1, confidence=0.95)).metrics
    for category in Category:
        assert {f"{category.value}.{k}" for k in ("precision", "recall", "f1")} <= set(metrics)


def test_per_entity_phi_recall_has_its_own_interval_over_cases() -> None:
    rows = [
        *CASES,
        {
            "id": "phi-2",
            "text": "Chart MRN 654321 and MRN 11 were merged.",
            "platform": "facebook",
            "content_type": "post",
            "labels": [
                {"category": "phi", "start": 6, "end": 16, "entity": "MRN"},
                {"category": "phi", "start": 21, "end": 27, "entity": "MRN"},  # too short for the fake
            ],
        },
    ]
    cases = [EvalCase.model_validate(c) for c in rows]
    checker = FakeChecker()
    result = score(cases, [checker.check(c.text, CTX) for c in cases])
    by_case = {cid: s.by_entity for cid, s in zip(result.case_ids, result.phi_spans.per_case, strict=True)}
    assert by_case["phi-1"] == (("MRN", 1, 0),)
    assert by_case["phi-2"] == (("MRN", 1, 1),)
    assert by_case["clean-1"] == ()
    mrn = guardrail_metrics(result, Resampler(len(cases), samples=500, seed=1, confidence=0.95)).metrics[
        "phi_spans.MRN.recall"
    ]
    assert mrn.value == pytest.approx(2 / 3)
    assert mrn.support == 3
    assert mrn.cases == ["phi-2"]
    assert mrn.ci_low is not None
    assert mrn.ci_high is not None
    assert mrn.ci_low <= mrn.value <= mrn.ci_high
    assert mrn.ci_low < mrn.ci_high  # resampling the two cases moves it
