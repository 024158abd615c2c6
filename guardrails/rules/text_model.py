"""The text classifier's findings: claims and missing disclaimers the phrase rules did not see.

A fallback family: the checker keeps its finding for a category only when no other family
found that category in the text, so it adds recall without doubling findings. Its finding
points at the sentence the model scores highest, and says that a statistical model raised it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from guardrails.analysis import AnalyzedText
from guardrails.config import ConfigError
from guardrails.context import CheckContext
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.claim_text import sentences
from guardrails.text_model import TEXT_MODEL, TextClassifier, load_text_classifier, model_input

_CITATION = "Carepost text classifier trained on the labelled dev posts (evals/text_model.py)"


@dataclass(frozen=True, slots=True)
class _Rule:
    rule_id: str
    description: str
    message: str  # formatted with the probability `p`
    suggestion: str


_RULES = {
    Category.UNSUBSTANTIATED_CLAIM: _Rule(
        "text_model.unsubstantiated_claim",
        "Reads like an unsubstantiated health claim that no claim rule matched.",
        "Reads like an unsubstantiated health claim (text classifier, probability {p:.2f}), although "
        "no claim rule matched its wording.",
        "Check the claim against the approved claims library; qualify it or cite its source.",
    ),
    Category.MISSING_DISCLAIMER: _Rule(
        "text_model.missing_disclaimer",
        "Reads like content that needs a disclaimer that no disclaimer rule matched.",
        "Reads like a testimonial, paid post or invitation to ask that needs a disclaimer (text "
        "classifier, probability {p:.2f}), although no disclaimer rule matched its wording.",
        "Add the disclaimer it needs: results vary, a material connection, or not-medical-advice.",
    ),
}


class TextModelOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = TEXT_MODEL


TEXT_MODEL_FAMILY = "text_model"


class TextModelFamily(RuleFamily):
    name = TEXT_MODEL_FAMILY
    fallback = True
    specs = tuple(
        RuleSpec(rule.rule_id, category, Severity.WARN, _CITATION, rule.description)
        for category, rule in _RULES.items()
    )
    Options = TextModelOptions

    def prepare(self, resources: RuleResources) -> None:
        assert isinstance(self.options, TextModelOptions)
        self._classifier: TextClassifier = load_text_classifier(self.options.model)
        missing = [c.value for c in _RULES if c.value not in self._classifier.categories]
        if missing:
            raise ConfigError(f"text model {self.options.model!r} has no weights for {', '.join(missing)}")

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        kind = (ctx.content_type.value, ctx.platform.value)
        probabilities = self._classifier.probabilities(model_input(text.text, *kind))
        for category, rule in _RULES.items():
            p = probabilities[category.value]
            if p < self._classifier.threshold(category.value):
                continue
            yield self.finding(
                rule.rule_id,
                rule.message.format(p=p),
                span=text.span(*self._strongest_sentence(text.text, kind, category)),
                suggestion=rule.suggestion,
            )

    def _strongest_sentence(self, body: str, kind: tuple[str, str], category: Category) -> tuple[int, int]:
        spans = sentences(body) or [(0, len(body))]
        return max(
            spans,
            key=lambda span: self._classifier.probabilities(model_input(body[span[0] : span[1]], *kind))[
                category.value
            ],
        )
