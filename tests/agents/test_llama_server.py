"""The `llm` engine through litellm's OpenAI provider against `llama_cpp.server` on loopback.

The real network path a deployment uses (an OpenAI-compatible `api_base`), with SmolLM2
served by llama.cpp's own server from the `local` extra: one brief, one platform, because
each call costs tens of seconds on these machines. The model is weak: the test accepts a
draft that went through the guardrails or a clean refusal of unparsable output, never a
draft that skipped them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence

import httpx
import pytest

from agents.brief import Brief, Draft
from agents.chat import ChatMessage, ChatResponse
from agents.errors import ModelOutputError
from agents.llm import LiteLLMChatModel, LlmConfig
from agents.local_model import smollm2_path
from agents.orchestrator import Orchestrator
from guardrails.context import CheckContext
from guardrails.findings import CheckReport
from guardrails.pipeline import Checker
from tests.agents.conftest import ORG, TODAY, load_briefs

pytestmark = pytest.mark.usefixtures("collect_litellm_leftovers")

STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` with SmolLM2 on a free loopback port; its base URL."""
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(smollm2_path()), "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "1", "--seed", "0",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ})
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {server.returncode}: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within {STARTUP_SECONDS} s")
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


class CountingModel:
    """Passes every call through and keeps what came back (usage only, never the text)."""

    def __init__(self, inner: LiteLLMChatModel) -> None:
        self.inner = inner
        self.name = inner.name
        self.phi_safe = inner.phi_safe
        self.enforces_schema = inner.enforces_schema
        self.responses: list[ChatResponse] = []

    def complete(
        self, messages: Sequence[ChatMessage], *, json_schema: dict[str, object] | None = None
    ) -> ChatResponse:
        response = self.inner.complete(messages, json_schema=json_schema)
        self.responses.append(response)
        return response


@pytest.mark.slow
@pytest.mark.usefixtures("local_litellm")
def test_litellm_drafts_through_an_openai_compatible_llama_server(
    llama_server: str, orchestrator: Orchestrator, checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_check = checker.check

    def counting_check(text: str, ctx: CheckContext) -> CheckReport:
        checked.append(ctx.platform.value)
        return real_check(text, ctx)

    monkeypatch.setattr(checker, "check", counting_check)
    config = LlmConfig(
        model="openai/smollm2",
        api_base=llama_server,
        api_key="sk-loopback-test",  # pragma: allowlist secret  (llama_cpp.server checks none)
        temperature=0.0,
        seed=0,
        max_tokens=160,
        num_retries=0,
        timeout=600,
        schema_in_request=True,  # llama.cpp turns the JSON Schema into a grammar
    )
    model = CountingModel(LiteLLMChatModel(config))
    engine = Orchestrator(
        orchestrator.kb, checker, orchestrator.redactor, chat_model=model, max_rounds=0, today=lambda: TODAY
    )
    brief = next(b for b in load_briefs() if b.id == "flu-walk-in-northgate")
    one = Brief.model_validate({**brief.model_dump(), "platforms": ["google_business"]})

    try:
        result = engine.draft(ORG, one, engine="llm")
    except ModelOutputError:
        drafts: list[Draft] = []  # the weak model's JSON did not parse, even after the re-ask
    else:
        drafts = list(result.drafts)
        assert result.engine == "llm"

    # The calls went over HTTP to the server and came back with real token counts.
    assert model.responses, "no request reached llama_cpp.server"
    assert all(r.usage.input_tokens > 0 and r.usage.output_tokens > 0 for r in model.responses)
    assert all(r.model for r in model.responses)
    # Whatever the model wrote, a draft exists only after the guardrails saw it.
    for draft in drafts:
        assert draft.text.strip()
        assert draft.status is Draft.status_for(draft.findings)
    assert len(checked) == len(drafts)
