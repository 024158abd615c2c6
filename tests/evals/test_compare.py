"""`carepost eval compare`: regressions, improvements, gate changes and the cases behind them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import build_cli
from evals.report.compare import compare, render_comparison
from evals.report.model import RunReport
from evals.report.write import write_report
from evals.runner import load_suite, run_suite
from tests.evals.helpers import FakeChecker, guardrail_suite


def _report(directory: Path, *, weak: bool) -> RunReport:
    directory.mkdir()
    return run_suite(
        load_suite(str(guardrail_suite(directory))), checker_factory=lambda: FakeChecker(weak=weak)
    )


def test_regression_and_improvement_are_found_with_their_cases(tmp_path: Path) -> None:
    good, weak = _report(tmp_path / "good", weak=False), _report(tmp_path / "weak", weak=True)
    worse = compare(good, weak)
    regressed = {c.metric: c for c in worse.of("regression")}
    assert set(regressed) == {"patient_status.recall", "patient_status.f1"}
    assert regressed["patient_status.recall"].new_cases == ["ps-1", "ps-2"]
    assert regressed["patient_status.recall"].delta < 0
    assert worse.of("improvement") == []
    assert [(g.metric, g.before, g.after) for g in worse.gates] == [("patient_status.recall", True, False)]
    better = compare(weak, good)
    improved = {c.metric: c for c in better.of("improvement")}
    assert improved["patient_status.recall"].fixed_cases == ["ps-1", "ps-2"]
    assert better.of("regression") == []
    assert compare(good, good).of("regression") == compare(good, good).of("improvement") == []


def test_rendered_comparison_names_the_metric_and_cases(tmp_path: Path) -> None:
    good, weak = _report(tmp_path / "good", weak=False), _report(tmp_path / "weak", weak=True)
    text = render_comparison(compare(good, weak), "A.json", "B.json")
    assert "gate mini patient_status.recall: pass -> FAIL  (NEWLY FAILING)" in text
    assert "regressions (2):" in text
    assert "patient_status.recall" in text
    assert "-0.667" in text
    assert "new cases: ps-1, ps-2" in text
    assert "improvements (0):" in text


def test_changed_dataset_is_noted(tmp_path: Path) -> None:
    good = _report(tmp_path / "good", weak=False)
    changed = good.model_copy(deep=True)
    changed.splits[0].dataset.sha256 = "f" * 64
    assert any("dataset changed" in note for note in compare(good, changed).notes)


def test_cli_compare_and_fail_on_regression(tmp_path: Path) -> None:
    good, weak = _report(tmp_path / "good", weak=False), _report(tmp_path / "weak", weak=True)
    a, _ = write_report(good, tmp_path / "a")
    b, _ = write_report(weak, tmp_path / "b")
    runner = CliRunner()
    shown = runner.invoke(build_cli(), ["eval", "compare", str(a), str(b)])
    assert shown.exit_code == 0, shown.output
    assert "regressions (2):" in shown.output
    gated = runner.invoke(build_cli(), ["eval", "compare", str(a), str(b), "--fail-on-regression"])
    assert gated.exit_code == 1
    fine = runner.invoke(build_cli(), ["eval", "compare", str(b), str(a), "--fail-on-regression"])
    assert fine.exit_code == 0
    (tmp_path / "junk.json").write_text("{}", encoding="utf-8")
    junk = runner.invoke(build_cli(), ["eval", "compare", str(a), str(tmp_path / "junk.json")])
    assert junk.exit_code == 2
    assert "not an eval report.json" in junk.output
