"""Split the expanded guardrail cases into `dev` and `test`, once, before any rule is tuned.

Stratified by each case's first category (or "clean") and source prefix, ordered
by a hash of the id, so the split is reproducible and both halves cover every
category. After the split `test.jsonl` is frozen: change a case there only to
fix a wrong label, and say why in the commit.

Usage: ``python -m evals.datasets.guardrails.split EXPANDED.jsonl OUT_DIR``
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def stratum(case: dict[str, Any]) -> str:
    categories = sorted({label["category"] for label in case["labels"]})
    prefix = case["id"].rsplit("-", 1)[0]
    return f"{prefix}:{categories[0] if categories else 'clean'}"


def split(cases: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        groups[stratum(case)].append(case)
    dev: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    for key in sorted(groups):
        ordered = sorted(groups[key], key=lambda c: hashlib.sha256(c["id"].encode()).hexdigest())
        for index, case in enumerate(ordered):
            (dev if index % 2 == 0 else test).append(case)
    by_id = {case["id"]: n for n, case in enumerate(cases)}
    return sorted(dev, key=lambda c: by_id[c["id"]]), sorted(test, key=lambda c: by_id[c["id"]])


def main(source: str, out_dir: str) -> None:
    with open(source, encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle if line.strip()]
    dev, test = split(cases)
    for name, part in (("dev", dev), ("test", test)):
        path = Path(out_dir) / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for case in part:
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
        print(f"{name}: {len(part)} cases -> {path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
