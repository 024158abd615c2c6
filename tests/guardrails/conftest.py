from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real spaCy pipeline, loaded once for the whole session."""
    from guardrails.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def phi(nlp: Language) -> RuleFamily:
    """The phi rule family with the real pipeline, shared by the PHI table tests."""
    from guardrails.rules.phi import PhiFamily
    from tests.guardrails.helpers import make_family

    return make_family(PhiFamily, nlp=nlp)
