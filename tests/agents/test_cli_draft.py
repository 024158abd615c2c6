"""`carepost draft brief.json [--json]` with the modular engine over the default pack."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import build_cli
from tests.agents.conftest import BRIEFS


def test_draft_json(tmp_path: Path) -> None:
    brief = tmp_path / "brief.json"
    brief.write_text(BRIEFS.read_text().splitlines()[0])
    result = CliRunner().invoke(build_cli(), ["draft", str(brief), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["brief_id"] == "flu-clinics-saturday"
    assert out["engine"] == "modular"
    assert [d["platform"] for d in out["drafts"]] == ["facebook", "instagram", "x"]
    for draft in out["drafts"]:
        assert set(draft) == {"platform", "text", "status", "findings"}
        assert draft["status"] in ("needs_review", "blocked")


def test_invalid_brief_exits_2_without_echoing_it(tmp_path: Path) -> None:
    brief = tmp_path / "brief.json"
    brief.write_text(json.dumps({"topic": "Maria Lopez MRN 4455-2219", "platforms": ["myspace"]}))
    result = CliRunner().invoke(build_cli(), ["draft", str(brief)])
    assert result.exit_code == 2
    assert "platforms" in result.output
    assert "Maria" not in result.output


def test_llm_engine_needs_a_model(tmp_path: Path) -> None:
    brief = tmp_path / "brief.json"
    brief.write_text(BRIEFS.read_text().splitlines()[0])
    result = CliRunner().invoke(build_cli(), ["draft", str(brief), "--engine", "llm"])
    assert result.exit_code == 2
    assert "--model" in result.output
