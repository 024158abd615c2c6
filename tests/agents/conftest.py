"""Agents test fixtures: guardrail models and the default pack, each loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from agents.brief import Brief
from agents.orchestrator import Orchestrator
from guardrails.factory import build_checker
from guardrails.nlp import load_pipeline
from guardrails.pipeline import Checker
from guardrails.redact import Redactor, build_redactor
from knowledge.embeddings import load_embedding_function
from knowledge.libraries.repository import InMemoryLibraryRepository
from knowledge.pack import load_default_pack
from knowledge.retrieval import KnowledgeBase
from knowledge.store import open_store

if TYPE_CHECKING:
    from spacy.language import Language

# Claims expire: every drafting test runs on this day.
TODAY = date(2026, 11, 28)
ORG = "larkspur"
BRIEFS = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "briefs.jsonl"


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_pipeline()


@pytest.fixture(scope="session")
def checker(nlp: Language) -> Checker:
    return build_checker(nlp=nlp)


@pytest.fixture(scope="session")
def redactor(nlp: Language) -> Redactor:
    return build_redactor(nlp)


@pytest.fixture(scope="session")
def pack_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """The default pack in an embedded chroma folder, loaded once; tests only read from it."""
    store = open_store(path=tmp_path_factory.mktemp("agents-chroma"), embedding=load_embedding_function())
    kb = KnowledgeBase(store, InMemoryLibraryRepository(), today=lambda: TODAY)
    load_default_pack(kb.store, kb.libraries, ORG)
    yield kb
    kb.store.close()


@pytest.fixture(scope="session")
def orchestrator(pack_kb: KnowledgeBase, checker: Checker, redactor: Redactor) -> Orchestrator:
    return Orchestrator(pack_kb, checker, redactor, today=lambda: TODAY)


def load_briefs() -> list[Brief]:
    return [Brief.model_validate_json(line) for line in BRIEFS.read_text().splitlines() if line.strip()]


@pytest.fixture
def local_litellm(monkeypatch: pytest.MonkeyPatch) -> None:
    """litellm's real entry points, for tests of models on this machine (in-process or on loopback).

    The network guard stays on: a call that tried to leave the machine would still fail the test.
    """
    import litellm

    from tests.conftest import LITELLM_ENTRY_POINTS

    for name in LITELLM_ENTRY_POINTS:
        original = getattr(getattr(litellm, name), "carepost_original", None)
        if original is not None:
            monkeypatch.setattr(litellm, name, original)
