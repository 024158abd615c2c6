"""`carepost check FILE.jsonl` and `carepost redact FILE.jsonl`: the batch forms of
POST /v1/check and POST /v1/redact, streaming JSONL in and out.

Both batch texts through spaCy's `nlp.pipe` and never import litellm or the
drafting agents, so they start in the time the guardrail models take to load.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO, TypeVar

import typer

from api.cli.common import fail, load_settings

if TYPE_CHECKING:
    from guardrails.batch import BatchStats

T = TypeVar("T")

Source = Annotated[Path, typer.Argument(help="JSONL input, one object per line; - for stdin.")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write results here instead of stdout.")]
BatchSize = Annotated[int, typer.Option(min=1, max=1024, help="Texts per spaCy batch.")]


def check(source: Source, out: Out = None, batch_size: BatchSize = 64) -> None:
    """Check {id, text, platform, content_type, context?} lines; write {id, findings, blocked} (exit 1 if a line was invalid)."""
    from guardrails.batch import check_jsonl
    from guardrails.factory import build_checker

    settings = load_settings()
    checker = _load(lambda: build_checker(settings.guardrails_config))
    _run(source, out, lambda lines, stats: check_jsonl(lines, checker, stats, batch_size), "checked")


def redact(source: Source, out: Out = None, batch_size: BatchSize = 64) -> None:
    """Mask identifiers in {id, text} lines; write {id, text, entities} (exit 1 if a line was invalid)."""
    from guardrails.batch import redact_jsonl
    from guardrails.redact import build_redactor

    redactor = _load(build_redactor)
    _run(source, out, lambda lines, stats: redact_jsonl(lines, redactor, stats, batch_size), "redacted")


def _load(build: Callable[[], T]) -> T:
    from guardrails.config import ConfigError

    try:
        return build()
    except ConfigError as exc:
        raise fail(f"guardrail configuration refused: {exc.message}") from None


def _run(
    source: Path,
    out: Path | None,
    process: Callable[[TextIO, BatchStats], Iterator[str]],
    verb: str,
) -> None:
    from guardrails.batch import BatchStats

    stats = BatchStats()
    with _open_in(source) as lines, _open_out(out) as sink:
        for line in process(lines, stats):
            sink.write(line + "\n")
    typer.echo(f"{verb} {stats.processed} texts, {stats.failed} invalid lines", err=True)
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
