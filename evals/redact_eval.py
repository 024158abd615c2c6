"""Measure the identifier detector (`guardrails.redact`) on general PII text.

python -m evals.redact_eval                    # span precision / recall / F2, overall and per entity
python -m evals.redact_eval --errors           # list missed and false spans too

A gold span is found when a predicted span overlaps it; a predicted span is correct
when it overlaps a gold span (the PHI scorer's rule). "typed" also asks for the same
entity kind. F2 weighs recall twice as much as precision: a missed identifier leaks.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from evals.scoring import Counts
from guardrails.redact import RedactionResult, build_redactor

DATASET = Path(__file__).parent / "datasets" / "redact" / "general_pii.jsonl"
Span = tuple[str, int, int]


@dataclass
class RedactScore:
    overall: Counts = field(default_factory=Counts)
    typed: Counts = field(default_factory=Counts)
    per_entity: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    false: list[tuple[str, str, str]] = field(default_factory=list)


def _overlaps(a: Span, b: Span) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def score_case(case: dict[str, object], predicted: list[Span], result: RedactScore) -> None:
    text = str(case["text"])
    entities = case["entities"]
    assert isinstance(entities, list)
    gold: list[Span] = [(e["entity"], e["start"], e["end"]) for e in entities]
    for g in gold:
        hit = any(_overlaps(g, p) for p in predicted)
        typed_hit = any(_overlaps(g, p) and p[0] == g[0] for p in predicted)
        result.overall.tp += hit
        result.overall.fn += not hit
        result.typed.tp += typed_hit
        result.typed.fn += not typed_hit
        result.per_entity[g[0]].tp += hit
        result.per_entity[g[0]].fn += not hit
        if not hit:
            result.missed.append((str(case["id"]), g[0], text[g[1] : g[2]]))
    for p in predicted:
        if not any(_overlaps(p, g) for g in gold):
            result.overall.fp += 1
            result.typed.fp += 1
            result.per_entity[p[0]].fp += 1
            result.false.append((str(case["id"]), p[0], text[p[1] : p[2]]))
        elif not any(_overlaps(p, g) and p[0] == g[0] for g in gold):
            result.typed.fp += 1


def run(cases: list[dict[str, object]]) -> tuple[RedactScore, float]:
    redactor = build_redactor()
    started = time.perf_counter()
    results: list[RedactionResult] = list(redactor.redact_many(str(c["text"]) for c in cases))
    elapsed = time.perf_counter() - started
    score = RedactScore()
    for case, result in zip(cases, results, strict=True):
        predicted = [(e.entity.value, e.start, e.end) for e in result.entities]
        score_case(case, predicted, score)
    return score, elapsed


def _row(name: str, c: Counts) -> str:
    return f"{name:16} {c.precision:6.3f} {c.recall:6.3f} {c.f_beta(2):6.3f}  {c.tp:4} {c.fp:4} {c.fn:4}"


def render(score: RedactScore, cases: int, elapsed: float, errors: bool) -> str:
    lines = [
        f"{cases} texts in {elapsed:.2f} s",
        "",
        f"{'entity':16} {'P':>6} {'R':>6} {'F2':>6}    tp   fp   fn",
        _row("ALL (overlap)", score.overall),
        _row("ALL (typed)", score.typed),
        "",
    ]
    lines += [_row(entity, counts) for entity, counts in sorted(score.per_entity.items())]
    if errors:
        lines += ["", "missed:"] + [f"  {i:10} {e:15} {v!r}" for i, e, v in score.missed]
        lines += ["false:"] + [f"  {i:10} {e:15} {v!r}" for i, e, v in score.false]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--errors", action="store_true", help="list missed and false spans")
    args = parser.parse_args(argv)
    with args.dataset.open(encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle if line.strip()]
    score, elapsed = run(cases)
    sys.stdout.write(render(score, len(cases), elapsed, args.errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
