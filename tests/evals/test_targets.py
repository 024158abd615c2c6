"""The redact and retrieval runners, with fakes the tests control and (redact) the real detector."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from evals.runner import EvalError, load_suite, run_suite
from guardrails.findings import Entity
from guardrails.redact import RedactedEntity, RedactionResult
from tests.evals.helpers import write_jsonl, write_suite

REDACT_ROWS: list[dict[str, Any]] = [
    {
        "id": "p-1",
        "text": "Call Ann at 555-0100",
        "entities": [{"entity": "PERSON", "start": 5, "end": 8}, {"entity": "PHONE", "start": 12, "end": 20}],
    },
    {"id": "p-2", "text": "Nothing here", "entities": []},
]


class FakeRedactor:
    """Finds 'Ann' only: the phone number of p-1 is a miss."""

    def redact_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[RedactionResult]:
        del batch_size
        for text in texts:
            start = text.find("Ann")
            entities = (
                [RedactedEntity(entity=Entity.PERSON, start=start, end=start + 3)] if start >= 0 else []
            )
            yield RedactionResult(text=text, entities=entities)


def _redact_suite(tmp_path: Path, f2: float) -> Path:
    write_jsonl(tmp_path / "pii.jsonl", REDACT_ROWS)
    return write_suite(
        tmp_path,
        {
            "name": "pii",
            "target": "redact",
            "datasets": [{"split": "pii", "path": "pii.jsonl"}],
            "settings": {"batch_size": 1},
            "thresholds": {"overall": {"f2": f2}, "entities": {"PHONE": {"recall": 0.5}}},
        },
    )


def test_redact_runner_scores_and_gates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("guardrails.redact.build_redactor", FakeRedactor)
    report = run_suite(load_suite(str(_redact_suite(tmp_path, f2=0.5))))
    (split,) = report.splits
    assert split.metrics["overall.recall"].value == 0.5
    assert split.metrics["overall.precision"].value == 1.0
    assert split.metrics["overall.f2"].value == pytest.approx(5 * 0.5 / (4 + 0.5))
    assert split.entities["PHONE"].misses == ["p-1"]
    assert [(t.metric, t.passed) for t in report.thresholds] == [
        ("overall.f2", True),
        ("PHONE.recall", False),
    ]
    assert report.failures()[0].message == "pii: PHONE recall 0.000, needs >= 0.500; missed in cases (1): p-1"
    assert report.meta.settings["batch_size"] == 1


@pytest.mark.slow
def test_shipped_redact_suite_runs_with_the_real_detector() -> None:
    # dev only: the frozen test split is measured by hand, not on every test run
    report = run_suite(load_suite("redact"), ["dev"])
    (split,) = report.splits
    assert split.dataset.cases >= 50
    f2 = split.metrics["overall.f2"]
    assert 0.0 <= f2.value <= 1.0
    assert f2.ci_low is not None
    assert f2.ci_high is not None
    assert f2.ci_low <= f2.value <= f2.ci_high
    assert {"PERSON", "EMAIL", "PHONE"} <= set(split.entities)
    (gate,) = report.thresholds
    assert gate.metric == "overall.f2"
    assert gate.passed == (f2.value >= 0.90)


class _Bundle:
    def __init__(self, ids: list[str]) -> None:
        self._ids = ids

    def doc_ids(self) -> list[str]:
        return self._ids


class _Store:
    def doc_ids(self, org: str) -> set[str]:
        del org
        return {"policy-a", "policy-b", "policy-c"}


class FakeKnowledgeBase:
    def __init__(self) -> None:
        self.store = _Store()
        self.rankings = {
            "first": ["policy-a", "policy-b"],
            "second": ["policy-a", "policy-b"],
            "lost": ["policy-a"],
        }

    def retrieve(self, org: str, query: str, **options: Any) -> _Bundle:
        del org, options
        return _Bundle(self.rankings[query])


@contextmanager
def _fake_pack(on: date) -> Iterator[FakeKnowledgeBase]:
    del on
    yield FakeKnowledgeBase()


def _retrieval_suite(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    write_jsonl(tmp_path / "q.jsonl", rows)
    return write_suite(
        tmp_path,
        {
            "name": "q",
            "target": "retrieval",
            "datasets": [{"split": "q", "path": "q.jsonl"}],
            "settings": {"k": 1, "depth": 3, "as_of": "2026-01-01"},
            "thresholds": {"recall_at_k": 0.5, "mrr": 0.6},
        },
    )


def test_retrieval_runner_scores_and_gates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("evals.runner.retrieval.pack_knowledge_base", _fake_pack)
    rows = [
        {"id": "q1", "query": "first", "expected": ["policy-a"]},
        {"id": "q2", "query": "second", "expected": ["policy-b"]},
        {"id": "q3", "query": "lost", "expected": ["policy-c"]},
    ]
    report = run_suite(load_suite(str(_retrieval_suite(tmp_path, rows))))
    (split,) = report.splits
    assert split.metrics["recall@1"].value == pytest.approx(1 / 3)
    assert split.metrics["recall@1"].cases == ["q2", "q3"]
    assert split.metrics["mrr"].value == pytest.approx(0.5)
    assert split.ranks is not None
    assert split.ranks.counts == [1, 1, 0]
    assert split.ranks.overflow == 1
    assert [(t.metric, t.passed) for t in report.thresholds] == [("recall@1", False), ("mrr", False)]
    assert report.meta.settings["as_of"] == "2026-01-01"


def test_retrieval_runner_refuses_unknown_expected_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("evals.runner.retrieval.pack_knowledge_base", _fake_pack)
    suite = _retrieval_suite(tmp_path, [{"id": "q1", "query": "first", "expected": ["policy-typo"]}])
    with pytest.raises(EvalError, match="not in the pack: policy-typo"):
        run_suite(load_suite(str(suite)))
