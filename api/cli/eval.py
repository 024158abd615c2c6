"""`carepost eval run SUITE` and `carepost eval compare A.json B.json`: the eval runner's command line.

The work lives in `evals/` (which never imports `api/`); this module parses
options, draws the progress bar on stderr and maps outcomes to exit codes:
0 every threshold held, 1 a threshold failed (or, for compare with
--fail-on-regression, a metric regressed), 2 the suite, a dataset or an option
was unusable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import fail

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

cli = typer.Typer(help="Run eval suites and compare their reports.", no_args_is_help=True)

SuiteArg = Annotated[str, typer.Argument(help="A suite name in evals/suites/ (guardrails) or a YAML path.")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Folder for report.json and report.html [var/evals/SUITE].")
]
SplitOpt = Annotated[
    list[str] | None,
    typer.Option("--split", "-s", help="Run only this split (repeatable) [all of the suite's]."),
]

EngineOpt = Annotated[
    str | None, typer.Option("--engine", "-e", help="Drafting suites: modular, llm or local [the suite's].")
]
ModelOpt = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Drafting suites: litellm provider string, e.g. ollama/llama3."),
]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache", help="Drafting suites: folder of model responses by prompt hash [var/evals/cache/SUITE]."
    ),
]


class BarProgress:
    """The runner's progress sink, drawn with rich on stderr (stdout stays for results)."""

    def __init__(self, progress: RichProgress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, visible=False)
        self._task = self._progress.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)


@cli.command("run")
def run(
    suite: SuiteArg,
    out: OutOpt = None,
    split: SplitOpt = None,
    engine: EngineOpt = None,
    model: ModelOpt = None,
    cache: CacheOpt = None,
) -> None:
    """Run SUITE, write report.json and report.html, exit 1 when a threshold fails."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from evals.report.write import write_report
    from evals.runner import EvalError, load_suite, run_suite
    from evals.runner.drafting import DraftingOptions

    try:
        loaded = load_suite(suite)
        console = Console(stderr=True)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as bar:
            options = DraftingOptions(engine=engine, model=model, cache=cache)
            report = run_suite(loaded, split or None, BarProgress(bar), drafting=options)
    except EvalError as exc:
        raise fail(exc.message, code=2) from None
    target = out if out is not None else Path("var") / "evals" / loaded.suite.name
    json_path, html_path = write_report(report, target)
    for result in report.thresholds:
        typer.echo(("pass  " if result.passed else "FAIL  ") + result.message)
    timings = report.meta.timings
    typer.echo(
        f"{loaded.suite.name}: {'PASSED' if report.passed else 'FAILED'} in {timings['total_s']:.1f} s"
    )
    typer.echo(f"wrote {json_path} and {html_path}")
    if not report.passed:
        failed = report.failures()
        names = ", ".join(f"{f.split} {f.metric}" for f in failed)
        raise fail(
            f"{len(failed)} threshold(s) failed ({names}); the FAIL lines above name the cases", code=1
        )


@cli.command("compare")
def compare(
    before: Annotated[Path, typer.Argument(help="report.json of the earlier run (A).")],
    after: Annotated[Path, typer.Argument(help="report.json of the later run (B).")],
    tolerance: Annotated[float, typer.Option(min=0.0, help="Ignore changes up to this size.")] = 0.0,
    show_same: Annotated[bool, typer.Option("--all", help="Also list unchanged metrics.")] = False,
    fail_on_regression: Annotated[bool, typer.Option(help="Exit 1 when any metric regressed.")] = False,
) -> None:
    """Show regressions and improvements from report A to report B, metric by metric."""
    from pydantic import ValidationError

    from evals.report.compare import compare as compare_reports
    from evals.report.compare import render_comparison
    from evals.report.write import read_report

    reports = []
    for path in (before, after):
        if not path.is_file():
            raise fail(f"no such report: {path}", code=2)
        try:
            reports.append(read_report(path))
        except ValidationError:
            raise fail(f"{path} is not an eval report.json of this version", code=2) from None
    comparison = compare_reports(reports[0], reports[1], tolerance=tolerance)
    typer.echo(render_comparison(comparison, str(before), str(after), show_same=show_same))
    if fail_on_regression and comparison.of("regression"):
        raise typer.Exit(1)
