"""Dataset files are validated line by line; errors name file and line and never echo the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.runner import EvalError, load_dataset, load_suite
from evals.schema import Target
from tests.evals.helpers import CASES, case, write_jsonl

SECRET = "Rosalind Quenby"  # a synthetic name that must never appear in an error message


def test_valid_dataset_loads(tmp_path: Path) -> None:
    cases = load_dataset(Target.GUARDRAILS, write_jsonl(tmp_path / "ok.jsonl", CASES))
    assert [c.id for c in cases] == [c["id"] for c in CASES]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({**case("x-1", f"{SECRET} visited"), "platform": "myspace"}, "platform"),
        (case("x-1", f"{SECRET} visited", {"category": "phi", "start": 0, "end": 400}), "outside the text"),
        (case("x-1", f"{SECRET} visited", {"category": "gossip"}), "labels.0.category"),
        ({**case("x-1", f"{SECRET} visited"), "note": SECRET}, "note"),
        ({"id": "x-1", "text": SECRET}, "labels"),
    ],
)
def test_invalid_guardrail_lines_name_the_line_not_the_text(
    tmp_path: Path, row: dict[str, object], expected: str
) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [CASES[0], row])
    with pytest.raises(EvalError) as caught:
        load_dataset(Target.GUARDRAILS, path)
    message = caught.value.message
    assert "bad.jsonl:2" in message
    assert expected in message
    assert "Rosalind" not in message
    assert "Quenby" not in message


def test_duplicate_ids_and_non_json_lines_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text(
        json.dumps(CASES[0]) + "\n" + json.dumps(CASES[0]) + "\n" + f"{{{SECRET}\n", encoding="utf-8"
    )
    with pytest.raises(EvalError) as caught:
        load_dataset(Target.GUARDRAILS, path)
    assert "dup.jsonl:2: duplicate case id ps-1" in caught.value.message
    assert "dup.jsonl:3: not JSON" in caught.value.message
    assert "Quenby" not in caught.value.message


def test_redact_and_retrieval_lines_are_validated(tmp_path: Path) -> None:
    redact = write_jsonl(
        tmp_path / "r.jsonl",
        [{"id": "p-1", "text": "hi", "entities": [{"entity": "NAME", "start": 0, "end": 2}]}],
    )
    with pytest.raises(EvalError, match=r"r\.jsonl:1:\n  entities\.0\.entity"):
        load_dataset(Target.REDACT, redact)
    retrieval = write_jsonl(tmp_path / "q.jsonl", [{"id": "q-1", "query": "x", "expected": []}])
    with pytest.raises(EvalError, match=r"q\.jsonl:1:\n  expected"):
        load_dataset(Target.RETRIEVAL, retrieval)


def test_empty_and_missing_datasets_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(EvalError, match="holds no cases"):
        load_dataset(Target.GUARDRAILS, tmp_path / "empty.jsonl")
    with pytest.raises(EvalError, match="dataset not found"):
        load_dataset(Target.GUARDRAILS, tmp_path / "absent.jsonl")


@pytest.mark.parametrize(("suite", "split"), [("guardrails", "dev"), ("redact", "dev"), ("retrieval", None)])
def test_shipped_datasets_validate(suite: str, split: str | None) -> None:
    # The frozen test splits are validated by the runner when it runs; tests do not read them.
    loaded = load_suite(suite)
    for ref in loaded.datasets([split] if split else None):
        assert loaded.load_split(ref)


def test_dev_split_includes_the_fresh_batch() -> None:
    loaded = load_suite("guardrails")
    (ref,) = loaded.datasets(["dev"])
    assert [p.name for p in loaded.dataset_paths(ref)] == [
        "dev.jsonl",
        "dev_fresh_phi.jsonl",
        "dev_fresh.jsonl",
        "dev_fresh2.jsonl",
        "dev_fresh3.jsonl",
        "dev_fresh4.jsonl",
        "dev_fresh6.jsonl",
        "dev_fresh7.jsonl",
        "dev_fresh8.jsonl",
        "dev_fresh9.jsonl",
        "dev_fresh10.jsonl",
        "dev_fresh11.jsonl",
        "dev_fresh12.jsonl",
        "dev_fresh13.jsonl",
        "dev_fresh14.jsonl",
        "dev_fresh15.jsonl",
        "dev_fresh16.jsonl",
        "dev_fresh17.jsonl",
        "dev_fresh18.jsonl",
        "dev_fresh19.jsonl",
        "dev_fresh20.jsonl",
        "dev_fresh21.jsonl",
        "dev_fresh22.jsonl",
        "dev_fresh23.jsonl",
        "dev_fresh24.jsonl",
        "dev_fresh25.jsonl",
        "dev_fresh26.jsonl",
        "dev_fresh27.jsonl",
        "dev_fresh28.jsonl",
        "dev_fresh29.jsonl",
        "dev_fresh30.jsonl",
        "dev_fresh31.jsonl",
        "dev_fresh32.jsonl",
        "dev_fresh33.jsonl",
        "dev_fresh34.jsonl",
        "dev_fresh35.jsonl",
        "dev_fresh36.jsonl",
        "dev_fresh37.jsonl",
        "dev_fresh38.jsonl",
        "dev_fresh39.jsonl",
        "dev_fresh40.jsonl",
        "dev_fresh41.jsonl",
        "dev_fresh42.jsonl",
    ]
