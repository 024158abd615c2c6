"""Build a ready `Checker`: the one place that loads models and configuration files."""

from __future__ import annotations

from pathlib import Path

from guardrails.config import load_config
from guardrails.language import load_language_gate
from guardrails.nlp import load_pipeline
from guardrails.pipeline import Checker, instantiate_families
from guardrails.registry import Registry, RuleResources
from guardrails.rules import default_registry


def build_checker(
    config_path: Path | None = None,
    *,
    registry: Registry | None = None,
    load_nlp: bool = True,
) -> Checker:
    """Load configuration (refusing a bad one), the spaCy pipeline and the language gate."""
    registry = registry or default_registry()
    config = load_config(registry, config_path)
    families = instantiate_families(config, registry)
    nlp = load_pipeline() if load_nlp else None
    resources = RuleResources(nlp=nlp)
    for family in families:
        family.prepare(resources)
    gate = load_language_gate(frozenset(config.languages))
    return Checker(families, nlp, gate)
