"""The guardrail objects an app instance serves with, loaded once because they hold models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guardrails.factory import build_checker
from guardrails.pipeline import Checker


@dataclass(frozen=True)
class GuardrailEngines:
    checker: Checker

    @classmethod
    def load(cls, config_path: Path | None = None) -> GuardrailEngines:
        """Load models and the rule configuration; a bad configuration raises, so start-up fails."""
        return cls(checker=build_checker(config_path))
