"""The text classifier: scores as scikit-learn would, loads only a sound file, and only ever
adds a category no phrase rule found."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guardrails.analysis import AnalyzedText
from guardrails.config import ConfigError, GuardrailConfig
from guardrails.context import CheckContext
from guardrails.findings import Category, Finding, Severity
from guardrails.pipeline import Checker, instantiate_families
from guardrails.registry import Registry, RuleFamily, RuleResources, RuleSpec, UnknownRuleError
from guardrails.rules.text_model import TextModelFamily
from guardrails.text_model import load_text_classifier, model_input
from tests.guardrails.helpers import make_family, run_family

UNSUB = Category.UNSUBSTANTIATED_CLAIM.value
DISCLAIMER = Category.MISSING_DISCLAIMER.value


def _weights(
    path: Path, vocabulary: list[str], unsub: list[float], changes: dict[str, Any] | None = None
) -> str:
    """A hand-made weights file: `unsub` weights per term, disclaimers never above threshold."""
    data: dict[str, Any] = {
        "version": 1,
        "trained_on": "hand-made for a test",
        "vocabulary": vocabulary,
        "idf": [1.0] * len(vocabulary),
        "categories": {
            UNSUB: {"threshold": 0.7, "intercept": -2.0, "weights": unsub},
            DISCLAIMER: {"threshold": 0.7, "intercept": -9.0, "weights": [0.0] * len(vocabulary)},
        },
    }
    data.update(changes or {})
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_scores_match_scikit_learn(tmp_path: Path) -> None:
    from evals.text_model import _fit, weights_file

    texts = [
        "Our miracle cream erases wrinkles for good",
        "Guaranteed results in one visit, the best in town",
        "Flu shots are available Saturday at the main clinic",
        "Meet Dana, our new front desk lead",
        "Miracle results guaranteed, wrinkles gone in days",
        "Parking is free on weekends at the clinic",
    ] * 2
    labels = {Category.UNSUBSTANTIATED_CLAIM: [i % 6 in (0, 1, 4) for i in range(len(texts))]}
    vectorizer, models = _fit(texts, labels)
    model = models[Category.UNSUBSTANTIATED_CLAIM]
    weights = weights_file(vectorizer, models, "test")
    path = tmp_path / "model.json"
    path.write_text(json.dumps(weights), encoding="utf-8")
    classifier = load_text_classifier(str(path))
    # a repeated word: term frequency is 1 + log(count), not the count
    probes = [
        "Miracle cream, miracle results guaranteed, guaranteed!",
        "Free parking at the clinic",
        "nothing here",
    ]
    expected = model.predict_proba(vectorizer.transform(probes))[:, 1]
    for probe, p in zip(probes, expected, strict=True):
        assert classifier.probabilities(probe)[UNSUB] == pytest.approx(p, abs=1e-5)


def test_the_shipped_model_was_trained_on_the_current_dev_split() -> None:
    from evals.text_model import dev_batches

    cases, digest = dev_batches()
    trained_on = load_text_classifier().trained_on
    assert f"{len(cases)} cases" in trained_on
    assert digest in trained_on, "dev changed since training: run python -m evals.text_model"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"idf": [1.0]}, "one entry per vocabulary term"),
        ({"vocabulary": ["miracle", "miracle"]}, "repeats a term"),
        ({"version": 2}, "invalid"),
        ({"categories": {}}, "invalid"),
    ],
)
def test_a_bad_weights_file_refuses_to_load(tmp_path: Path, changes: dict[str, Any], why: str) -> None:
    path = _weights(tmp_path / "m.json", ["miracle", "cure"], [3.0, 3.0], changes)
    with pytest.raises(ConfigError, match=why):
        load_text_classifier(path)


def test_a_weights_file_that_is_not_json_refuses_to_load(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_text_classifier(str(path))


def test_a_model_without_a_category_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    _weights(path, ["miracle"], [3.0])
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["categories"][DISCLAIMER]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="no weights for missing_disclaimer"):
        make_family(TextModelFamily, model=str(path))


def test_the_finding_points_at_the_strongest_sentence(tmp_path: Path) -> None:
    family = make_family(TextModelFamily, model=_weights(tmp_path / "m.json", ["miracle"], [9.0]))
    text = "Visit us on Main Street. This miracle serum works. Open daily."
    (finding,) = run_family(family, text)
    assert finding.rule_id == "text_model.unsubstantiated_claim"
    assert finding.category is Category.UNSUBSTANTIATED_CLAIM
    assert finding.severity is Severity.WARN
    assert text[finding.start : finding.end] == "This miracle serum works."
    assert "probability" in finding.message
    assert run_family(family, "Visit us on Main Street. Open daily.") == []


def test_model_input_names_content_type_and_platform() -> None:
    assert model_input("Hello", "post", "x") == "__ct_post __pf_x Hello"


class Miracle(RuleFamily):
    """A phrase rule: 'miracle' is an unsubstantiated claim."""

    name = "miracle"
    specs = (RuleSpec("miracle.word", Category.UNSUBSTANTIATED_CLAIM, Severity.WARN, "", ""),)

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        start = text.text.find("miracle")
        if start >= 0:
            yield self.finding("miracle.word", "miracle", span=text.span(start, start + 7))


def _checker(model: str) -> Checker:
    registry = Registry([Miracle, TextModelFamily])
    config = GuardrailConfig.model_validate(
        {"version": 1, "families": {"miracle": {}, "text_model": {"options": {"model": model}}}}
    )
    families = instantiate_families(config, registry)
    for family in families:
        family.prepare(RuleResources(nlp=None))
    return Checker(families, nlp=None, language_gate=None)


def test_a_fallback_finding_is_dropped_where_a_rule_found_the_category(tmp_path: Path) -> None:
    checker = _checker(_weights(tmp_path / "m.json", ["miracle", "wonder"], [9.0, 9.0]))
    ctx = CheckContext.of("facebook", "post")
    by_rule = checker.check("A miracle serum.", ctx)
    assert [f.rule_id for f in by_rule.findings] == ["miracle.word"]
    by_model = checker.check("A wonder serum.", ctx)
    assert [f.rule_id for f in by_model.findings] == ["text_model.unsubstantiated_claim"]


def test_without_drops_a_family_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    checker = _checker(_weights(tmp_path / "m.json", ["wonder"], [9.0]))
    ctx = CheckContext.of("facebook", "post")
    assert checker.without(["text_model"]).check("A wonder serum.", ctx).findings == []
    with pytest.raises(UnknownRuleError, match="text_modle"):
        checker.without(["text_modle"])
