"""The runner end to end on a suite the tests control, its report files, and `carepost eval run`."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import build_cli
from evals.report.html import render_html
from evals.report.model import RunReport
from evals.report.svg import SVG_NS
from evals.report.write import read_report, write_report
from evals.runner import load_suite, run_suite
from tests.evals.helpers import CASES, FakeChecker, guardrail_suite, write_jsonl

SVG = f"{{{SVG_NS}}}"


def _run(tmp_path: Path, *, weak: bool = False, recall: float = 0.6) -> RunReport:
    loaded = load_suite(str(guardrail_suite(tmp_path, recall=recall)))
    return run_suite(loaded, checker_factory=lambda: FakeChecker(weak=weak))


def test_passing_run_and_its_metadata(tmp_path: Path) -> None:
    report = _run(tmp_path)
    assert report.passed, [t.message for t in report.failures()]
    meta = report.meta
    suite_file, data_file = tmp_path / "suite.yaml", tmp_path / "mini.jsonl"
    assert meta.suite.sha256 == hashlib.sha256(suite_file.read_bytes()).hexdigest()
    (split,) = report.splits
    assert split.dataset.sha256 == hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert split.dataset.cases == len(CASES)
    assert meta.seed == 7
    assert meta.settings["bootstrap"] == {"samples": 200, "confidence": 0.95}
    assert meta.code_version.startswith(("git:", "carepost "))
    assert {"load_s", "total_s"} <= set(meta.timings)
    assert split.latency is not None
    assert sum(split.latency.histogram.counts) + split.latency.histogram.overflow == 6
    assert [t.metric for t in report.thresholds] == [
        "patient_status.precision",
        "patient_status.recall",
        "phi_spans.precision",
        "phi_spans.recall",
    ]


def test_same_seed_same_intervals(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = _run(tmp_path / "a"), _run(tmp_path / "b")
    assert first.splits[0].metrics["patient_status.recall"].ci_low is not None
    assert first.splits[0].metrics == second.splits[0].metrics


def test_weakened_checker_fails_naming_category_and_cases(tmp_path: Path) -> None:
    report = _run(tmp_path, weak=True)
    assert not report.passed
    (failed,) = report.failures()
    assert failed.metric == "patient_status.recall"
    assert failed.cases == ["ps-1", "ps-2", "ps-3"]
    assert "patient_status recall 0.000" in failed.message
    assert "ps-1, ps-2, ps-3" in failed.message


def test_report_files_round_trip_and_html_is_well_formed(tmp_path: Path) -> None:
    report = _run(tmp_path)
    json_path, html_path = write_report(report, tmp_path / "out")
    assert read_report(json_path) == report
    json.loads(json_path.read_text(encoding="utf-8"))
    html = html_path.read_text(encoding="utf-8")
    root = ET.fromstring(html)  # well-formed: every element closed, every label escaped
    assert root.tag == "html"
    assert "<script" not in html
    assert "http://" not in html.replace(SVG_NS, "")
    assert "https://" not in html
    charts = {svg.get("id"): svg for svg in root.iter(f"{SVG}svg")}
    chart = charts["per-category-chart-mini"]
    bars = [
        (r.get("data-group"), r.get("data-series"))
        for r in chart.iter(f"{SVG}rect")
        if r.get("class") == "bar"
    ]
    assert ("patient_status", "precision") in bars
    assert ("patient_status", "recall") in bars
    assert ("unsubstantiated_claim", "recall") in bars
    assert ("phi spans", "recall") in bars
    assert any(line.get("class") == "whisker" for line in chart.iter(f"{SVG}line"))
    assert any(line.get("class") == "floor" for line in chart.iter(f"{SVG}line"))
    assert "confusion-mini" in charts
    assert "latency-histogram-mini" in charts
    assert "So proud of our patient" not in html  # ids only, never case text


def test_html_escapes_hostile_ids(tmp_path: Path) -> None:
    rows = [dict(CASES[0], id='ps-<b>&"'), *CASES[1:]]
    loaded = load_suite(str(guardrail_suite(tmp_path, recall=1.0, rows=rows)))
    report = run_suite(loaded, checker_factory=FakeChecker)
    root = ET.fromstring(render_html(report))
    assert root.find(".//b") is None


@pytest.fixture
def fake_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI builds its checker itself; give it the fake one so the outcome is the test's."""
    monkeypatch.setattr("evals.runner.guardrails._build", lambda config: FakeChecker())


@pytest.mark.usefixtures("fake_rules")
def test_cli_run_exit_codes_and_messages(tmp_path: Path) -> None:
    suite = guardrail_suite(tmp_path, recall=0.9)  # the fake misses ps-3: recall 0.667 fails 0.9
    out = tmp_path / "out"
    result = CliRunner().invoke(
        build_cli(), ["eval", "run", str(suite), "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    assert (
        "FAIL  mini: patient_status recall 0.667, needs >= 0.900; missed in cases (1): ps-3" in result.output
    )
    assert "1 threshold(s) failed (mini patient_status.recall)" in result.output
    assert (out / "report.json").is_file()
    assert (out / "report.html").is_file()


def test_cli_run_refuses_bad_input_with_exit_2(tmp_path: Path) -> None:
    suite = guardrail_suite(tmp_path)
    runner = CliRunner()
    unknown_split = runner.invoke(build_cli(), ["eval", "run", str(suite), "--split", "holdout"])
    assert unknown_split.exit_code == 2
    assert "has no split holdout" in unknown_split.output
    missing = runner.invoke(build_cli(), ["eval", "run", "no-such-suite"])
    assert missing.exit_code == 2
    engine_elsewhere = runner.invoke(build_cli(), ["eval", "run", str(suite), "--engine", "llm"])
    assert engine_elsewhere.exit_code == 2
    assert "apply to drafting suites only" in engine_elsewhere.output


@pytest.mark.usefixtures("fake_rules")
def test_cli_run_passes_with_exit_0(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_cli(), ["eval", "run", str(guardrail_suite(tmp_path)), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "mini: PASSED" in result.output


def test_cli_run_with_a_bad_dataset_exits_2_without_echoing_text(tmp_path: Path) -> None:
    suite = guardrail_suite(tmp_path)
    write_jsonl(tmp_path / "mini.jsonl", [dict(CASES[0], platform="myspace", text="Secret Quenby")])
    result = CliRunner().invoke(build_cli(), ["eval", "run", str(suite)])
    assert result.exit_code == 2
    assert "mini.jsonl:1" in result.output
    assert "Quenby" not in result.output


@pytest.mark.parametrize("weak", [False, True])
def test_passing_state_follows_the_checker(tmp_path: Path, weak: bool) -> None:
    assert _run(tmp_path, weak=weak).passed is not weak
