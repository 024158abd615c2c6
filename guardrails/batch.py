"""The JSONL batch forms used by evals and `carepost check` / `carepost redact`.

Input lines are validated one by one; a bad line yields an error object for its
line (never its text, which may hold PHI) instead of being skipped, and the
caller is told how many lines failed so it can exit non-zero.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from guardrails.context import CheckContext, ContentType, ContextFacts, Platform
from guardrails.pipeline import Checker


class CheckLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    platform: Platform
    content_type: ContentType
    context: ContextFacts | None = None


@dataclass
class BatchStats:
    processed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


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


def _parse(lines: Iterable[str], stats: BatchStats) -> Iterator[tuple[int, CheckLine | str]]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        line_id: Any = None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            line_id = data.get("id")
            yield number, CheckLine.model_validate(data)
        except (ValueError, ValidationError) as exc:
            stats.failed += 1
            yield number, _error_line(number, line_id, exc)


def check_jsonl(
    lines: Iterable[str], checker: Checker, stats: BatchStats, batch_size: int = 64
) -> Iterator[str]:
    """Yield one output line per input line, in order: `{"id", "findings", "blocked"}` or an error."""
    pending: list[tuple[int, CheckLine | str]] = []

    def flush() -> Iterator[str]:
        valid = [item for _, item in pending if isinstance(item, CheckLine)]
        reports = iter(
            checker.check_many(
                (
                    (line.text, CheckContext.of(line.platform, line.content_type, line.context))
                    for line in valid
                ),
                batch_size=batch_size,
            )
        )
        for _, item in pending:
            if isinstance(item, str):
                yield item
                continue
            report = next(reports)
            stats.processed += 1
            yield json.dumps(
                {
                    "id": item.id,
                    "findings": [f.model_dump(mode="json") for f in report.findings],
                    "blocked": report.blocked,
                }
            )

    for parsed in _parse(lines, stats):
        pending.append(parsed)
        if len(pending) >= batch_size:
            yield from flush()
            pending = []
    if pending:
        yield from flush()
