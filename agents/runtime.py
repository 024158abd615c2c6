"""Building an `Orchestrator` for the command line and evaluations: the one place that loads models.

The API builds its own from the services its lifespan holds; this is for one-shot
processes (`carepost draft`, `python -m agents.evaluate`). The modular engine needs
only the structured library, so the embedding model and the chroma store are opened
only for the `llm` and `local` engines, which retrieve passages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from agents.chat import ChatModel
from agents.errors import EngineNotConfigured
from agents.orchestrator import Orchestrator
from guardrails.factory import build_checker
from guardrails.nlp import load_pipeline
from guardrails.redact import build_redactor
from knowledge.libraries.repository import InMemoryLibraryRepository
from knowledge.pack.loader import load_default_pack, load_pack_library
from knowledge.retrieval import KnowledgeBase
from knowledge.store import KnowledgeStore, open_store


class _NoStore:
    """Stands in for chroma when only the library is needed; any retrieval is a programming error."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError("this knowledge base was opened without a store (modular engine only)")


def pack_knowledge_base(
    org: str,
    *,
    chroma_path: Path | None = None,
    today: Callable[[], date] = date.today,
) -> KnowledgeBase:
    """The default pack for `org`: library in memory; documents in chroma only when `chroma_path` is given."""
    libraries = InMemoryLibraryRepository()
    if chroma_path is None:
        libraries.put(org, load_pack_library())
        store: KnowledgeStore = _NoStore()  # type: ignore[assignment]
        return KnowledgeBase(store, libraries, today=today)
    from knowledge.embeddings import load_embedding_function

    store = open_store(path=chroma_path, embedding=load_embedding_function())
    load_default_pack(store, libraries, org)
    return KnowledgeBase(store, libraries, today=today)


def local_chat_model() -> ChatModel:
    """The `local` engine's model (SmolLM2 in-process through litellm); refuses when the extra is missing."""
    from agents.llm import LiteLLMChatModel, local_config
    from agents.local_model import MISSING_EXTRA, local_extra_installed

    if not local_extra_installed():
        raise EngineNotConfigured(MISSING_EXTRA)
    return LiteLLMChatModel(local_config())


def build_orchestrator(
    kb: KnowledgeBase,
    *,
    guardrails_config: Path | None = None,
    chat_model: ChatModel | None = None,
    local_model: ChatModel | None = None,
    max_rounds: int = 2,
    today: Callable[[], date] = date.today,
) -> Orchestrator:
    nlp = load_pipeline()
    return Orchestrator(
        kb=kb,
        checker=build_checker(guardrails_config, nlp=nlp),
        redactor=build_redactor(nlp),
        chat_model=chat_model,
        local_model=local_model,
        max_rounds=max_rounds,
        today=today,
    )
