from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real spaCy pipeline, loaded once for the whole session."""
    from guardrails.nlp import load_pipeline

    return load_pipeline()
