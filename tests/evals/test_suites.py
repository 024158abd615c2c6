"""Suite files: the shipped ones validate (also against the published JSON Schema), bad ones are refused clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from evals.runner import EvalError, load_suite, run_suite
from evals.runner.loading import SUITES_DIR
from evals.schema import SCHEMA_DIR, GuardrailSuite, RedactSuite, RetrievalSuite, render, schemas, stale
from tests.evals.helpers import CASES, FakeChecker, write_jsonl, write_suite

SHIPPED = sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))


def test_checked_in_json_schemas_match_the_models() -> None:
    assert stale() == [], "run `python -m evals.schema` and commit evals/schemas/"
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(schemas())


def test_schema_check_notices_a_stale_file(tmp_path: Path) -> None:
    for name, schema in schemas().items():
        (tmp_path / name).write_text(render(schema), encoding="utf-8")
    assert stale(tmp_path) == []
    (tmp_path / "suite.schema.json").write_text("{}\n", encoding="utf-8")
    assert stale(tmp_path) == ["suite.schema.json"]


def test_the_suites_are_shipped() -> None:
    assert SHIPPED == [
        "drafting",
        "drafting-ci",
        "drafting-local",
        "drafting-local-ci",
        "guardrails",
        "guardrails-ci",
        "redact",
        "retrieval",
    ]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_suites_validate_against_the_published_schema(name: str) -> None:
    data = yaml.safe_load((SUITES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    as_json = json.loads(json.dumps(data, default=str))  # YAML dates become the strings JSON carries
    schema = json.loads((SCHEMA_DIR / "suite.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(as_json, schema)
    loaded = load_suite(name)
    for ref in loaded.suite.datasets:
        assert loaded.dataset_path(ref).is_file()


def test_guardrail_suite_carries_issue_3_targets() -> None:
    suite = load_suite("guardrails").suite
    assert isinstance(suite, GuardrailSuite)
    assert [d.split for d in suite.datasets] == ["dev", "test"]
    bounds = {b.metric: b.value for b in suite.bounds()}
    for category in ("patient_status", "fair_balance", "unsubstantiated_claim", "missing_disclaimer"):
        assert bounds[f"{category}.recall"] == 0.90
        assert bounds[f"{category}.precision"] == 0.85
    assert bounds["phi_spans.recall"] == 0.97
    assert bounds["phi_spans.precision"] == 0.90


def test_redact_and_retrieval_targets() -> None:
    redact, retrieval = load_suite("redact").suite, load_suite("retrieval").suite
    assert isinstance(redact, RedactSuite)
    assert isinstance(retrieval, RetrievalSuite)
    assert [(b.metric, b.op, b.value) for b in redact.bounds()] == [("overall.f2", ">=", 0.90)]
    assert [(b.metric, b.op, b.value) for b in retrieval.bounds()] == [("recall@5", ">=", 0.90)]


def _suite(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "mini",
        "target": "guardrails",
        "datasets": [{"split": "mini", "path": "mini.jsonl"}],
        "thresholds": {"categories": {"patient_status": {"recall": 0.9}}},
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"thresholds": {"categories": {"patient_status": {"recal": 0.9}}}}, "patient_status.recal"),
        ({"thresholds": {"categories": {"bedside_manner": {"recall": 0.9}}}}, "bedside_manner"),
        ({"thresholds": {"categories": {"patient_status": {"recall": 1.5}}}}, "less than or equal to 1"),
        ({"target": "vibes"}, "target"),
        ({"colour": "blue"}, "colour"),
        ({"datasets": []}, "datasets"),
        (
            {"datasets": [{"split": "a", "path": "x.jsonl"}, {"split": "a", "path": "y.jsonl"}]},
            "own split name",
        ),
        ({"name": "Has Spaces"}, "name"),
    ],
)
def test_invalid_suites_are_refused_naming_the_problem(
    tmp_path: Path, overrides: dict[str, Any], expected: str
) -> None:
    path = write_suite(tmp_path, _suite(**overrides))
    with pytest.raises(EvalError) as caught:
        load_suite(str(path))
    assert "invalid suite" in caught.value.message
    assert expected in caught.value.message


def test_unknown_metric_in_a_redact_floor_is_refused(tmp_path: Path) -> None:
    body = {
        "name": "r",
        "target": "redact",
        "datasets": [{"split": "a", "path": "a.jsonl"}],
        "thresholds": {"overall": {"f1": 0.9}},
    }
    with pytest.raises(EvalError, match=r"thresholds\.overall\.f1"):
        load_suite(str(write_suite(tmp_path, body)))


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ntarget: [guardrails\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"broken\.yaml:\d+: not valid YAML"):
        load_suite(str(path))


def test_unknown_suite_name_lists_the_named_suites() -> None:
    with pytest.raises(
        EvalError,
        match="named suites: drafting, drafting-ci, drafting-local, drafting-local-ci, guardrails, guardrails-ci, redact, retrieval",
    ):
        load_suite("nope")


def test_unknown_split_is_refused(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "mini.jsonl", CASES)
    loaded = load_suite(str(write_suite(tmp_path, _suite())))
    with pytest.raises(EvalError, match="has no split holdout"):
        run_suite(loaded, ["holdout"])


def test_drafting_suite_bounds_floors_ceilings_and_platforms(tmp_path: Path) -> None:
    body = {
        "name": "drafts",
        "target": "drafting",
        "datasets": [{"split": "briefs", "path": "briefs.jsonl"}],
        "settings": {"engine": "modular"},
        "thresholds": {
            "guardrail_pass_rate": 0.95,
            "invented_identifier_rate": 0.0,
            "platforms": {"x": {"blocked_rate": 0.1}},
        },
    }
    loaded = load_suite(str(write_suite(tmp_path, body)))
    assert [(b.metric, b.op) for b in loaded.suite.bounds()] == [
        ("guardrail_pass_rate", ">="),
        ("invented_identifier_rate", "<="),
        ("x.blocked_rate", "<="),
    ]


def test_drafting_suite_refuses_an_unknown_engine_and_platform(tmp_path: Path) -> None:
    for settings in ({"engine": "gpt"}, {"platforms": ["myspace"]}):
        body = {
            "name": "drafts",
            "target": "drafting",
            "datasets": [{"split": "briefs", "path": "briefs.jsonl"}],
            "settings": settings,
        }
        with pytest.raises(EvalError, match="invalid suite"):
            load_suite(str(write_suite(tmp_path, body)))


def test_a_split_gathers_its_also_files_in_order(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "mini.jsonl", CASES[:4])
    write_jsonl(tmp_path / "later.jsonl", CASES[4:])
    body = _suite(datasets=[{"split": "mini", "path": "mini.jsonl", "also": ["later.jsonl"]}])
    loaded = load_suite(str(write_suite(tmp_path, body)))
    (ref,) = loaded.datasets(["mini"])
    assert [getattr(c, "id", None) for c in loaded.load_split(ref)] == [c["id"] for c in CASES]
    report = run_suite(loaded, ["mini"], checker_factory=FakeChecker)
    assert report.splits[0].dataset.cases == len(CASES)
    assert report.splits[0].dataset.path == "mini.jsonl, later.jsonl"


def test_a_case_id_in_two_files_of_a_split_is_refused(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "mini.jsonl", CASES)
    write_jsonl(tmp_path / "later.jsonl", CASES[-1:])
    body = _suite(datasets=[{"split": "mini", "path": "mini.jsonl", "also": ["later.jsonl"]}])
    loaded = load_suite(str(write_suite(tmp_path, body)))
    (ref,) = loaded.datasets(["mini"])
    with pytest.raises(EvalError, match=r"clean-1 is in both mini\.jsonl and later\.jsonl"):
        loaded.load_split(ref)


def test_a_split_can_name_a_subset_of_its_cases(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "mini.jsonl", CASES)
    wanted = [CASES[3]["id"], CASES[1]["id"]]
    body = _suite(datasets=[{"split": "mini", "path": "mini.jsonl", "cases": wanted}])
    loaded = load_suite(str(write_suite(tmp_path, body)))
    (ref,) = loaded.datasets(["mini"])
    # the files' order, not the list's: reports stay comparable with a full run
    assert [getattr(c, "id", None) for c in loaded.load_split(ref)] == [CASES[1]["id"], CASES[3]["id"]]
    report = run_suite(loaded, ["mini"], checker_factory=FakeChecker)
    assert report.splits[0].dataset.cases == 2


def test_a_subset_naming_a_missing_case_is_refused(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "mini.jsonl", CASES)
    body = _suite(
        datasets=[{"split": "mini", "path": "mini.jsonl", "cases": [CASES[0]["id"], "no-such-case"]}]
    )
    loaded = load_suite(str(write_suite(tmp_path, body)))
    (ref,) = loaded.datasets(["mini"])
    with pytest.raises(EvalError, match="no case with id no-such-case"):
        loaded.load_split(ref)
