"""Audit the installed dependencies for known vulnerabilities with pip-audit, honestly.

pip-audit looks each package up in an advisory service. Offline, or behind a
registry mirror that serves no advisory data, it either crashes or marks every
package "could not be audited" and still prints "No known vulnerabilities
found". This wrapper reads its JSON report and says which happened:

  exit 1  a known vulnerability in an audited package (listed), or a required audit that could not run
  exit 0  "PASSED: N of M audited, none vulnerable", or
          "SKIPPED: advisory data unreachable" with the reason: not a pass, and it says so

CAREPOST_AUDIT_REQUIRED=1 turns a skip into a failure, for a CI that has advisory access.
Usage: python .ci/dependency_audit.py [--pip-audit PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The project itself is installed from source and never on the advisory service.
OWN_DISTRIBUTIONS = {"carepost"}
PIP_AUDIT_TIMEOUT_SECONDS = 600


@dataclass
class Outcome:
    status: str  # passed | vulnerable | skipped
    message: str
    vulnerable: list[str] = field(default_factory=list)


def classify(report: dict[str, Any] | None, error: str | None = None) -> Outcome:
    """Judge one pip-audit run from its JSON report (None when it produced none)."""
    if report is None:
        return Outcome(
            "skipped", f"SKIPPED: advisory data unreachable ({error or 'pip-audit gave no report'})"
        )
    dependencies = [d for d in report.get("dependencies", []) if d.get("name") not in OWN_DISTRIBUTIONS]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [
        f"{d['name']} {d.get('version', '?')}: " + ", ".join(v.get("id", "?") for v in d["vulns"])
        for d in audited
        if d.get("vulns")
    ]
    if vulnerable:
        return Outcome(
            "vulnerable", f"FAILED: {len(vulnerable)} vulnerable package(s)", vulnerable=vulnerable
        )
    if not audited:
        return Outcome(
            "skipped",
            f"SKIPPED: advisory data unreachable (0 of {len(dependencies)} packages could be looked up)",
        )
    unaudited = len(dependencies) - len(audited)
    note = f"; {unaudited} not found on the advisory service" if unaudited else ""
    return Outcome(
        "passed", f"PASSED: {len(audited)} of {len(dependencies)} packages audited{note}, none vulnerable"
    )


def run_pip_audit(pip_audit: str) -> tuple[dict[str, Any] | None, str | None]:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        try:
            finished = subprocess.run(
                [
                    pip_audit,
                    "--local",
                    "--progress-spinner",
                    "off",
                    "--format",
                    "json",
                    "--output",
                    str(output),
                ],
                capture_output=True,
                text=True,
                timeout=PIP_AUDIT_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, type(exc).__name__
        if not output.exists() or not output.read_text().strip():
            last_line = (finished.stderr.strip().splitlines() or ["no output"])[-1]
            return None, last_line[:300]
        report: dict[str, Any] = json.loads(output.read_text())
        return report, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-audit", default=str(Path(sys.executable).with_name("pip-audit")))
    args = parser.parse_args(argv)
    outcome = classify(*run_pip_audit(args.pip_audit))
    print(f"dependency audit: {outcome.message}")
    for line in outcome.vulnerable:
        print(f"  {line}")
    if outcome.status == "vulnerable":
        return 1
    if outcome.status == "skipped" and os.environ.get("CAREPOST_AUDIT_REQUIRED") == "1":
        print("dependency audit: CAREPOST_AUDIT_REQUIRED=1, so a skipped audit fails")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
