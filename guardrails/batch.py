"""The JSONL batch forms used by evals and `carepost check` / `carepost redact`.

Input lines are validated one by one; a bad line yields an error object for its
line (never its text, which may hold PHI) instead of being skipped, and the
caller is told how many lines failed so it can exit non-zero.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from guardrails.context import CheckContext, ContentType, ContextFacts, Platform
from guardrails.pipeline import Checker
from guardrails.redact import Redactor


class RedactLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str


class CheckLine(RedactLine):
    platform: Platform
    content_type: ContentType
    context: ContextFacts | None = None


LineT = TypeVar("LineT", bound=RedactLine)


@dataclass
class BatchStats:
    processed: int = 0
    failed: int = 0


def _error_line(number: int, line_id: Any, exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        # Field locations and messages only: pydantic's default text echoes input values.
        detail = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(line)'}: {err['msg']}" for err in exc.errors()
        )
    else:
        detail = "not a JSON object"
    ident = line_id if isinstance(line_id, str) else None
    return json.dumps({"id": ident, "line": number, "error": detail})


def _parse(lines: Iterable[str], model: type[LineT], stats: BatchStats) -> Iterator[LineT | str]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        line_id: Any = None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            line_id = data.get("id")
            yield model.model_validate(data)
        except (ValueError, ValidationError) as exc:
            stats.failed += 1
            yield _error_line(number, line_id, exc)


def _stream(
    lines: Iterable[str],
    model: type[LineT],
    process: Callable[[list[LineT]], Iterable[dict[str, Any]]],
    stats: BatchStats,
    batch_size: int,
) -> Iterator[str]:
    """Parse, process valid lines a batch at a time, and emit results and errors in input order."""
    pending: list[LineT | str] = []

    def flush() -> Iterator[str]:
        results = iter(process([item for item in pending if not isinstance(item, str)]))
        for item in pending:
            if isinstance(item, str):
                yield item
            else:
                stats.processed += 1
                yield json.dumps({"id": item.id, **next(results)})

    for parsed in _parse(lines, model, stats):
        pending.append(parsed)
        if len(pending) >= batch_size:
            yield from flush()
            pending = []
    yield from flush()


def check_jsonl(
    lines: Iterable[str], checker: Checker, stats: BatchStats, batch_size: int = 64
) -> Iterator[str]:
    """One output line per input line: `{"id", "findings", "blocked"}` or an error."""

    def process(batch: list[CheckLine]) -> Iterator[dict[str, Any]]:
        items = (
            (line.text, CheckContext.of(line.platform, line.content_type, line.context)) for line in batch
        )
        for report in checker.check_many(items, batch_size=batch_size):
            yield {
                "findings": [f.model_dump(mode="json") for f in report.findings],
                "blocked": report.blocked,
            }

    return _stream(lines, CheckLine, process, stats, batch_size)


def redact_jsonl(
    lines: Iterable[str], redactor: Redactor, stats: BatchStats, batch_size: int = 64
) -> Iterator[str]:
    """One output line per input line: `{"id", "text", "entities"}` or an error."""

    def process(batch: list[RedactLine]) -> Iterator[dict[str, Any]]:
        for result in redactor.redact_many((line.text for line in batch), batch_size=batch_size):
            yield result.model_dump(mode="json")

    return _stream(lines, RedactLine, process, stats, batch_size)
