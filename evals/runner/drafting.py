"""Draft every brief of each split with an agents engine over the default knowledge pack, and measure
each platform's draft (evals.runner.draft_checks, evals.metrics.drafting).

Each platform of a brief is drafted on its own, so latency, tokens and cost belong
to one draft. agents/ is imported only here and only when a drafting suite runs:
measuring the guardrails must not load it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.metrics.drafting import drafting_metrics, latency_of
from evals.report.model import DraftRow, SplitReport
from evals.runner import draft_checks as dc
from evals.runner.loading import EvalError, LoadedSuite
from evals.runner.model_cache import RecordingChatModel
from evals.runner.progress import Progress
from evals.runner.splits import SplitRun, run_splits
from evals.schema import DraftingSuite

if TYPE_CHECKING:
    from agents.brief import Brief, Draft, EngineName
    from agents.chat import ChatModel
    from agents.orchestrator import Orchestrator
    from guardrails.context import Platform

ORG = "default"
# agents.llm.LOCAL_MODEL, spelled out so importing the runner does not import agents
LOCAL_MODEL_NAME = "carepost-local/smollm2-135m-instruct"
ChatModelFactory = Callable[[], "ChatModel"]


@dataclass(frozen=True)
class DraftingOptions:
    """What `carepost eval run` may override of a drafting suite's settings."""

    engine: str | None = None
    model: str | None = None
    cache: Path | None = None
    chroma: Path | None = None  # the pack's documents for the llm engine; a temporary folder when None


@dataclass
class _Drafter:
    orchestrator: Orchestrator
    engine: str
    model: RecordingChatModel | None
    sources: dc.IdentifierSources
    price: Callable[[int, int], float | None]


def run_drafting(
    loaded: LoadedSuite,
    suite: DraftingSuite,
    splits: list[str] | None,
    progress: Progress,
    timings: dict[str, float],
    options: DraftingOptions | None = None,
    chat_model_factory: ChatModelFactory | None = None,
) -> tuple[list[SplitReport], dict[str, Any]]:
    options = options or DraftingOptions()
    settings = suite.settings
    engine = options.engine or settings.engine
    model_name = options.model or settings.model
    if engine not in ("modular", "llm", "local"):
        raise EvalError(f"unknown drafting engine {engine!r} (modular, llm or local)")
    if engine == "local":
        model_name = model_name or LOCAL_MODEL_NAME
    if engine == "llm" and model_name is None and chat_model_factory is None:
        raise EvalError("the llm engine needs a model: set settings.model in the suite or pass --model")
    cache = options.cache or (loaded.resolve(settings.cache) if settings.cache else None)
    if engine != "modular" and cache is None:
        cache = Path("var") / "evals" / "cache" / suite.name
    sampling = {"temperature": settings.temperature, "max_rounds": settings.max_rounds}
    stats: list[RecordingChatModel] = []

    @contextmanager
    def setup() -> Iterator[_Drafter]:
        with _drafter(
            suite, engine, model_name, cache, sampling, chat_model_factory, options.chroma
        ) as drafter:
            if drafter.model is not None:
                stats.append(drafter.model)
            yield drafter

    def evaluate(drafter: _Drafter, run: SplitRun[Brief]) -> SplitReport:
        run_started = time.perf_counter()
        rows: list[DraftRow] = []
        for brief in run.cases:
            rows += _draft_brief(drafter, brief, settings.platforms)
            run.progress.advance()
        run_s = time.perf_counter() - run_started
        return SplitReport(
            split=run.split,
            dataset=run.dataset,
            metrics=drafting_metrics([b.id for b in run.cases], rows, run.resampler),
            drafts=rows,
            latency=latency_of(rows),
            timings={"run_s": round(run_s, 3)},
        )

    reports = run_splits(
        loaded, splits, progress, timings, label=f"drafting ({engine})", setup=setup, evaluate=evaluate
    )
    shown: dict[str, Any] = {
        "engine": engine,
        "model": model_name,
        "api_base": settings.api_base,
        **sampling,
        "platforms": [p.value for p in settings.platforms] or "all of each brief",
        "as_of": settings.as_of.isoformat(),
        "pack": "default",
        "key_message_share": dc.KEY_MESSAGE_SHARE,
        "latency": "per platform draft, model time included",
    }
    if stats:
        shown["cache"] = str(cache) if cache is not None else None
        shown["cache_hits"] = stats[0].stats.hits
        shown["model_calls"] = stats[0].stats.misses
    return reports, shown


@contextmanager
def _drafter(
    suite: DraftingSuite,
    engine: str,
    model_name: str | None,
    cache: Path | None,
    sampling: dict[str, Any],
    chat_model_factory: ChatModelFactory | None,
    chroma_dir: Path | None,
) -> Iterator[_Drafter]:
    from agents.runtime import build_orchestrator, pack_knowledge_base

    settings = suite.settings
    recording: RecordingChatModel | None = None
    if engine != "modular":
        inner = chat_model_factory() if chat_model_factory else _chat_model(suite, engine, model_name)
        recording = RecordingChatModel(inner, cache_dir=cache, settings=sampling)
    with tempfile.TemporaryDirectory(prefix="carepost-drafting-eval-") as tmp:
        # the llm engine retrieves passages: it needs the pack's documents in a store; loading the
        # pack again into a kept folder only checks that nothing changed (no new embeddings)
        chroma = (chroma_dir or Path(tmp) / "chroma") if engine != "modular" else None
        kb = pack_knowledge_base(ORG, chroma_path=chroma, today=lambda: settings.as_of)
        try:
            orchestrator = build_orchestrator(
                kb,
                chat_model=recording if engine == "llm" else None,
                local_model=recording if engine == "local" else None,
                max_rounds=settings.max_rounds,
                today=lambda: settings.as_of,
            )
            library = kb.library(ORG)
            if library is None:  # pragma: no cover - pack_knowledge_base always stores one
                raise EvalError("the default pack has no library")
            pack_texts = list(dc.strings_in(library.model_dump(mode="json"))) + _pack_documents()
            yield _Drafter(
                orchestrator=orchestrator,
                engine=engine,
                model=recording,
                sources=dc.IdentifierSources(pack_texts),
                price=_pricer(model_name if engine == "llm" else None),  # local costs nothing
            )
        finally:
            if chroma is not None:
                kb.store.close()


def _chat_model(suite: DraftingSuite, engine: str, model_name: str | None) -> ChatModel:
    from agents.llm import LiteLLMChatModel, LlmConfig

    if engine == "local":
        from agents.runtime import local_chat_model

        return local_chat_model()  # SmolLM2 in-process; EngineNotConfigured without the extra
    assert model_name is not None
    return LiteLLMChatModel(
        LlmConfig(model=model_name, api_base=suite.settings.api_base, temperature=suite.settings.temperature)
    )


def _engine_name(engine: str) -> EngineName:
    return "local" if engine == "local" else "llm" if engine == "llm" else "modular"


def _pricer(model_name: str | None) -> Callable[[int, int], float | None]:
    if model_name is None:
        return lambda i, o: 0.0  # no model, nothing to pay
    from agents.llm import token_cost

    if token_cost(model_name, 0, 0) is None:  # not priced: ask litellm once, not per draft
        return lambda i, o: None
    return lambda i, o: token_cost(model_name, i, o)


def _pack_documents() -> list[str]:
    from knowledge.pack.loader import pack_dir, read_manifest

    folder = pack_dir()
    return [(folder / d.path).read_text(encoding="utf-8") for d in read_manifest(folder).documents]


def _draft_brief(drafter: _Drafter, brief: Brief, only: list[Platform]) -> list[DraftRow]:
    from agents.errors import AgentError, BriefRefused

    platforms = [p for p in brief.platforms if not only or p in only]
    sources = drafter.sources.with_texts(dc.strings_in(brief.model_dump(mode="json")))
    rows: list[DraftRow] = []
    for platform in platforms:
        one = brief.model_copy(update={"platforms": [platform]})
        if drafter.model is not None:
            drafter.model.take_usage()
        started = time.perf_counter()
        try:
            result = drafter.orchestrator.draft(ORG, one, engine=_engine_name(drafter.engine))
        except BriefRefused:
            return [
                DraftRow(case_id=brief.id, platform=p.value, status="refused", passed=False)
                for p in platforms
            ]
        except AgentError as exc:
            latency = time.perf_counter() - started
            rows.append(_error_row(drafter, brief, platform, type(exc).__name__, latency))
            continue
        latency = time.perf_counter() - started
        usage = drafter.model.take_usage() if drafter.model is not None else None
        for draft in result.drafts:
            rows.append(_row(drafter, brief, draft, sources, latency / len(result.drafts), usage))
    return rows


def _row(
    drafter: _Drafter,
    brief: Brief,
    draft: Draft,
    sources: dc.IdentifierSources,
    latency_s: float,
    usage: Any,
) -> DraftRow:
    orchestrator = drafter.orchestrator
    rules = [f.rule_id for f in draft.findings if f.severity.value in ("block", "warn")]
    required = orchestrator.kb.required_disclaimers(
        ORG,
        content_type=brief.content_type,
        platforms=[draft.platform],
        topics=brief.topics,
        product_ids=brief.product_ids,
    )
    assert orchestrator.redactor is not None  # build_orchestrator always gives one
    library = orchestrator.kb.library(ORG)
    spans = [(e.entity.value, e.start, e.end) for e in orchestrator.redactor.redact(draft.text).entities]
    tokens = (usage.requests, usage.input_tokens, usage.output_tokens) if usage is not None else (0, 0, 0)
    return DraftRow(
        case_id=brief.id,
        platform=draft.platform.value,
        status=draft.status.value,
        passed=not rules,
        within_limits=dc.within_limits(rules),
        invented=dc.invented(draft.text, spans, sources),
        disclaimers_required=[d.id for d in required],
        disclaimers_missing=dc.missing_disclaimers(
            draft.text,
            [(d.id, (d.text, d.short_text, d.no_link_text)) for d in required],
            covered=library.covered_disclaimers(draft.citations) if library else (),
        ),
        key_messages=len(brief.key_messages),
        key_messages_covered=sum(dc.covered(m, draft.text) for m in brief.key_messages),
        rules=rules,
        rounds=draft.rounds,
        latency_ms=round(latency_s * 1000, 3),
        requests=tokens[0],
        input_tokens=tokens[1],
        output_tokens=tokens[2],
        cost_usd=drafter.price(tokens[1], tokens[2]),
    )


def _error_row(drafter: _Drafter, brief: Brief, platform: Platform, error: str, latency_s: float) -> DraftRow:
    usage = drafter.model.take_usage() if drafter.model is not None else None
    tokens = (usage.requests, usage.input_tokens, usage.output_tokens) if usage is not None else (0, 0, 0)
    return DraftRow(
        case_id=brief.id,
        platform=platform.value,
        status="error",
        error=error,
        passed=False,
        latency_ms=round(latency_s * 1000, 3),
        requests=tokens[0],
        input_tokens=tokens[1],
        output_tokens=tokens[2],
        cost_usd=drafter.price(tokens[1], tokens[2]),
    )
