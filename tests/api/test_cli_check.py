from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from api.cli import build_cli

LINES = [
    {
        "id": "ok-1",
        "text": "Flu shots are available this week at every location.",
        "platform": "x",
        "content_type": "post",
    },
    {"id": "bad-platform", "text": "Secret Rosalind Quenby", "platform": "myspace", "content_type": "post"},
    {
        "id": "ok-2",
        "text": "Happy Nurses Week to our whole team!",
        "platform": "linkedin",
        "content_type": "post",
    },
]


def write_input(tmp_path: Path) -> Path:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([*(json.dumps(line) for line in LINES), "not json"]) + "\n", encoding="utf-8")
    return source


def test_check_streams_one_result_per_line_and_reports_bad_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(build_cli(), ["check", str(write_input(tmp_path)), "--out", str(out)])
    assert result.exit_code == 1  # two invalid lines
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row.get("id") for row in rows] == ["ok-1", "bad-platform", "ok-2", None]
    assert set(rows[0]) == {"id", "findings", "blocked"}
    assert "error" in rows[1]
    assert rows[3]["line"] == 4
    assert "Rosalind" not in out.read_text(encoding="utf-8")
    assert "checked 2 texts, 2 invalid lines" in result.output


def test_check_command_does_not_import_litellm(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(LINES[0]) + "\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from api.cli import build_cli\n"
        f"result = CliRunner().invoke(build_cli(), ['check', {str(source)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'litellm', 'agents', 'openai'}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    assert completed.stdout.strip().splitlines()[-1] == "[]"


def test_redact_masks_identifiers_and_keeps_spans_into_the_input(tmp_path: Path) -> None:
    text = "Call Rosalind Quenby at 555-0143 about MRN 00482913."
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "r1", "text": text}) + "\n" + '{"id": 5}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(build_cli(), ["redact", str(source), "--out", str(out)])
    assert result.exit_code == 1  # the second line has no text
    first, second = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert first["id"] == "r1"
    assert "Quenby" not in first["text"]
    assert "00482913" not in first["text"]
    masked = {text[e["start"] : e["end"]] for e in first["entities"]}
    assert {"555-0143", "00482913"} <= masked
    assert any("Rosalind" in value for value in masked)
    assert second["line"] == 2
    assert "error" in second
