"""The llm engine's revision loop with fake ChatModels: re-prompt with findings, bounded rounds."""

from __future__ import annotations

import json

import pytest

from agents.brief import Brief, Draft
from agents.chat import ChatMessage, ChatModel
from agents.errors import EngineNotConfigured
from agents.orchestrator import Orchestrator
from agents.prompts import load_prompt
from agents.testing import CallInfo, FunctionChatModel, TestChatModel
from tests.agents.conftest import ORG, TODAY

BRIEF = Brief.model_validate(
    {
        "id": "llm-1",
        "topic": "Flu shots",
        "platforms": ["facebook"],
        "key_messages": ["Flu shots are for everyone 6 months and older"],
        "call_to_action": "Find a flu shot",
        "links": ["https://larkspurvalleyhealth.example/flu"],
        "topics": ["flu"],
    }
)
BAD = "Our flu shot is 100% safe and guaranteed to cure the flu! #flushot"
GOOD = "Flu shots are for everyone 6 months and older. Find a flu shot: https://larkspurvalleyhealth.example/flu #FluShot"


def _out(text: str) -> str:
    return json.dumps(
        {"text": text, "alt_texts": [], "citations": ["policy-fda-promotion", "made-up-source"]}
    )


def _engine(orchestrator: Orchestrator, model: ChatModel, rounds: int = 2) -> Orchestrator:
    return Orchestrator(
        orchestrator.kb,
        orchestrator.checker,
        orchestrator.redactor,
        chat_model=model,
        max_rounds=rounds,
        today=lambda: TODAY,
    )


def test_findings_are_sent_back_and_the_revision_is_checked(orchestrator: Orchestrator) -> None:
    def answer(messages: list[ChatMessage], info: CallInfo) -> str:
        return _out(BAD if info.call_index == 0 else GOOD)

    model = FunctionChatModel(answer)
    result = _engine(orchestrator, model).draft(ORG, BRIEF, engine="llm")
    (draft,) = result.drafts
    assert draft.text == GOOD
    assert draft.rounds == 1
    assert not [f for f in draft.findings if f.severity.value == "block"]
    revise_prompt = next(m.content for m in reversed(model.calls[1]) if m.role == "user")
    assert "unsubstantiated_claim" in revise_prompt
    assert result.prompt_version == "v1"
    # citations are kept only when they name retrieved documents
    assert "made-up-source" not in draft.citations


def test_rounds_are_bounded_and_remaining_findings_kept(orchestrator: Orchestrator) -> None:
    model = FunctionChatModel(lambda m, i: _out(BAD))
    (draft,) = _engine(orchestrator, model, rounds=2).draft(ORG, BRIEF, engine="llm").drafts
    assert len(model.calls) == 3
    assert draft.rounds == 2
    assert draft.status is Draft.status_for(draft.findings)
    assert any(f.category.value == "unsubstantiated_claim" for f in draft.findings)


def test_the_test_model_fills_the_schema(orchestrator: Orchestrator) -> None:
    model = TestChatModel(seed_text="x")
    (draft,) = _engine(orchestrator, model, rounds=0).draft(ORG, BRIEF, engine="llm").drafts
    assert draft.text == "x"
    assert draft.engine == "llm"


def test_llm_engine_without_a_model_is_refused(orchestrator: Orchestrator) -> None:
    with pytest.raises(EngineNotConfigured):
        orchestrator.draft(ORG, BRIEF, engine="llm")


def test_prompts_refuse_missing_and_unknown_fields() -> None:
    prompt = load_prompt("revise")
    assert prompt.id == "revise.v1"
    with pytest.raises(KeyError, match="findings"):
        prompt.render(platform="x", text="t")
    with pytest.raises(KeyError, match="extra"):
        prompt.render(platform="x", text="t", findings="[]", extra="y")


def test_links_and_numbers_the_model_made_up_are_reported(orchestrator: Orchestrator) -> None:
    invented = "Flu shots are for everyone 6 months and older. Details: https://larkspurvalleyhealth.example/flu-2026 or call 555-0999."
    model = FunctionChatModel(lambda m, i: _out(invented))
    (draft,) = _engine(orchestrator, model, rounds=0).draft(ORG, BRIEF, engine="llm").drafts
    rules = {f.rule_id for f in draft.findings}
    assert {"provenance.unknown_link", "provenance.unknown_phone"} <= rules
    # the brief's own link is not reported
    (clean,) = (
        _engine(orchestrator, FunctionChatModel(lambda m, i: _out(GOOD)), rounds=0)
        .draft(ORG, BRIEF, engine="llm")
        .drafts
    )
    assert not [f for f in clean.findings if f.rule_id.startswith("provenance.")]
