"""Build a ready `Checker`: the one place that loads models and configuration files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from guardrails.config import load_config
from guardrails.language import load_language_gate
from guardrails.nlp import load_pipeline
from guardrails.pipeline import Checker, instantiate_families
from guardrails.registry import Registry, RuleResources
from guardrails.rules import default_registry

if TYPE_CHECKING:
    from spacy.language import Language


def build_checker(
    config_path: Path | None = None,
    *,
    registry: Registry | None = None,
    nlp: Language | None = None,
    load_nlp: bool = True,
) -> Checker:
    """Load configuration (refusing a bad one), the spaCy pipeline and the language gate.

    Pass `nlp` to share a pipeline already loaded (e.g. with the redactor).
    """
    registry = registry or default_registry()
    config = load_config(registry, config_path)
    families = instantiate_families(config, registry)
    if nlp is None and load_nlp:
        nlp = load_pipeline()
    resources = RuleResources(nlp=nlp)
    for family in families:
        family.prepare(resources)
    gate = load_language_gate(frozenset(config.languages))
    return Checker(families, nlp, gate)
