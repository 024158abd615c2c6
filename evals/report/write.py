"""Write report.json and report.html into a run's output folder; read a report back."""

from __future__ import annotations

from pathlib import Path

from evals.report.html import render_html
from evals.report.model import RunReport


def write_report(report: RunReport, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    json_path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def read_report(path: Path) -> RunReport:
    return RunReport.model_validate_json(path.read_bytes())
