"""The eval runner: `load_suite(name)` then `run_suite(loaded, splits, progress)` -> RunReport."""

from evals.runner.core import code_version, run_suite
from evals.runner.loading import EvalError, LoadedSuite, load_dataset, load_suite
from evals.runner.progress import NoProgress, Progress

__all__ = [
    "EvalError",
    "LoadedSuite",
    "NoProgress",
    "Progress",
    "code_version",
    "load_dataset",
    "load_suite",
    "run_suite",
]
