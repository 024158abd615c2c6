"""Measure the identifier detector (`guardrails.redact`) on general PII text.

python -m evals.redact_eval                    # dev: span precision / recall / F2, overall and per entity
python -m evals.redact_eval --errors           # list missed and false spans too
python -m evals.redact_eval --split test       # the frozen split: report on it, never tune on it

A gold span is found when a predicted span overlaps it; a predicted span is correct
when it overlaps a gold span (the PHI scorer's rule). "typed" also asks for the same
entity kind. F2 weighs recall twice as much as precision: a missed identifier leaks.
The eval runner (`carepost eval run redact`) uses the same scoring.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from evals.scoring import Counts
from guardrails.findings import Entity
from guardrails.redact import RedactionResult, build_redactor

DATASET_DIR = Path(__file__).parent / "datasets" / "redact"
Span = tuple[str, int, int]


class GoldEntity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entity: Entity
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class RedactCase(BaseModel):
    """One line of a redact dataset: a text and every identifier in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    text: str
    entities: list[GoldEntity]
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _spans_inside_text(self) -> RedactCase:
        for e in self.entities:
            if not 0 <= e.start < e.end <= len(self.text):
                raise ValueError(f"entity span ({e.start}, {e.end}) outside the text of case {self.id}")
        return self


@dataclass
class RedactScore:
    overall: Counts = field(default_factory=Counts)
    typed: Counts = field(default_factory=Counts)
    per_entity: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    false: list[tuple[str, str, str]] = field(default_factory=list)
    # per case, in case order: (overall, typed) counts and the per-entity counts
    per_case: list[tuple[Counts, Counts]] = field(default_factory=list)
    per_case_entity: list[dict[str, Counts]] = field(default_factory=list)
    case_ids: list[str] = field(default_factory=list)


def _overlaps(a: Span, b: Span) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def score_case(case: RedactCase, predicted: list[Span], result: RedactScore) -> None:
    text = case.text
    gold: list[Span] = [(e.entity.value, e.start, e.end) for e in case.entities]
    overall, typed = Counts(), Counts()
    entity: dict[str, Counts] = defaultdict(Counts)
    for g in gold:
        hit = any(_overlaps(g, p) for p in predicted)
        typed_hit = any(_overlaps(g, p) and p[0] == g[0] for p in predicted)
        overall.tp += hit
        overall.fn += not hit
        typed.tp += typed_hit
        typed.fn += not typed_hit
        entity[g[0]].tp += hit
        entity[g[0]].fn += not hit
        if not hit:
            result.missed.append((case.id, g[0], text[g[1] : g[2]]))
    for p in predicted:
        if not any(_overlaps(p, g) for g in gold):
            overall.fp += 1
            typed.fp += 1
            entity[p[0]].fp += 1
            result.false.append((case.id, p[0], text[p[1] : p[2]]))
        elif not any(_overlaps(p, g) and p[0] == g[0] for g in gold):
            typed.fp += 1
    result.overall.add(overall)
    result.typed.add(typed)
    for name, counts in entity.items():
        result.per_entity[name].add(counts)
    result.per_case.append((overall, typed))
    result.per_case_entity.append(dict(entity))
    result.case_ids.append(case.id)


def score(cases: list[RedactCase], results: list[RedactionResult]) -> RedactScore:
    out = RedactScore()
    for case, result in zip(cases, results, strict=True):
        predicted = [(e.entity.value, e.start, e.end) for e in result.entities]
        score_case(case, predicted, out)
    return out


def load_cases(path: Path) -> list[RedactCase]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [RedactCase.model_validate(json.loads(line)) for line in lines if line.strip()]


def run(cases: list[RedactCase]) -> tuple[RedactScore, float]:
    redactor = build_redactor()
    started = time.perf_counter()
    results: list[RedactionResult] = list(redactor.redact_many(c.text for c in cases))
    elapsed = time.perf_counter() - started
    return score(cases, results), elapsed


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
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--dataset", type=Path, help="a JSONL file instead of a split")
    parser.add_argument("--errors", action="store_true", help="list missed and false spans")
    args = parser.parse_args(argv)
    cases = load_cases(args.dataset or DATASET_DIR / f"{args.split}.jsonl")
    score, elapsed = run(cases)
    sys.stdout.write(render(score, len(cases), elapsed, args.errors) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
