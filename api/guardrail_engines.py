"""The guardrail objects an app instance serves with, loaded once because they hold models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guardrails.factory import build_checker
from guardrails.nlp import load_pipeline
from guardrails.pipeline import Checker
from guardrails.redact import Redactor, build_redactor


@dataclass(frozen=True)
class GuardrailEngines:
    checker: Checker
    redactor: Redactor

    @classmethod
    def load(cls, config_path: Path | None = None) -> GuardrailEngines:
        """Load models and the rule configuration; a bad configuration raises, so start-up fails.

        The checker and the redactor share one spaCy pipeline (about 40 MB and a second to load).
        """
        nlp = load_pipeline()
        return cls(checker=build_checker(config_path, nlp=nlp), redactor=build_redactor(nlp))
