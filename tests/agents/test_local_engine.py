"""The `local` engine: SmolLM2 in this process, through litellm's custom-provider path.

The tests that run the model need the `local` extra, which `make install-dev` installs;
without it they fail rather than skip.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agents.brief import Brief, Draft
from agents.chat import ChatMessage, structured
from agents.errors import EngineNotConfigured
from agents.llm import LOCAL_MODEL, LiteLLMChatModel, LlmConfig, local_config
from agents.local_model import grammar_schema, schema_from_response_format, smollm2_path
from agents.orchestrator import LlmDraft, Orchestrator
from api.cli import build_cli
from guardrails.context import CheckContext
from guardrails.findings import CheckReport
from guardrails.pipeline import Checker
from tests.agents.conftest import BRIEFS, ORG, TODAY

pytestmark = pytest.mark.usefixtures("collect_litellm_leftovers")

ROOT = Path(__file__).resolve().parents[2]
LITELLM_IMPORTERS = {"agents/llm.py", "agents/local_provider.py"}

BRIEF = Brief.model_validate(
    {
        "id": "local-1",
        "topic": "Free Saturday flu shot clinics",
        "platforms": ["facebook", "x"],
        "key_messages": ["Flu shots are for everyone 6 months and older"],
        "call_to_action": "See clinic times",
        "links": ["https://larkspurvalleyhealth.example/flu"],
        "topics": ["flu"],
    }
)
USER = [ChatMessage(role="user", content="Write one sentence inviting families to a free flu shot clinic.")]


def _imports_litellm(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "litellm" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "litellm":
            return True
    return False


def test_only_the_llm_module_and_the_local_provider_import_litellm() -> None:
    found = {
        str(path.relative_to(ROOT))
        for package in ("agents", "api", "guardrails", "knowledge", "evals")
        for path in (ROOT / package).rglob("*.py")
        if _imports_litellm(path)
    }
    assert found == LITELLM_IMPORTERS


def test_grammar_schema_drops_length_caps_and_keeps_the_shape() -> None:
    schema = LlmDraft.model_json_schema()
    grammar = grammar_schema(schema)
    assert "maxLength" in json.dumps(schema)
    assert "maxLength" not in json.dumps(grammar)
    assert isinstance(grammar, dict)
    assert grammar["required"] == schema["required"] == ["text"]
    assert grammar["additionalProperties"] is False


@pytest.mark.parametrize(
    ("response_format", "expected"),
    [
        ({"type": "json_object", "schema": {"type": "object", "x": 1}}, {"type": "object", "x": 1}),
        (
            {"type": "json_schema", "json_schema": {"name": "D", "schema": {"type": "array"}}},
            {"type": "array"},
        ),
        ({"type": "json_object"}, {"type": "object"}),
        ({"type": "text"}, None),
        (None, None),
    ],
)
def test_schema_from_response_format(response_format: Any, expected: Any) -> None:
    assert schema_from_response_format(response_format) == expected


def test_local_config_is_phi_safe_deterministic_and_bounded() -> None:
    config = local_config()
    assert config.model == LOCAL_MODEL
    assert config.uses_local
    assert config.phi_safe
    assert (config.temperature, config.seed) == (0.0, 0)
    assert config.max_tokens <= 512
    assert config.schema_in_request
    assert not LlmConfig(model="openai/gpt-4o-mini").uses_local


def test_local_engine_without_a_model_is_refused(orchestrator: Orchestrator) -> None:
    with pytest.raises(EngineNotConfigured, match=r"carepost\[local\]"):
        orchestrator.draft(ORG, BRIEF, engine="local")


def test_a_missing_extra_is_a_configuration_error_not_an_outage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agents.llm.local_extra_installed", lambda: False)
    with pytest.raises(EngineNotConfigured, match=r"carepost\[local\]"):
        LiteLLMChatModel(local_config()).complete(USER)


def test_cli_local_engine_without_the_extra_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agents.local_model.local_extra_installed", lambda: False)
    brief = tmp_path / "brief.json"
    brief.write_text(BRIEFS.read_text().splitlines()[0])
    result = CliRunner().invoke(build_cli(), ["draft", str(brief), "--engine", "local"])
    assert result.exit_code == 2
    assert "engine_not_configured" in result.output
    assert "carepost[local]" in result.output


def test_the_extra_ships_the_gguf() -> None:
    path = smollm2_path()
    assert path.stat().st_size > 50_000_000
    with path.open("rb") as f:
        assert f.read(4) == b"GGUF"


# --- the real model (in-process) ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("local_litellm")
def test_draft_output_parses_first_time() -> None:
    model = LiteLLMChatModel(local_config(max_tokens=160))
    draft, usage = structured(model, USER, LlmDraft)
    assert draft.text.strip()
    assert usage.requests == 1, "the plain-text variant fills the text field: no re-ask"
    assert usage.output_tokens <= 160


@pytest.mark.slow
@pytest.mark.usefixtures("local_litellm")
def test_same_prompt_same_answer() -> None:
    model = LiteLLMChatModel(local_config(max_tokens=48))
    first, second = model.complete(USER), model.complete(USER)
    assert first.text
    assert first.text == second.text
    assert first.model == LOCAL_MODEL


@pytest.mark.slow
@pytest.mark.usefixtures("local_litellm")
def test_local_engine_drafts_every_platform_through_the_guardrails(
    orchestrator: Orchestrator, checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_check = checker.check

    def counting_check(text: str, ctx: CheckContext) -> CheckReport:
        checked.append(ctx.platform.value)
        return real_check(text, ctx)

    monkeypatch.setattr(checker, "check", counting_check)
    engine = Orchestrator(
        orchestrator.kb,
        checker,
        orchestrator.redactor,
        local_model=LiteLLMChatModel(local_config(max_tokens=120)),
        max_rounds=0,  # each model call costs tens of seconds here; the loop is tested with fakes
        today=lambda: TODAY,
    )
    result = engine.draft(ORG, BRIEF, engine="local")
    assert result.engine == "local"
    assert result.masked == {}, "a local model is phi_safe: the firewall does not run"
    assert [d.platform.value for d in result.drafts] == ["facebook", "x"]
    for draft in result.drafts:
        assert draft.engine == "local"
        assert draft.text.strip()
        assert draft.status is Draft.status_for(draft.findings)
        assert draft.rounds == 0
    # every draft and every revision of it went through the guardrails
    assert sorted(set(checked)) == ["facebook", "x"]
    assert len(checked) == len(result.drafts) + sum(d.rounds for d in result.drafts)
