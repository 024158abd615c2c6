"""`carepost check FILE.jsonl`: the batch form of POST /v1/check, streaming JSONL in and out.

It batches texts through spaCy's `nlp.pipe` and never imports litellm or the
drafting agents, so it starts in the time the guardrail models take to load.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, TextIO

import typer

from api.cli.common import fail, load_settings


def check(
    source: Annotated[
        Path,
        typer.Argument(help="JSONL: one {id, text, platform, content_type, context?} per line; - for stdin."),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write results here instead of stdout.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=1024, help="Texts per spaCy batch.")] = 64,
) -> None:
    """Check every line of SOURCE and write one {id, findings, blocked} per line (exit 1 if a line was invalid)."""
    from guardrails.batch import BatchStats, check_jsonl
    from guardrails.config import ConfigError
    from guardrails.factory import build_checker

    settings = load_settings()
    try:
        checker = build_checker(settings.guardrails_config)
    except ConfigError as exc:
        raise fail(f"guardrail configuration refused: {exc.message}") from None
    stats = BatchStats()
    with _open_in(source) as lines, _open_out(out) as sink:
        for line in check_jsonl(lines, checker, stats, batch_size=batch_size):
            sink.write(line + "\n")
    typer.echo(f"checked {stats.processed} texts, {stats.failed} invalid lines", err=True)
    if stats.failed:
        raise typer.Exit(1)


def _open_in(source: Path) -> AbstractContextManager[TextIO]:
    if str(source) == "-":
        return nullcontext(sys.stdin)
    if not source.is_file():
        raise fail(f"no such file: {source}")
    return source.open(encoding="utf-8")


def _open_out(out: Path | None) -> AbstractContextManager[TextIO]:
    return nullcontext(sys.stdout) if out is None else out.open("w", encoding="utf-8")
