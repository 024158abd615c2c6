"""The dependency audit's verdicts: a vulnerability fails, unreachable advisory data is a plain skip."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "dependency_audit.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dependency_audit", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dependency_audit"] = module
    spec.loader.exec_module(module)
    return module


def dep(name: str, *, vulns: list[str] | None = None, skipped: bool = False) -> dict[str, Any]:
    if skipped:
        return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name}"}
    return {"name": name, "version": "1.0", "vulns": [{"id": v, "fix_versions": []} for v in vulns or []]}


def test_a_known_vulnerability_fails(audit: ModuleType) -> None:
    outcome = audit.classify({"dependencies": [dep("fastapi"), dep("jinja2", vulns=["GHSA-xxxx", "CVE-1"])]})
    assert outcome.status == "vulnerable"
    assert outcome.vulnerable == ["jinja2 1.0: GHSA-xxxx, CVE-1"]


def test_nothing_looked_up_is_a_skip_not_a_pass(audit: ModuleType) -> None:
    # What pip-audit reports behind a mirror with no advisory data, while printing "No known vulnerabilities".
    outcome = audit.classify({"dependencies": [dep("fastapi", skipped=True), dep("carepost", skipped=True)]})
    assert outcome.status == "skipped"
    assert outcome.message.startswith("SKIPPED: advisory data unreachable (0 of 1")


def test_no_report_at_all_is_a_skip_with_the_reason(audit: ModuleType) -> None:
    outcome = audit.classify(None, "ConnectionError: Failed to resolve")
    assert outcome.status == "skipped"
    assert "ConnectionError" in outcome.message


def test_a_clean_audit_counts_what_it_looked_up(audit: ModuleType) -> None:
    outcome = audit.classify({"dependencies": [dep("fastapi"), dep("uvicorn"), dep("odd", skipped=True)]})
    assert outcome.status == "passed"
    assert (
        outcome.message
        == "PASSED: 2 of 3 packages audited; 1 not found on the advisory service, none vulnerable"
    )


def test_required_audit_fails_when_it_cannot_run(
    audit: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(audit, "run_pip_audit", lambda _: (None, "offline"))
    assert audit.main([]) == 0
    assert "SKIPPED" in capsys.readouterr().out
    monkeypatch.setenv("CAREPOST_AUDIT_REQUIRED", "1")
    assert audit.main([]) == 1
