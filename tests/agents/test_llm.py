"""LiteLLMChatModel over litellm's Router with its completion entry point patched, and the test guard."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from agents.chat import ChatMessage, structured
from agents.errors import ModelOutputError, ModelUnavailable
from agents.llm import LiteLLMChatModel, LlmConfig
from tests.conftest import UnmockedModelCall

pytestmark = pytest.mark.usefixtures("collect_litellm_leftovers")


class Out(BaseModel):
    text: str


USER = [ChatMessage(role="user", content="Write a flu shot post.")]


def test_unmocked_litellm_call_fails_loudly() -> None:
    import litellm

    with pytest.raises(UnmockedModelCall, match="unmocked"):
        litellm.completion(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])


def test_unmocked_call_through_the_model_fails() -> None:
    model = LiteLLMChatModel(LlmConfig(model="openai/gpt-4o-mini", num_retries=0, api_key="sk-test"))
    with pytest.raises(ModelUnavailable, match="UnmockedModelCall"):
        model.complete(USER)


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """litellm.completion answering from a script keyed by provider string; calls are recorded."""
    import litellm

    from tests.conftest import LITELLM_ENTRY_POINTS

    assert "completion" in LITELLM_ENTRY_POINTS
    calls: list[dict[str, Any]] = []
    replies = {"openai/good": ["not json", '{"text": "Get your flu shot."}']}

    def fake(**kwargs: Any) -> Any:
        calls.append(kwargs)
        if kwargs["model"] == "openai/down":
            raise litellm.exceptions.APIConnectionError(message="down", llm_provider="openai", model="down")
        answers = replies[kwargs["model"]]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return litellm.ModelResponse(
            model=kwargs["model"],
            choices=[{"message": {"role": "assistant", "content": answer}}],
            usage={"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        )

    monkeypatch.setattr(litellm, "completion", fake)
    return calls


def test_fallback_retry_and_one_reask(patched: list[dict[str, Any]]) -> None:
    config = LlmConfig(
        model="openai/down", fallbacks=["openai/good"], num_retries=1, retry_after=0, api_key="sk-test"
    )
    result, usage = structured(LiteLLMChatModel(config), USER, Out)
    assert result == Out(text="Get your flu shot.")
    models = [c["model"] for c in patched]
    # each request: the primary, its one retry, then the fallback; the invalid first answer costs one re-ask
    assert models == ["openai/down", "openai/down", "openai/good"] * 2
    assert usage.requests == 2
    assert usage.input_tokens == 22
    assert patched[-1]["response_format"] == {"type": "json_object"}
    assert patched[-1]["messages"][-1]["content"].startswith("That output was invalid")


def test_invalid_output_after_the_reask_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import litellm

    def fake(**kwargs: Any) -> Any:
        return litellm.ModelResponse(choices=[{"message": {"role": "assistant", "content": "{}"}}])

    monkeypatch.setattr(litellm, "completion", fake)
    model = LiteLLMChatModel(LlmConfig(model="openai/x", num_retries=0, api_key="sk-test"))
    with pytest.raises(ModelOutputError) as caught:
        structured(model, USER, Out)
    assert "Out" in caught.value.message


def test_config_refuses_unknown_options() -> None:
    with pytest.raises(ValueError, match="extra"):
        LlmConfig.model_validate({"model": "openai/x", "temprature": 0.2})


def test_importing_agents_does_not_import_litellm() -> None:
    import subprocess
    import sys

    code = "import sys, agents.llm, agents.chat, agents.firewall; print('litellm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
