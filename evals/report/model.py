"""report.json: what one `carepost eval run` measured, and on what.

Reports hold case ids, offsets and entity kinds, never case text: they are
shared with people who should not see the frozen test split, and a dataset
built from real feedback may one day hold PHI.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MetricValue(_Model):
    value: float
    ci_low: float | None = Field(default=None, description="Bootstrap interval over cases")
    ci_high: float | None = None
    better: Literal["higher", "lower"] = "higher"
    support: int | None = Field(default=None, description="Items behind the value (gold spans, cases, ...)")
    cases: list[str] = Field(default_factory=list, description="Ids of the cases behind the shortfall")


class Confusion(_Model):
    """Per-case counts for one category (or entity kind, for spans)."""

    tp: int
    fp: int
    fn: int
    tn: int | None = None
    misses: list[str] = Field(default_factory=list)
    false_alarms: list[str] = Field(default_factory=list)


class SpanError(_Model):
    case_id: str
    kind: Literal["missed", "false"]
    start: int
    end: int
    entity: str | None = None


class Histogram(_Model):
    unit: str
    edges: list[float] = Field(description="Bin edges; counts[i] lies in [edges[i], edges[i+1])")
    counts: list[int]
    overflow: int = Field(default=0, description="Values at or past the last edge")


class Latency(_Model):
    unit: Literal["ms"] = "ms"
    p50: float
    p90: float
    p99: float
    max: float
    mean: float
    histogram: Histogram


class DatasetInfo(_Model):
    split: str
    path: str
    sha256: str
    cases: int


class FoundSpan(_Model):
    entity: str
    start: int
    end: int


class DraftRow(_Model):
    """One drafted platform of one brief: outcomes, offsets and ids, never the draft's text."""

    case_id: str
    platform: str
    status: Literal["needs_review", "blocked", "refused", "error"]
    error: str | None = Field(default=None, description="Exception type when drafting failed")
    passed: bool = Field(description="No block or warn finding remained")
    within_limits: bool | None = None
    invented: list[FoundSpan] = Field(
        default_factory=list, description="Identifiers in the draft found in neither the brief nor the pack"
    )
    disclaimers_required: list[str] = Field(default_factory=list)
    disclaimers_missing: list[str] = Field(default_factory=list)
    key_messages: int = 0
    key_messages_covered: int = 0
    rules: list[str] = Field(default_factory=list, description="Rule ids of the block and warn findings left")
    rounds: int = 0
    latency_ms: float = 0.0
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None


class SplitReport(_Model):
    split: str
    dataset: DatasetInfo
    metrics: dict[str, MetricValue]
    confusion: dict[str, Confusion] = Field(default_factory=dict)
    entities: dict[str, Confusion] = Field(default_factory=dict)
    span_errors: list[SpanError] = Field(default_factory=list)
    ranks: Histogram | None = None
    drafts: list[DraftRow] = Field(default_factory=list)
    latency: Latency | None = None
    timings: dict[str, float] = Field(default_factory=dict)


class ThresholdResult(_Model):
    split: str
    metric: str
    op: Literal[">=", "<="]
    bound: float
    value: float | None = Field(description="None when the run did not produce the metric (a failure)")
    passed: bool
    cases: list[str] = Field(default_factory=list)
    message: str


class SuiteInfo(_Model):
    name: str
    target: str
    path: str
    sha256: str


class RunMeta(_Model):
    suite: SuiteInfo
    code_version: str
    package_version: str
    python: str
    platform: str
    cpus: int | None
    seed: int
    settings: dict[str, Any]
    started_at: str
    finished_at: str
    timings: dict[str, float] = Field(default_factory=dict)


class RunReport(_Model):
    schema_version: Literal[1] = SCHEMA_VERSION
    meta: RunMeta
    splits: list[SplitReport]
    thresholds: list[ThresholdResult]
    passed: bool

    def failures(self) -> list[ThresholdResult]:
        return [t for t in self.thresholds if not t.passed]

    def split(self, name: str) -> SplitReport:
        for split in self.splits:
            if split.split == name:
                return split
        raise KeyError(name)
