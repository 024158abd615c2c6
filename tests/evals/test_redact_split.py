"""The identifier detector's dev/test split: seeded, stratified by entity kind, disjoint and complete."""

from __future__ import annotations

from typing import Any

from evals.datasets.redact.split import split


def _case(case_id: str, *kinds: str) -> dict[str, Any]:
    return {"id": case_id, "text": "x", "entities": [{"entity": k, "start": 0, "end": 1} for k in kinds]}


CASES = [
    *(_case(f"p{n}", "PERSON") for n in range(10)),
    *(_case(f"e{n}", "PERSON", "EMAIL") for n in range(4)),
    _case("s1", "SSN", "PERSON"),
    _case("s2", "SSN"),
    _case("m1", "MRN"),
    _case("d1", "DEVICE_ID"),
    *(_case(f"c{n}") for n in range(4)),
]


def test_split_is_disjoint_complete_and_keeps_source_order() -> None:
    dev, test = split(CASES)
    ids = [c["id"] for c in CASES]
    assert sorted(c["id"] for c in dev + test) == sorted(ids)
    assert not {c["id"] for c in dev} & {c["id"] for c in test}
    assert [c["id"] for c in dev] == [i for i in ids if i in {c["id"] for c in dev}]


def test_every_kind_with_two_cases_reaches_both_halves() -> None:
    dev, test = split(CASES)
    for kind in ("PERSON", "EMAIL", "SSN"):
        assert any(kind in {e["entity"] for e in c["entities"]} for c in dev), kind
        assert any(kind in {e["entity"] for e in c["entities"]} for c in test), kind
    assert {c["id"] for c in dev + test if not c["entities"]} == {"c0", "c1", "c2", "c3"}
    assert sum(1 for c in dev if not c["entities"]) == 2
    # single-case strata alternate instead of all landing in dev
    singles = {"m1", "d1"}
    assert len(singles & {c["id"] for c in dev}) == 1


def test_same_seed_same_split_other_seed_other_split() -> None:
    assert split(CASES, seed=1) == split(CASES, seed=1)
    first = {c["id"] for c in split(CASES, seed=1)[0]}
    assert any({c["id"] for c in split(CASES, seed=s)[0]} != first for s in range(2, 6))
    assert abs(len(split(CASES)[0]) - len(split(CASES)[1])) <= 1
