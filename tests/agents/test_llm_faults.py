"""The provider misbehaves (a fake OpenAI-compatible server on loopback): retries, fallback, a clear error.

litellm's Router does the retries and the fallback; its backoff is recorded, not slept.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from agents.chat import ChatMessage
from agents.errors import ModelUnavailable
from agents.llm import LiteLLMChatModel, LlmConfig
from tests.fake_openai import Behaviour, fake_openai, use_real_litellm

# litellm's Router runs its fallback check on a fresh event loop it never closes (litellm_core_utils.asyncify),
# and its HTTP clients are pooled for the process: their sockets and loops are reported at garbage collection.
pytestmark = [
    pytest.mark.usefixtures("collect_litellm_leftovers"),
    pytest.mark.filterwarnings(
        "ignore:unclosed:ResourceWarning",
        "ignore:Exception ignored in:pytest.PytestUnraisableExceptionWarning",
    ),
]


@pytest.fixture(autouse=True)
def _collect_litellm_leftovers() -> Iterator[None]:
    """Collect those leftovers inside the test, under the filters above, not at the end of the session."""
    yield
    gc.collect()


USER = [ChatMessage(role="user", content="Write a flu shot post.")]


def model_for(
    base_url: str, *, fallbacks: list[str], retries: int = 2, timeout: float = 5.0
) -> LiteLLMChatModel:
    return LiteLLMChatModel(
        LlmConfig(
            model="openai/primary",
            api_base=base_url,
            api_key="sk-fake",  # pragma: allowlist secret
            fallbacks=fallbacks,
            num_retries=retries,
            retry_after=0,
            timeout=timeout,
        )
    )


@pytest.mark.parametrize("failure", [500, 429])
def test_a_failing_primary_is_retried_then_the_fallback_answers(
    monkeypatch: pytest.MonkeyPatch, failure: Behaviour
) -> None:
    slept = use_real_litellm(monkeypatch)
    with fake_openai({"primary": [failure], "fallback": ["ok"]}) as server:
        response = model_for(server.base_url, fallbacks=["openai/fallback"]).complete(USER)
    assert server.models_called() == ["primary", "primary", "primary", "fallback"]
    assert response.model == "fallback"
    assert response.text == '{"text": "Get your flu shot this Saturday."}'
    assert len(slept) >= 2  # a backoff before each retry of the primary (recorded, not slept)
    assert all(seconds > 0 for seconds in slept)


def test_a_primary_that_recovers_is_not_abandoned(monkeypatch: pytest.MonkeyPatch) -> None:
    use_real_litellm(monkeypatch)
    with fake_openai({"primary": [500, "ok"], "fallback": ["ok"]}) as server:
        response = model_for(server.base_url, fallbacks=["openai/fallback"]).complete(USER)
    assert server.models_called() == ["primary", "primary"]
    assert response.model == "primary"


def test_a_timeout_is_retried_then_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    use_real_litellm(monkeypatch)
    with fake_openai({"primary": ["hang"], "fallback": ["ok"]}, hang_seconds=3.0) as server:
        model = model_for(server.base_url, fallbacks=["openai/fallback"], retries=1, timeout=0.5)
        response = model.complete(USER)
    assert server.models_called() == ["primary", "primary", "fallback"]
    assert response.model == "fallback"


def test_when_everything_fails_the_error_is_clear_and_quotes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_real_litellm(monkeypatch)
    secret_brief = [ChatMessage(role="user", content="Write about Jordan Example, MRN 00424242.")]
    with fake_openai({"primary": [500], "fallback": [429]}) as server:
        model = model_for(server.base_url, fallbacks=["openai/fallback"], retries=1)
        with pytest.raises(ModelUnavailable) as caught:
            model.complete(secret_brief)
    assert server.models_called() == ["primary", "primary", "fallback", "fallback"]
    assert caught.value.kind == "model_unavailable"
    assert caught.value.message.startswith("the model provider failed (")
    assert "Jordan" not in str(caught.value)
    assert "00424242" not in str(caught.value)
    assert caught.value.__cause__ is None  # the provider's exception (which may echo the request) is dropped
