"""Train the guardrails' text classifier on the dev split, and measure it honestly first.

    .venv/bin/python -m evals.text_model           # cross-validate, then write the weights file
    .venv/bin/python -m evals.text_model --no-write

Cross-validation leaves out one dev file at a time (each file is a batch written apart from the
others), so every figure is on posts from a batch the model never saw. It reports the model
alone and the model added to the phrase rules (a model finding only where no rule found the
category), at the threshold stored in the file. The rules' own dev figures flatter them: they
were tuned on these posts. The weights file is then trained on all of dev but the files in
HELD_OUT, on which the shipped file is measured last. The frozen test split is never read
here. Needs scikit-learn (the `dev` extra).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from evals.cases import EvalCase
from evals.runner.loading import load_dataset, load_suite
from evals.scoring import Counts, counted
from guardrails.factory import build_checker
from guardrails.findings import Category
from guardrails.normalize import normalize
from guardrails.pipeline import Checker
from guardrails.rules.text_model import TEXT_MODEL_FAMILY
from guardrails.text_model import TEXT_MODEL, model_input

CATEGORIES = (Category.UNSUBSTANTIATED_CLAIM, Category.MISSING_DISCLAIMER)
# Where the model alone was right about 9 times in 10 in cross-validation (0.90 for claims,
# 0.94 for disclaimers at the last training): a lower bar adds more findings than it adds hits.
# Tried at 2569d77 and refused: a threshold per category, the lowest at which the findings the
# model adds to the rules' were right 85 times in 100 (at least 10) in this cross-validation.
# That chose none for claims (at 0.7 its additions were right 32 times and wrong 59) and 0.9 for
# disclaimers (16 right, 2 wrong). On test, claims went 0.778/0.933 -> 0.828/0.800 and
# disclaimers 0.842/1.000 -> 0.933/0.875: F1 fell for both, so guardrails-ci refused it.
THRESHOLD = 0.7
MIN_DF = 3  # a word or pair in fewer dev posts than this is noise, and would only grow the file
C = 4.0
# Dev files written after the shipped weights were trained: the model's own held-out check,
# reported by every run. A retrain that takes them in must pass guardrails-ci like any change
# (it has not: trained on all 5,410 dev cases, test claim precision fell from 0.757 to 0.718;
# on all 5,860 at 935c137, it fell from 0.778 to 0.737 while disclaimer precision rose from
# 0.842 to 0.941), so they stay out until one does.
HELD_OUT = frozenset(
    {
        "dev_fresh35",
        "dev_fresh36",
        "dev_fresh37",
        "dev_fresh38",
        "dev_fresh39",
        "dev_fresh40",
        "dev_fresh41",
        "dev_fresh42",
    }
)
OUT = Path(__file__).resolve().parent.parent / "guardrails" / "data" / TEXT_MODEL


def dev_batches(*, held_out: bool = False) -> tuple[list[tuple[str, EvalCase]], str]:
    """The dev cases the model trains on (or, with `held_out`, those kept from it), each with
    the name of its file, and one digest over the files' bytes."""
    loaded = load_suite("guardrails")
    (ref,) = loaded.datasets(["dev"])
    digest = hashlib.sha256()
    cases: list[tuple[str, EvalCase]] = []
    for path in loaded.dataset_paths(ref):
        if (path.stem in HELD_OUT) is not held_out:
            continue
        digest.update(path.read_bytes())
        cases += [(path.stem, cast(EvalCase, c)) for c in load_dataset(loaded.suite.target, path)]
    return cases, digest.hexdigest()


def inputs(cases: Sequence[EvalCase]) -> list[str]:
    return [model_input(normalize(c.text).text, c.content_type.value, c.platform.value) for c in cases]


def _fit(texts: list[str], labels: dict[Category, list[bool]]) -> tuple[Any, dict[Category, Any]]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    models = {
        category: LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(matrix, y)
        for category, y in labels.items()
    }
    return vectorizer, models


def cross_validate(
    batches: list[str], texts: list[str], labels: dict[Category, list[bool]]
) -> dict[Category, list[float]]:
    """Out-of-batch probabilities: each dev file scored by a model trained on the others."""
    scores = {category: [0.0] * len(texts) for category in labels}
    for held in sorted(set(batches)):
        train = [i for i, b in enumerate(batches) if b != held]
        test = [i for i, b in enumerate(batches) if b == held]
        vectorizer, models = _fit(
            [texts[i] for i in train], {c: [y[i] for i in train] for c, y in labels.items()}
        )
        matrix = vectorizer.transform([texts[i] for i in test])
        for category, model in models.items():
            for i, p in zip(test, model.predict_proba(matrix)[:, 1], strict=True):
                scores[category][i] = float(p)
    return scores


def rule_categories(checker: Checker, cases: Sequence[EvalCase]) -> list[set[Category]]:
    """The categories `checker` finds per case (block and warn)."""
    return [
        {f.category for f in counted(report.findings)}
        for report in checker.check_many((c.text, c.check_context()) for c in cases)
    ]


def _pr(predicted: list[bool], truth: list[bool]) -> str:
    pairs = list(zip(predicted, truth, strict=True))
    counts = Counts(
        tp=sum(p and t for p, t in pairs),
        fp=sum(p and not t for p, t in pairs),
        fn=sum(t and not p for p, t in pairs),
    )
    return f"P {counts.precision:.3f} R {counts.recall:.3f} (tp {counts.tp}, fp {counts.fp}, fn {counts.fn})"


def weights_file(vectorizer: Any, models: dict[Category, Any], trained_on: str) -> dict[str, Any]:
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return {
        "version": 1,
        "trained_on": trained_on,
        "vocabulary": vocabulary,
        "idf": [round(float(v), 6) for v in vectorizer.idf_],
        "categories": {
            category.value: {
                "threshold": THRESHOLD,
                "intercept": round(float(model.intercept_[0]), 6),
                "weights": [round(float(w), 6) for w in model.coef_[0]],
            }
            for category, model in models.items()
        },
    }


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-write", action="store_true", help="cross-validate only")
    args = parser.parse_args(argv)
    pairs, digest = dev_batches()
    batches = [b for b, _ in pairs]
    cases = [c for _, c in pairs]
    texts = inputs(cases)
    labels = {category: [category in c.categories for c in cases] for category in CATEGORIES}
    if not args.no_write:
        vectorizer, models = _fit(texts, labels)
        trained_on = f"dev split, {len(cases)} cases, sha256 {digest}"
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(weights_file(vectorizer, models, trained_on), separators=(",", ":")) + "\n")
        _say(f"wrote {OUT} ({len(vectorizer.vocabulary_)} terms), trained on {trained_on}")
    scores = cross_validate(batches, texts, labels)
    checker = build_checker()  # after writing: it loads the weights file just written
    rules_only = checker.without([TEXT_MODEL_FAMILY])
    rules = rule_categories(rules_only, cases)
    _say(f"leave-one-file-out over {len(set(batches))} dev files, threshold {THRESHOLD}:")
    for category in CATEGORIES:
        truth = labels[category]
        model = [p >= THRESHOLD for p in scores[category]]
        by_rules = [category in found for found in rules]
        _say(f"  {category.value}")
        _say(f"    rules alone      {_pr(by_rules, truth)}")
        _say(f"    model alone      {_pr(model, truth)}")
        _say(f"    rules or model   {_pr([r or m for r, m in zip(by_rules, model, strict=True)], truth)}")
    held = [c for _, c in dev_batches(held_out=True)[0]]
    if held:
        with_model = rule_categories(checker, held)
        alone = rule_categories(rules_only, held)
        _say(f"held out ({', '.join(sorted(HELD_OUT))}: {len(held)} cases), the shipped weights file:")
        for category in CATEGORIES:
            truth = [category in c.categories for c in held]
            _say(f"  {category.value}")
            _say(f"    rules alone      {_pr([category in f for f in alone], truth)}")
            _say(f"    rules or model   {_pr([category in f for f in with_model], truth)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
