"""Issue 8's acceptance test: weaken one real rule family and the real guardrail suite must fail,
naming the category and the cases. Scores move as rules are tuned, so nothing here depends on them:
with the family silenced, every case labelled with its category is a miss whatever the tuning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import build_cli
from evals.cases import EvalCase
from evals.runner import load_suite, run_suite
from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext
from guardrails.findings import Category, Finding
from guardrails.pipeline import Checker
from guardrails.rules.patient_status import PatientStatusFamily
from guardrails.rules.phi import PhiFamily
from tests.evals.helpers import write_jsonl, write_suite


def _silent(self: PatientStatusFamily, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
    del self, text, ctx
    yield from ()


_PHI_CHECK = PhiFamily.check


def _phi_without_status(self: PhiFamily, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
    # The phi family also reports a named patient's status; silence every patient_status rule.
    return (f for f in _PHI_CHECK(self, text, ctx) if f.category is not Category.PATIENT_STATUS)


@pytest.fixture
def weakened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PatientStatusFamily, "check", _silent)
    monkeypatch.setattr(PhiFamily, "check", _phi_without_status)


def _labelled(split: str) -> list[str]:
    loaded = load_suite("guardrails")
    (ref,) = loaded.datasets([split])
    cases = loaded.load_split(ref)
    return [c.id for c in cases if isinstance(c, EvalCase) and "patient_status" in c.categories]


@pytest.mark.slow
@pytest.mark.usefixtures("weakened")
def test_silenced_patient_status_family_fails_the_guardrail_suite(real_checker: Checker) -> None:
    labelled = _labelled("dev")
    assert len(labelled) >= 20  # the dev split has real patient_status cases to miss
    report = run_suite(load_suite("guardrails"), ["dev"], checker_factory=lambda: real_checker)
    assert not report.passed
    failed = {t.metric: t for t in report.failures()}
    recall = failed["patient_status.recall"]
    assert recall.value == 0.0
    assert recall.cases == labelled
    assert recall.message.startswith(
        f"dev: patient_status recall 0.000, needs >= 0.900; missed in cases ({len(labelled)}):"
    )
    assert ", ".join(labelled[:25]) in recall.message


@pytest.mark.usefixtures("weakened")
def test_cli_names_the_weakened_category_and_its_cases(tmp_path: Path) -> None:
    # the real checker through the real CLI, on a small suite of dev's patient_status cases
    loaded = load_suite("guardrails")
    (ref,) = loaded.datasets(["dev"])
    rows = [
        c.model_dump(mode="json", exclude_none=True)
        for c in loaded.load_split(ref)
        if isinstance(c, EvalCase) and "patient_status" in c.categories
    ][:8]
    write_jsonl(tmp_path / "ps.jsonl", rows)
    suite = write_suite(
        tmp_path,
        {
            "name": "ps",
            "target": "guardrails",
            "datasets": [{"split": "ps", "path": "ps.jsonl"}],
            "thresholds": {"categories": {"patient_status": {"recall": 0.9}}},
        },
    )
    result = CliRunner().invoke(build_cli(), ["eval", "run", str(suite), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    ids = ", ".join(row["id"] for row in rows)
    assert (
        f"FAIL  ps: patient_status recall 0.000, needs >= 0.900; missed in cases (8): {ids}" in result.output
    )
