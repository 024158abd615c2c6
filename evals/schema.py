"""Eval suite files (`evals/suites/*.yaml`), validated, and the JSON Schemas the project publishes.

    python -m evals.schema            # rewrite evals/schemas/*.json from the models
    python -m evals.schema --check    # exit 1 when a checked-in schema is out of date

A suite names its target, its datasets (one per split, paths relative to the
suite file; a split may gather several files), the target's settings and its
thresholds. Unknown keys are errors everywhere: a misspelt threshold must not
silently gate nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from guardrails.context import Platform
from guardrails.findings import Category, Entity

SCHEMA_DIR = Path(__file__).parent / "schemas"
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(StrEnum):
    GUARDRAILS = "guardrails"
    REDACT = "redact"
    RETRIEVAL = "retrieval"
    DRAFTING = "drafting"


class Bound(_Strict):
    """One gate: `metric` (a key of a split's metrics in report.json) compared with `value`."""

    metric: str
    op: Literal[">=", "<="] = ">="
    value: float

    def holds(self, actual: float) -> bool:
        return actual >= self.value if self.op == ">=" else actual <= self.value


class DatasetRef(_Strict):
    split: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Name used by --split")
    path: Path = Field(description="JSONL file, relative to the suite file")
    also: list[Path] = Field(
        default_factory=list,
        description="More JSONL files of the same split (batches written later), relative to the suite file",
    )
    cases: list[str] = Field(
        default_factory=list,
        description="Only these case ids, in the files' order (a small CI subset); every case when empty",
    )


class Bootstrap(_Strict):
    samples: int = Field(default=1000, ge=0, le=100_000, description="Resamples of cases; 0 turns CIs off")
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)


class _SuiteBase(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    seed: int = Field(default=20261128, description="Seeds the bootstrap (and any sampling)")
    datasets: list[DatasetRef] = Field(min_length=1)
    bootstrap: Bootstrap = Field(default_factory=Bootstrap)

    @model_validator(mode="after")
    def _unique_splits(self) -> _SuiteBase:
        splits = [d.split for d in self.datasets]
        if len(set(splits)) != len(splits):
            raise ValueError("each dataset needs its own split name")
        return self

    def bounds(self) -> list[Bound]:
        raise NotImplementedError


# --- guardrails ------------------------------------------------------------------------


class CategoryFloor(_Strict):
    """Per-case floors for one category (a case counts once per category)."""

    precision: Fraction | None = None
    recall: Fraction | None = None
    f1: Fraction | None = None


class SpanFloor(_Strict):
    """PHI span floors; kept apart from F1 because a missed identifier is a breach even when F1 improves."""

    precision: Fraction | None = None
    recall: Fraction | None = None
    match: Literal["overlap", "exact"] = "overlap"


class GuardrailThresholds(_Strict):
    categories: dict[Category, CategoryFloor] = Field(default_factory=dict)
    phi_spans: SpanFloor | None = None


class GuardrailSettings(_Strict):
    config: Path | None = Field(
        default=None, description="Guardrail YAML, relative to the suite; the built-in one when absent"
    )


class GuardrailSuite(_SuiteBase):
    target: Literal[Target.GUARDRAILS]
    settings: GuardrailSettings = Field(default_factory=GuardrailSettings)
    thresholds: GuardrailThresholds = Field(default_factory=GuardrailThresholds)

    def bounds(self) -> list[Bound]:
        out: list[Bound] = []
        for category, floor in self.thresholds.categories.items():
            out += _floors(category.value, floor.precision, floor.recall, f1=floor.f1)
        spans = self.thresholds.phi_spans
        if spans is not None:
            prefix = "phi_spans" if spans.match == "overlap" else "phi_spans.exact"
            out += _floors(prefix, spans.precision, spans.recall)
        return out


# --- redact -----------------------------------------------------------------------------


class RedactFloor(_Strict):
    precision: Fraction | None = None
    recall: Fraction | None = None
    f2: Fraction | None = None


class RedactThresholds(_Strict):
    overall: RedactFloor | None = Field(default=None, description="Any entity kind; overlap matching")
    typed: RedactFloor | None = Field(default=None, description="Overlap and the same entity kind")
    entities: dict[Entity, RedactFloor] = Field(default_factory=dict)


class RedactSettings(_Strict):
    batch_size: int = Field(default=64, ge=1, le=1024)


class RedactSuite(_SuiteBase):
    target: Literal[Target.REDACT]
    settings: RedactSettings = Field(default_factory=RedactSettings)
    thresholds: RedactThresholds = Field(default_factory=RedactThresholds)

    def bounds(self) -> list[Bound]:
        out: list[Bound] = []
        groups = [("overall", self.thresholds.overall), ("typed", self.thresholds.typed)]
        groups += [(entity.value, floor) for entity, floor in self.thresholds.entities.items()]
        for prefix, floor in groups:
            if floor is not None:
                out += _floors(prefix, floor.precision, floor.recall, f2=floor.f2)
        return out


# --- retrieval ----------------------------------------------------------------------------


class RetrievalSettings(_Strict):
    k: int = Field(default=5, ge=1, le=50)
    depth: int = Field(default=20, ge=1, le=200, description="Documents ranked per query (for MRR)")
    as_of: date = Field(default=date(2026, 11, 28), description="Date for expiry filters: claims expire")


class RetrievalThresholds(_Strict):
    recall_at_k: Fraction | None = None
    mrr: Fraction | None = None


class RetrievalSuite(_SuiteBase):
    target: Literal[Target.RETRIEVAL]
    settings: RetrievalSettings = Field(default_factory=RetrievalSettings)
    thresholds: RetrievalThresholds = Field(default_factory=RetrievalThresholds)

    def bounds(self) -> list[Bound]:
        out = []
        if self.thresholds.recall_at_k is not None:
            out.append(Bound(metric=f"recall@{self.settings.k}", value=self.thresholds.recall_at_k))
        if self.thresholds.mrr is not None:
            out.append(Bound(metric="mrr", value=self.thresholds.mrr))
        return out


# --- drafting --------------------------------------------------------------------------------


class DraftingSettings(_Strict):
    engine: Literal["modular", "llm", "local"] = Field(
        default="modular", description="agents' engine; `carepost eval run --engine` overrides it"
    )
    model: str | None = Field(
        default=None, description="litellm provider string for the llm engine; `--model` overrides it"
    )
    api_base: str | None = Field(default=None, description="OpenAI-compatible endpoint for the llm engine")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0, description="0 keeps a real model repeatable")
    max_rounds: int = Field(default=2, ge=0, le=5, description="Revision rounds after the first draft")
    platforms: list[Platform] = Field(
        default_factory=list, description="Draft only these platforms of each brief; all when empty"
    )
    as_of: date = Field(default=date(2026, 11, 28), description="Drafting date: approved claims expire")
    cache: Path | None = Field(
        default=None,
        description="Folder of model responses keyed by prompt hash, relative to the suite; "
        "`--cache` overrides it; the llm engine defaults to var/evals/cache/SUITE",
    )


class DraftingFloors(_Strict):
    guardrail_pass_rate: Fraction | None = None
    blocked_rate: Fraction | None = Field(default=None, description="A ceiling, not a floor")
    platform_limit_adherence: Fraction | None = None
    invented_identifier_rate: Fraction | None = Field(default=None, description="A ceiling, not a floor")
    unflagged_invented_rate: Fraction | None = Field(
        default=None,
        description="A ceiling: drafts with an invented identifier and no block or warn finding left",
    )
    disclaimer_presence: Fraction | None = None
    key_message_coverage: Fraction | None = None


class DraftingThresholds(DraftingFloors):
    platforms: dict[Platform, DraftingFloors] = Field(
        default_factory=dict, description="The same gates for one platform's drafts"
    )


CEILINGS = frozenset({"blocked_rate", "invented_identifier_rate", "unflagged_invented_rate"})


class DraftingSuite(_SuiteBase):
    target: Literal[Target.DRAFTING]
    settings: DraftingSettings = Field(default_factory=DraftingSettings)
    thresholds: DraftingThresholds = Field(default_factory=DraftingThresholds)

    def bounds(self) -> list[Bound]:
        groups: list[tuple[str, DraftingFloors]] = [("", self.thresholds)]
        groups += [(f"{p.value}.", floors) for p, floors in self.thresholds.platforms.items()]
        out = []
        for prefix, floors in groups:
            values = floors.model_dump(exclude_none=True, exclude={"platforms"})
            for metric, value in values.items():
                op: Literal[">=", "<="] = "<=" if metric in CEILINGS else ">="
                out.append(Bound(metric=f"{prefix}{metric}", op=op, value=value))
        return out


Suite = Annotated[
    GuardrailSuite | RedactSuite | RetrievalSuite | DraftingSuite, Field(discriminator="target")
]


class SuiteFile(RootModel[Suite]):
    """The top level of a suite YAML file."""


def _floors(
    prefix: str,
    precision: float | None,
    recall: float | None,
    *,
    f1: float | None = None,
    f2: float | None = None,
) -> list[Bound]:
    pairs = [("precision", precision), ("recall", recall), ("f1", f1), ("f2", f2)]
    return [Bound(metric=f"{prefix}.{name}", value=value) for name, value in pairs if value is not None]


# --- published JSON Schemas ----------------------------------------------------------------


def schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema, for suites, the three dataset formats and report.json."""
    from evals.cases import EvalCase
    from evals.redact_eval import RedactCase
    from evals.report.model import RunReport
    from evals.retrieval_eval import RetrievalCase

    models: dict[str, type[BaseModel]] = {
        "suite.schema.json": SuiteFile,
        "guardrail-case.schema.json": EvalCase,
        "redact-case.schema.json": RedactCase,
        "retrieval-case.schema.json": RetrievalCase,
        "report.schema.json": RunReport,
    }
    return {name: model.model_json_schema() for name, model in models.items()}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def stale(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of schema files that differ from what the models produce now."""
    out = []
    for name, schema in schemas().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != render(schema):
            out.append(name)
    return out


def write(directory: Path = SCHEMA_DIR) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas().items():
        (directory / name).write_text(render(schema), encoding="utf-8")
    return sorted(schemas())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report out-of-date schema files")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR)
    args = parser.parse_args(argv)
    if args.check:
        names = stale(args.dir)
        if names:
            sys.stderr.write(f"out of date: {', '.join(names)}; run python -m evals.schema\n")
            return 1
        return 0
    for name in write(args.dir):
        sys.stdout.write(f"wrote {args.dir / name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
