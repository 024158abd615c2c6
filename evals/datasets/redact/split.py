"""Split the identifier detector's cases into `dev` and a frozen `test`, once.

Stratified by entity kind: each case joins the stratum of the rarest entity kind
it holds (cases with no identifier form their own stratum), so the rare kinds
reach both halves. Inside a stratum cases are ordered by a seeded hash of their
id and dealt alternately; the deal carries on from one stratum to the next so
single-case strata do not all land in `dev`. The same seed and source give the
same split. After the split `test.jsonl` is frozen: tune on `dev` only, and
change a test case only to fix a wrong label, saying why in the commit.

Usage: ``python -m evals.datasets.redact.split SRC.jsonl OUT_DIR [--seed N]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from evals.datasets.guardrails.markup import read_jsonl
from evals.datasets.redact.expand import expand

SEED = 20261128
NO_IDENTIFIER = "(none)"


def stratum(case: dict[str, Any], frequency: Counter[str]) -> str:
    kinds: set[str] = {e["entity"] for e in case["entities"]}
    if not kinds:
        return NO_IDENTIFIER
    return min(kinds, key=lambda kind: (frequency[kind], kind))


def split(cases: list[dict[str, Any]], seed: int = SEED) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    frequency = Counter(e["entity"] for case in cases for e in case["entities"])
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        groups[stratum(case, frequency)].append(case)
    halves: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    turn = 0
    for key in sorted(groups, key=lambda k: (len(groups[k]), k)):
        ordered = sorted(groups[key], key=lambda c: hashlib.sha256(f"{seed}:{c['id']}".encode()).hexdigest())
        for case in ordered:
            halves[turn % 2].append(case)
            turn += 1
    order = {case["id"]: n for n, case in enumerate(cases)}
    dev, test = (sorted(half, key=lambda c: order[c["id"]]) for half in halves)
    return dev, test


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    with args.source.open(encoding="utf-8") as handle:
        cases = [expand(source) for source in read_jsonl(handle)]
    for name, part in zip(("dev", "test"), split(cases, args.seed), strict=True):
        path = args.out_dir / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for case in part:
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
        print(f"{name}: {len(part)} cases -> {path}")


if __name__ == "__main__":
    main()
