"""The skeleton every target's runner shares: validate every split, load the target's models once,
then per split start the progress bar, evaluate and collect the `SplitReport`.

Every split's cases are validated before any model loads, so a bad dataset fails in
a second instead of after spaCy or chroma have started.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from pydantic import BaseModel

from evals.metrics.bootstrap import Resampler
from evals.report.model import DatasetInfo, SplitReport
from evals.runner.loading import LoadedSuite
from evals.runner.progress import Progress
from evals.schema import DatasetRef

C = TypeVar("C", bound=BaseModel)
R = TypeVar("R")


@dataclass(frozen=True)
class SplitRun(Generic[C]):
    """One split about to be evaluated: its cases, where they came from, and its resampler."""

    ref: DatasetRef
    cases: list[C]
    dataset: DatasetInfo
    resampler: Resampler
    progress: Progress

    @property
    def split(self) -> str:
        return self.ref.split


def run_splits(
    loaded: LoadedSuite,
    splits: list[str] | None,
    progress: Progress,
    timings: dict[str, float],
    *,
    label: str,
    setup: Callable[[], AbstractContextManager[R]],
    evaluate: Callable[[R, SplitRun[C]], SplitReport],
) -> list[SplitReport]:
    """`setup()` yields what the target runs with (a checker, a knowledge base...), timed as `load_s`."""
    suite = loaded.suite
    refs = loaded.datasets(splits)
    loaded_cases = [cast(list[C], loaded.load_split(ref)) for ref in refs]
    reports: list[SplitReport] = []
    started = time.perf_counter()
    with setup() as resource:
        timings["load_s"] = time.perf_counter() - started
        for ref, cases in zip(refs, loaded_cases, strict=True):
            progress.start(f"{label} {ref.split}", len(cases))
            resampler = Resampler(
                len(cases),
                samples=suite.bootstrap.samples,
                seed=suite.seed,
                confidence=suite.bootstrap.confidence,
            )
            run = SplitRun(
                ref=ref,
                cases=cases,
                dataset=loaded.split_info(ref, len(cases)),
                resampler=resampler,
                progress=progress,
            )
            reports.append(evaluate(resource, run))
    return reports


@contextmanager
def holding(value: R) -> Iterator[R]:
    """A `setup` for targets whose resource needs no closing."""
    yield value
