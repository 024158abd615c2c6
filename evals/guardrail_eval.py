"""Measure the guardrails on a split of the labelled dataset.

python -m evals.guardrail_eval --split dev            # tune on this one
python -m evals.guardrail_eval --split test           # report targets on this one
python -m evals.guardrail_eval --split dev --errors phi
python -m evals.guardrail_eval --dataset evals/datasets/guardrails/dev_fresh_phi.jsonl   # one file

A split is every file the guardrail suite (evals/suites/guardrails.yaml) lists for it,
so batches written later (`also:`) count with the original split.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import cast

from evals.cases import EvalCase, load_cases
from evals.runner.loading import load_suite
from evals.scoring import GuardrailScore, score
from guardrails.factory import build_checker
from guardrails.findings import Category
from guardrails.rules.text_model import TEXT_MODEL_FAMILY


def split_cases(split: str) -> list[EvalCase]:
    loaded = load_suite("guardrails")
    (ref,) = loaded.datasets([split])
    return cast(list[EvalCase], loaded.load_split(ref))


def run(cases: list[EvalCase], *, rules_only: bool = False) -> tuple[GuardrailScore, float]:
    checker = build_checker()
    if rules_only:
        checker = checker.without([TEXT_MODEL_FAMILY])
    started = time.perf_counter()
    reports = list(checker.check_many((case.text, case.check_context()) for case in cases))
    elapsed = time.perf_counter() - started
    return score(cases, reports), elapsed


def render(result: GuardrailScore, elapsed: float) -> str:
    lines = [
        f"{result.cases} cases in {elapsed:.2f} s",
        "",
        f"{'category':24} {'P':>6} {'R':>6} {'F1':>6}  tp fp fn",
    ]
    for category, cat in result.categories.items():
        c = cat.counts
        if c.tp + c.fp + c.fn == 0:
            continue
        lines.append(
            f"{category.value:24} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}  {c.tp} {c.fp} {c.fn}"
        )
    spans = result.phi_spans
    lines += [
        "",
        f"PHI spans (overlap): precision {spans.precision:.3f} recall {spans.recall:.3f}",
        f"PHI spans (exact):   precision {spans.exact.precision:.3f} recall {spans.exact.recall:.3f}",
        "per entity recall: "
        + ", ".join(
            f"{entity} {counts.recall:.2f} ({counts.tp}/{counts.tp + counts.fn})"
            for entity, counts in sorted(spans.per_entity.items())
            if counts.tp + counts.fn  # entities seen only in false spans have no recall
        ),
        "false spans by entity: "
        + ", ".join(
            f"{entity} {counts.fp}" for entity, counts in sorted(spans.per_entity.items()) if counts.fp
        ),
    ]
    return "\n".join(lines)


def render_errors(result: GuardrailScore, category: Category, cases: list[EvalCase]) -> str:
    by_id = {case.id: case for case in cases}
    cat = result.categories[category]
    lines = [f"misses ({len(cat.misses)}): {', '.join(cat.misses)}"]
    lines.append(f"false alarms ({len(cat.false_alarms)}): {', '.join(cat.false_alarms)}")
    if category is Category.PHI:
        for case_id, start, end, entity in result.phi_spans.missed_spans:
            lines.append(f"  missed {entity:14} {case_id}: {by_id[case_id].text[start:end]!r}")
        for case_id, start, end in result.phi_spans.false_spans:
            lines.append(f"  false span        {case_id}: {by_id[case_id].text[start:end]!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--dataset", type=Path, help="one JSONL file instead of a split")
    parser.add_argument("--errors", action="append", default=[], help="category to list misses for")
    parser.add_argument(
        "--rules-only",
        action="store_true",
        help="without the text classifier: it was trained on dev, so tune rules on dev with this",
    )
    args = parser.parse_args(argv)
    cases = load_cases(args.dataset) if args.dataset else split_cases(args.split)
    result, elapsed = run(cases, rules_only=args.rules_only)
    sys.stdout.write(render(result, elapsed) + "\n")
    for name in args.errors:
        sys.stdout.write("\n" + render_errors(result, Category(name), cases) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
