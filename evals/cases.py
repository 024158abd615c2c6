"""The eval case format of DESIGN.md, validated: one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guardrails.context import CheckContext, ContentType, ContextFacts, Platform
from guardrails.findings import Category, Entity

# The day the labels judged consent validity on ("expires 2027-03-31" is valid): checks run
# as of this day, so that a figure reruns the same after the data's consents expire.
LABELLED_AS_OF = date(2026, 11, 28)


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    entity: Entity | None = None

    @property
    def span(self) -> tuple[int, int] | None:
        if self.start is None or self.end is None:
            return None
        return self.start, self.end


class EvalCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    text: str
    platform: Platform
    content_type: ContentType
    context: ContextFacts | None = None
    labels: list[Label]
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _spans_inside_text(self) -> EvalCase:
        for label in self.labels:
            span = label.span
            if span is not None and not 0 <= span[0] < span[1] <= len(self.text):
                raise ValueError(f"label span {span} outside the text of case {self.id}")
        return self

    @property
    def categories(self) -> frozenset[Category]:
        return frozenset(label.category for label in self.labels)

    def check_context(self) -> CheckContext:
        ctx = CheckContext.of(self.platform, self.content_type, self.context)
        return ctx.model_copy(update={"today": LABELLED_AS_OF})


def load_cases(path: Path) -> list[EvalCase]:
    return list(iter_cases(path))


def iter_cases(path: Path) -> Iterator[EvalCase]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield EvalCase.model_validate(json.loads(line))
                except ValueError as exc:
                    raise ValueError(f"{path}:{number}: {exc}") from None
