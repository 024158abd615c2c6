from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from guardrails.pipeline import Checker


@pytest.fixture(scope="session")
def real_checker() -> Checker:
    """The real guardrail checker (spaCy included), built once for the session."""
    from guardrails.factory import build_checker

    return build_checker()
