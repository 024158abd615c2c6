"""Load and validate suite files and their datasets, with errors that name the file and line.

Validation messages carry locations and reasons but never the offending values:
a dataset line is a post that may hold PHI.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from evals.cases import EvalCase
from evals.redact_eval import RedactCase
from evals.report.model import DatasetInfo
from evals.retrieval_eval import RetrievalCase
from evals.schema import DatasetRef, Suite, SuiteFile, Target

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"

CASE_MODELS: dict[Target, type[BaseModel]] = {
    Target.GUARDRAILS: EvalCase,
    Target.REDACT: RedactCase,
    Target.RETRIEVAL: RetrievalCase,
}


class EvalError(Exception):
    """The run cannot start or go on: a bad suite or dataset, an unknown split, an unsupported target."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LoadedSuite:
    suite: Suite
    path: Path
    sha256: str

    def dataset_path(self, ref: DatasetRef) -> Path:
        return ref.path if ref.path.is_absolute() else (self.path.parent / ref.path).resolve()

    def dataset_paths(self, ref: DatasetRef) -> list[Path]:
        """The split's files: its `path`, then each of `also`."""
        return [self.resolve(p) for p in (ref.path, *ref.also)]

    def load_split(self, ref: DatasetRef) -> list[BaseModel]:
        """Every case of the split, file by file; an id must be unique across the split's files."""
        cases: list[BaseModel] = []
        where: dict[str, Path] = {}
        for path in self.dataset_paths(ref):
            for case in load_dataset(self.suite.target, path):
                case_id = str(getattr(case, "id", ""))
                if case_id in where:
                    raise EvalError(
                        f"split {ref.split}: case id {case_id} is in both {where[case_id].name} and {path.name}"
                    )
                where[case_id] = path
                cases.append(case)
        if not ref.cases:
            return cases
        missing = [c for c in ref.cases if c not in where]
        if missing:  # a typo must not quietly shrink the subset
            raise EvalError(f"split {ref.split}: no case with id {', '.join(missing)}")
        wanted = set(ref.cases)
        return [c for c in cases if str(getattr(c, "id", "")) in wanted]

    def split_info(self, ref: DatasetRef, cases: int) -> DatasetInfo:
        """What a report records of the split: its files and one digest over them, in order."""
        paths = self.dataset_paths(ref)
        digest = sha256_file(paths[0]) if len(paths) == 1 else _digest_of(paths)
        shown = ", ".join(str(p) for p in (ref.path, *ref.also))
        return DatasetInfo(split=ref.split, path=shown, sha256=digest, cases=cases)

    def resolve(self, relative: Path) -> Path:
        return relative if relative.is_absolute() else (self.path.parent / relative).resolve()

    def datasets(self, splits: list[str] | None) -> list[DatasetRef]:
        known = {d.split: d for d in self.suite.datasets}
        if not splits:
            return list(self.suite.datasets)
        unknown = [s for s in splits if s not in known]
        if unknown:
            raise EvalError(
                f"suite {self.suite.name} has no split {', '.join(unknown)} (it has {', '.join(known)})"
            )
        return [known[s] for s in dict.fromkeys(splits)]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest_of(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def find_suite(name_or_path: str) -> Path:
    """A path to a YAML file, or the name of a suite in evals/suites/ (`guardrails`)."""
    path = Path(name_or_path)
    if path.is_file():
        return path.resolve()
    named = SUITES_DIR / f"{name_or_path}.yaml"
    if path.suffix == "" and named.is_file():
        return named
    available = ", ".join(sorted(p.stem for p in SUITES_DIR.glob("*.yaml")))
    raise EvalError(f"no suite file or named suite {name_or_path!r} (named suites: {available})")


def load_suite(name_or_path: str) -> LoadedSuite:
    path = find_suite(name_or_path)
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        raise EvalError(f"{path}{line}: not valid YAML") from None
    try:
        suite = SuiteFile.model_validate(data).root
    except ValidationError as exc:
        raise EvalError(f"{path}: invalid suite\n{_errors(exc)}") from None
    return LoadedSuite(suite=suite, path=path, sha256=hashlib.sha256(raw).hexdigest())


def load_dataset(target: Target, path: Path) -> list[BaseModel]:
    """Every line validated against the target's case model; ids must be unique."""
    model = _case_model(target)
    if model is None:
        raise EvalError(f"no dataset format for target {target.value}")
    if not path.is_file():
        raise EvalError(f"dataset not found: {path}")
    cases: list[BaseModel] = []
    problems: list[str] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                case = model.model_validate(json.loads(line))
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{number}: not JSON ({exc.msg})")
                continue
            except ValidationError as exc:
                problems.append(f"{path.name}:{number}:\n{_errors(exc)}")
                continue
            case_id = str(getattr(case, "id", ""))
            if case_id in seen:
                problems.append(f"{path.name}:{number}: duplicate case id {case_id}")
            seen.add(case_id)
            cases.append(case)
    if problems:
        raise EvalError(f"invalid dataset {path}\n" + "\n".join(problems[:20]))
    if not cases:
        raise EvalError(f"dataset {path} holds no cases")
    return cases


def _case_model(target: Target) -> type[BaseModel] | None:
    if target is Target.DRAFTING:
        # agents is imported only when a drafting suite runs: the other targets must not load it
        from agents.brief import Brief

        return Brief
    return CASE_MODELS.get(target)


def _errors(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {where}: {error['msg']}")
    return "\n".join(lines)
