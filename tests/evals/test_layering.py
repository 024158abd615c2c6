"""evals/ sits beside api/: it never imports api, and measuring guardrails never loads litellm or agents."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

EVALS = Path(__file__).resolve().parents[2] / "evals"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_evals_module_imports_api() -> None:
    offenders = {
        str(path.relative_to(EVALS)): sorted(n for n in _imports(path) if n == "api" or n.startswith("api."))
        for path in EVALS.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_running_the_guardrail_runner_modules_loads_no_llm_code() -> None:
    probe = (
        "import sys\n"
        "import evals.runner, evals.report.html, evals.report.compare\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'litellm', 'agents', 'openai', 'api'}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert completed.stdout.strip() == "[]"
