"""`token_cost`: prices from the price map bundled with litellm, never fetched; unpriced models are None."""

from __future__ import annotations

import os

import pytest

from agents.llm import token_cost


def test_a_priced_model_costs_what_litellms_bundled_map_says() -> None:
    cost = token_cost("gpt-4o-mini", 1000, 500)
    assert os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] == "True"
    import litellm

    entry = litellm.model_cost["gpt-4o-mini"]
    expected = 1000 * entry["input_cost_per_token"] + 500 * entry["output_cost_per_token"]
    assert cost is not None
    assert abs(cost - expected) < 1e-12
    assert cost > 0


def test_more_tokens_cost_more() -> None:
    small, large = token_cost("gpt-4o-mini", 10, 10), token_cost("gpt-4o-mini", 10, 1000)
    assert small is not None
    assert large is not None
    assert large > small


def test_local_and_unknown_models_have_no_price_and_print_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert token_cost("openai/smollm2-135m-local", 100, 100) is None
    assert token_cost("not-a-provider/nothing", 100, 100) is None
    assert capsys.readouterr().out == ""  # stdout belongs to the CLI's results
