"""The drafting suite end to end: the modular engine over real briefs, and the llm engine with a fake
model whose responses are cached by prompt hash so a rerun replays them without calling the model."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agents.chat import ChatMessage
from agents.testing import CallInfo, FunctionChatModel
from api.cli import build_cli
from evals.report.model import DraftRow
from evals.report.svg import SVG_NS
from evals.report.write import write_report
from evals.runner import load_suite, run_suite
from evals.runner.drafting import DraftingOptions
from evals.runner.loading import SUITES_DIR
from tests.evals.helpers import write_jsonl, write_suite

BRIEFS = SUITES_DIR.parent / "datasets" / "briefs.jsonl"
INVENTED_PHONE = "555-867-5309"


def _briefs(ids: list[str]) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in BRIEFS.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in ids]


def _suite(tmp_path: Path, briefs: list[dict[str, Any]], **extra: Any) -> Path:
    write_jsonl(tmp_path / "briefs.jsonl", briefs)
    body = {
        "name": "drafts",
        "target": "drafting",
        "seed": 3,
        "datasets": [{"split": "briefs", "path": "briefs.jsonl"}],
        "bootstrap": {"samples": 100},
        **extra,
    }
    return write_suite(tmp_path, body)


def test_modular_engine_over_real_briefs_per_platform(tmp_path: Path) -> None:
    briefs = _briefs(["flu-clinics-saturday", "heart-month-numbers"])
    suite = _suite(
        tmp_path, briefs, thresholds={"key_message_coverage": 1.0, "platform_limit_adherence": 1.0}
    )
    report = run_suite(load_suite(str(suite)))
    (split,) = report.splits
    platforms = [(b["id"], p) for b in briefs for p in b["platforms"]]
    assert [(d.case_id, d.platform) for d in split.drafts] == platforms
    # the modular engine carries every key message and keeps to the platform's limits (issue 5)
    assert report.passed, [t.message for t in report.failures()]
    metrics = split.metrics
    for platform in {p for _, p in platforms}:
        assert f"{platform}.guardrail_pass_rate" in metrics
        assert f"{platform}.platform_limit_adherence" in metrics
    assert metrics["drafts"].value == len(platforms)
    assert metrics["input_tokens"].value == 0  # no model, no tokens, nothing to pay
    assert metrics["cost_usd"].value == 0.0
    assert report.meta.settings["engine"] == "modular"
    assert split.latency is not None
    assert "text" not in DraftRow.model_fields  # reports carry ids and offsets, never drafts

    _, html_path = write_report(report, tmp_path / "out")
    root = ET.fromstring(html_path.read_text(encoding="utf-8"))
    chart = root.find(f".//{{{SVG_NS}}}svg[@id='per-platform-chart-briefs']")
    assert chart is not None
    bars = chart.findall(f"{{{SVG_NS}}}rect[@class='bar']")
    assert {b.get("data-group") for b in bars} == {"all", *(p for _, p in platforms)}


def _drafter(messages: list[ChatMessage], info: CallInfo) -> str:
    del messages, info
    return json.dumps({"text": f"Flu shots this week. Questions? Text Sam at {INVENTED_PHONE}."})


def _unreachable(messages: list[ChatMessage], info: CallInfo) -> str:
    raise AssertionError("a cached rerun must not call the model")


def test_llm_engine_responses_are_cached_and_a_rerun_replays_them(tmp_path: Path) -> None:
    briefs = _briefs(["flu-clinics-saturday"])
    suite = _suite(
        tmp_path,
        briefs,
        settings={"engine": "llm", "model": "fake", "max_rounds": 1},
        thresholds={"invented_identifier_rate": 0.0},
    )
    cache = tmp_path / "cache"
    first_model = FunctionChatModel(_drafter, name="fake")
    # one chroma folder for both runs: the second finds the pack loaded and embeds nothing
    options = DraftingOptions(cache=cache, chroma=tmp_path / "chroma")
    first = run_suite(load_suite(str(suite)), drafting=options, chat_model_factory=lambda: first_model)
    assert first_model.calls  # the model was asked
    assert first.meta.settings["model_calls"] == len(first_model.calls)
    assert first.meta.settings["cache_hits"] == 0
    assert list(cache.rglob("*.json"))

    (split,) = first.splits
    drafted = [f"{briefs[0]['id']}/{p}" for p in briefs[0]["platforms"]]
    assert split.metrics["invented_identifier_rate"].value == 1.0
    assert split.metrics["invented_identifier_rate"].cases == drafted
    assert split.metrics["input_tokens"].value > 0
    assert "cost_usd" not in split.metrics  # 'fake' is not in litellm's price map: no made-up price
    (failed,) = first.failures()
    assert failed.message.startswith("briefs: invented_identifier_rate 1.000, needs <= 0.000")
    assert ", ".join(drafted) in failed.message

    second = run_suite(
        load_suite(str(suite)),
        drafting=options,
        chat_model_factory=lambda: FunctionChatModel(_unreachable, name="fake"),
    )
    assert second.meta.settings["model_calls"] == 0
    assert second.meta.settings["cache_hits"] == len(first_model.calls)
    again = second.splits[0]
    for name, value in split.metrics.items():
        if "latency" not in name:
            assert again.metrics[name] == value, name
    strip = {"latency_ms"}
    assert [d.model_dump(exclude=strip) for d in again.drafts] == [
        d.model_dump(exclude=strip) for d in split.drafts
    ]


def test_cli_engine_and_model_options(tmp_path: Path) -> None:
    suite = _suite(tmp_path, _briefs(["flu-clinics-saturday"]))
    runner = CliRunner()
    no_model = runner.invoke(build_cli(), ["eval", "run", str(suite), "--engine", "llm"])
    assert no_model.exit_code == 2
    assert "needs a model" in no_model.output
    unknown = runner.invoke(build_cli(), ["eval", "run", str(suite), "--engine", "gpt"])
    assert unknown.exit_code == 2
    assert "unknown drafting engine 'gpt'" in unknown.output


@pytest.mark.parametrize(
    ("name", "at_least"),
    [("drafting", 40), ("drafting-ci", 40), ("drafting-local", 45), ("drafting-local-ci", 3)],
)
def test_shipped_drafting_suites_read_the_briefs_dataset(name: str, at_least: int) -> None:
    loaded = load_suite(name)
    (ref,) = loaded.suite.datasets
    assert loaded.dataset_path(ref) == BRIEFS
    assert len(loaded.load_split(ref)) >= at_least


def test_local_engine_drafts_through_the_local_model_and_counts_unflagged_inventions(tmp_path: Path) -> None:
    briefs = _briefs(["flu-walk-in-northgate"])
    suite = _suite(
        tmp_path,
        briefs,
        settings={"engine": "local", "max_rounds": 0},
        thresholds={"unflagged_invented_rate": 0.0},
    )
    model = FunctionChatModel(_drafter, name="fake-local")
    options = DraftingOptions(cache=tmp_path / "cache", chroma=tmp_path / "chroma")
    report = run_suite(load_suite(str(suite)), drafting=options, chat_model_factory=lambda: model)
    assert model.calls  # the orchestrator's local engine asked the (fake) local model
    assert report.meta.settings["engine"] == "local"
    assert report.meta.settings["model"] == "carepost-local/smollm2-135m-instruct"
    (split,) = report.splits
    assert split.metrics["invented_identifier_rate"].value == 1.0
    unflagged = [f"{d.case_id}/{d.platform}" for d in split.drafts if d.passed and d.invented]
    assert split.metrics["unflagged_invented_rate"].cases == unflagged
    assert split.metrics["unflagged_invented_rate"].value == len(unflagged) / len(split.drafts)
    assert "cost_usd" not in split.metrics or split.metrics["cost_usd"].value == 0.0
