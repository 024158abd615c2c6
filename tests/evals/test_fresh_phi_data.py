"""The fresh PHI batch: its expanded file is exactly what its marked-up source expands to."""

from __future__ import annotations

import json
from pathlib import Path

from evals.datasets.guardrails.markup import expand, read_jsonl

DATA = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "guardrails"


def test_fresh_phi_batch_matches_its_source() -> None:
    with (DATA / "dev_fresh_phi.src.jsonl").open(encoding="utf-8") as handle:
        expected = [expand(source) for source in read_jsonl(handle)]
    with (DATA / "dev_fresh_phi.jsonl").open(encoding="utf-8") as handle:
        shipped = [json.loads(line) for line in handle if line.strip()]
    assert shipped == expected
    assert len(shipped) >= 120
    assert sum(1 for case in shipped if not case["labels"]) >= 30  # hard negatives


def test_fresh4_batch_matches_its_source() -> None:
    with (DATA / "dev_fresh4.src.jsonl").open(encoding="utf-8") as handle:
        expected = [expand(source) for source in read_jsonl(handle)]
    with (DATA / "dev_fresh4.jsonl").open(encoding="utf-8") as handle:
        shipped = [json.loads(line) for line in handle if line.strip()]
    assert shipped == expected
    assert sum(1 for case in shipped if not case["labels"]) >= 30  # hard negatives


def test_fresh6_batch_matches_its_source() -> None:
    with (DATA / "dev_fresh6.src.jsonl").open(encoding="utf-8") as handle:
        expected = [expand(source) for source in read_jsonl(handle)]
    with (DATA / "dev_fresh6.jsonl").open(encoding="utf-8") as handle:
        shipped = [json.loads(line) for line in handle if line.strip()]
    assert shipped == expected
    assert sum(1 for case in shipped if not case["labels"]) >= 30  # hard negatives
