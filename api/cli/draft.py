"""`carepost draft brief.json [--engine modular|llm|local] [--json]`: draft one brief over the default pack.

Prints each draft and its findings; with --json one object
{"brief_id", "engine", "drafts": [{"platform", "text", "status", "findings"}]}.
The organisation's library is the default pack (database-backed libraries come with the API).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from api.cli.common import fail, load_settings

BriefFile = Annotated[Path, typer.Argument(help="A brief as JSON (see agents.brief.Brief).")]
Engine = Annotated[
    str,
    typer.Option(
        "--engine",
        help="modular (approved modules), llm (needs --model) or local (SmolLM2 in-process; extra 'local').",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
Model = Annotated[str | None, typer.Option("--model", help="litellm provider string for --engine llm.")]
ApiBase = Annotated[
    str | None, typer.Option("--api-base", help="OpenAI-compatible endpoint for --engine llm.")
]


def draft(
    brief_file: BriefFile,
    engine: Engine = "modular",
    as_json: AsJson = False,
    model: Model = None,
    api_base: ApiBase = None,
) -> None:
    """Draft a brief for each of its platforms, check it and revise it; print drafts and findings."""
    from agents.brief import Brief, EngineName
    from agents.errors import AgentError
    from agents.runtime import build_orchestrator, local_chat_model, pack_knowledge_base

    if engine not in ("modular", "llm", "local"):
        raise fail("--engine must be modular, llm or local", 2)
    if not brief_file.is_file():
        raise fail(f"no such file: {brief_file}")
    try:
        brief = Brief.model_validate_json(brief_file.read_bytes())
    except ValidationError as exc:
        # Locations and reasons only: a brief may hold PHI.
        for error in exc.errors(include_input=False, include_url=False):
            typer.echo(f"invalid brief: {'.'.join(str(p) for p in error['loc'])}: {error['msg']}", err=True)
        raise typer.Exit(2) from None
    settings = load_settings()
    chat_model = local_model = None
    if engine == "local":
        try:
            local_model = local_chat_model()
        except AgentError as exc:
            raise fail(f"{exc.kind}: {exc.message}", 2) from None
    if engine == "llm":
        if not model:
            raise fail("--engine llm needs --model (a litellm provider string)", 2)
        from agents.llm import LiteLLMChatModel, LlmConfig

        chat_model = LiteLLMChatModel(LlmConfig(model=model, api_base=api_base))
    org = settings.default_org_slug
    kb = pack_knowledge_base(org, chroma_path=settings.chroma_path if engine != "modular" else None)
    orchestrator = build_orchestrator(
        kb, guardrails_config=settings.guardrails_config, chat_model=chat_model, local_model=local_model
    )
    chosen: EngineName = "local" if engine == "local" else "llm" if engine == "llm" else "modular"
    try:
        result = orchestrator.draft(org, brief, engine=chosen)
    except AgentError as exc:
        raise fail(f"{exc.kind}: {exc.message}") from None
    if as_json:
        typer.echo(json.dumps(result.to_cli_json(), ensure_ascii=False))
        return
    for d in result.drafts:
        typer.echo(f"== {d.platform.value} ({d.status.value}, {d.rounds} revision rounds)")
        typer.echo(d.text)
        for f in d.findings:
            where = f" [{f.start}:{f.end}]" if f.start is not None else ""
            typer.echo(f"  - {f.severity.value} {f.rule_id}{where}: {f.message}")
    if result.escalations:
        typer.echo("escalate: " + ", ".join(e.value for e in result.escalations))
