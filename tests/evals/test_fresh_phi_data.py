"""The fresh dev batches written in marked-up form: each expanded file is exactly what its source
expands to, and each keeps enough hard negatives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.datasets.guardrails.markup import expand, read_jsonl

DATA = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "guardrails"


@pytest.mark.parametrize(
    ("batch", "at_least"),
    [
        ("dev_fresh_phi", 120),
        ("dev_fresh4", 90),
        ("dev_fresh6", 100),
        ("dev_fresh7", 130),
        ("dev_fresh8", 140),
        ("dev_fresh9", 120),
        ("dev_fresh10", 150),
        ("dev_fresh11", 140),
        ("dev_fresh12", 150),
        ("dev_fresh13", 150),
        ("dev_fresh14", 150),
        ("dev_fresh15", 150),
        ("dev_fresh16", 150),
        ("dev_fresh17", 150),
        ("dev_fresh18", 150),
        ("dev_fresh19", 150),
        ("dev_fresh20", 150),
        ("dev_fresh21", 150),
        ("dev_fresh22", 150),
        ("dev_fresh23", 150),
        ("dev_fresh24", 150),
        ("dev_fresh25", 150),
        ("dev_fresh26", 150),
        ("dev_fresh27", 150),
        ("dev_fresh28", 150),
        ("dev_fresh29", 150),
        ("dev_fresh30", 150),
        ("dev_fresh31", 150),
        ("dev_fresh32", 150),
        ("dev_fresh33", 150),
        ("dev_fresh34", 150),
        ("dev_fresh35", 150),
        ("dev_fresh36", 150),
        ("dev_fresh37", 150),
        ("dev_fresh38", 150),
        ("dev_fresh39", 150),
        ("dev_fresh40", 150),
        ("dev_fresh41", 150),
        ("dev_fresh42", 150),
    ],
)
def test_batch_matches_its_source(batch: str, at_least: int) -> None:
    with (DATA / f"{batch}.src.jsonl").open(encoding="utf-8") as handle:
        expected = [expand(source) for source in read_jsonl(handle)]
    with (DATA / f"{batch}.jsonl").open(encoding="utf-8") as handle:
        shipped = [json.loads(line) for line in handle if line.strip()]
    assert shipped == expected
    assert len(shipped) >= at_least
    assert sum(1 for case in shipped if not case["labels"]) >= 30  # hard negatives


def test_every_source_batch_is_checked() -> None:
    sources = sorted(path.name.removesuffix(".src.jsonl") for path in DATA.glob("*.src.jsonl"))
    assert sources == [
        "dev_fresh10",
        "dev_fresh11",
        "dev_fresh12",
        "dev_fresh13",
        "dev_fresh14",
        "dev_fresh15",
        "dev_fresh16",
        "dev_fresh17",
        "dev_fresh18",
        "dev_fresh19",
        "dev_fresh20",
        "dev_fresh21",
        "dev_fresh22",
        "dev_fresh23",
        "dev_fresh24",
        "dev_fresh25",
        "dev_fresh26",
        "dev_fresh27",
        "dev_fresh28",
        "dev_fresh29",
        "dev_fresh30",
        "dev_fresh31",
        "dev_fresh32",
        "dev_fresh33",
        "dev_fresh34",
        "dev_fresh35",
        "dev_fresh36",
        "dev_fresh37",
        "dev_fresh38",
        "dev_fresh39",
        "dev_fresh4",
        "dev_fresh40",
        "dev_fresh41",
        "dev_fresh42",
        "dev_fresh6",
        "dev_fresh7",
        "dev_fresh8",
        "dev_fresh9",
        "dev_fresh_phi",
    ]
