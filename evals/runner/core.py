"""`run_suite`: load a suite's datasets, run its target, score, gate on thresholds, describe the run."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from evals.metrics.thresholds import evaluate
from evals.report.model import RunMeta, RunReport, SplitReport, SuiteInfo
from evals.runner.drafting import ChatModelFactory, DraftingOptions, run_drafting
from evals.runner.guardrails import CheckerFactory, run_guardrails
from evals.runner.loading import EvalError, LoadedSuite
from evals.runner.progress import NoProgress, Progress
from evals.runner.redact import run_redact
from evals.runner.retrieval import run_retrieval
from evals.schema import DraftingSuite, GuardrailSuite, RedactSuite, RetrievalSuite

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_suite(
    loaded: LoadedSuite,
    splits: list[str] | None = None,
    progress: Progress | None = None,
    *,
    checker_factory: CheckerFactory | None = None,
    drafting: DraftingOptions | None = None,
    chat_model_factory: ChatModelFactory | None = None,
) -> RunReport:
    """Run every requested split (all of the suite's when None) and apply the suite's thresholds.

    `checker_factory` lets a caller supply the guardrail checker (tests share one
    across runs); by default the runner builds it from the suite's settings.
    `drafting` overrides a drafting suite's engine, model and cache folder;
    `chat_model_factory` supplies its model (tests pass a fake).
    """
    suite = loaded.suite
    sink = progress or NoProgress()
    started_at = _now()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    reports: list[SplitReport]
    if drafting is not None and drafting != DraftingOptions() and not isinstance(suite, DraftingSuite):
        raise EvalError(f"suite {suite.name}: --engine, --model and --cache apply to drafting suites only")
    if isinstance(suite, GuardrailSuite):
        reports, settings = run_guardrails(loaded, suite, splits, sink, timings, checker_factory)
    elif isinstance(suite, RedactSuite):
        reports, settings = run_redact(loaded, suite, splits, sink, timings)
    elif isinstance(suite, RetrievalSuite):
        reports, settings = run_retrieval(loaded, suite, splits, sink, timings)
    elif isinstance(suite, DraftingSuite):
        reports, settings = run_drafting(loaded, suite, splits, sink, timings, drafting, chat_model_factory)
    else:  # pragma: no cover - the discriminated union has no other member
        raise EvalError(f"unsupported target {suite.target}")
    thresholds = evaluate(suite.bounds(), reports)
    timings = {name: round(value, 3) for name, value in timings.items()}
    timings["total_s"] = round(time.perf_counter() - started, 3)
    meta = RunMeta(
        suite=SuiteInfo(
            name=suite.name, target=suite.target.value, path=_shown(loaded.path), sha256=loaded.sha256
        ),
        code_version=code_version(),
        package_version=package_version(),
        python=platform.python_version(),
        platform=platform.platform(),
        cpus=os.cpu_count(),
        seed=suite.seed,
        settings={
            "bootstrap": suite.bootstrap.model_dump(),
            **settings,
            "splits": [r.split for r in reports],
        },
        started_at=started_at,
        finished_at=_now(),
        timings=timings,
    )
    return RunReport(
        meta=meta, splits=reports, thresholds=thresholds, passed=all(t.passed for t in thresholds)
    )


def package_version() -> str:
    try:
        return metadata.version("carepost")
    except metadata.PackageNotFoundError:
        return "unknown"


def code_version() -> str:
    """`git describe` of the checkout the code runs from, else the installed package version."""
    try:
        completed = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        completed = None
    if completed is not None and completed.returncode == 0 and completed.stdout.strip():
        return f"git:{completed.stdout.strip()}"
    return f"carepost {package_version()}"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
