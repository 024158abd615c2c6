"""bench/load.py's own arithmetic and argument handling (no server, no timing)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_percentiles_are_nearest_rank(load: ModuleType) -> None:
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 0.5) == 51.0  # index round(0.5 * 99) = 50 (banker's rounding: 49.5 -> 50)
    assert load.percentile(values, 0.99) == 99.0
    assert load.percentile([7.0], 0.95) == 7.0
    assert load.percentile([], 0.5) == 0.0


def test_summary_counts_errors_apart_from_latency(load: ModuleType) -> None:
    sample = load.Sample
    samples = [
        sample("check", 0.010, "ok"),
        sample("check", 0.030, "ok"),
        sample("check", 5.0, "status-500"),
        sample("briefs", 0.200, "unfinished"),
        sample("redact", 0.020, "timeout"),
    ]
    report = load.summarise(samples, 2.0)
    assert report["check"]["requests"] == 3
    assert report["check"]["per_second"] == 1.5
    assert report["check"]["p99_ms"] == 30.0  # the failed request's 5 s is not a latency
    assert report["check"]["error_kinds"] == {"status-500": 1}
    assert report["briefs"]["unfinished"] == 1
    assert report["briefs"]["errors"] == 0
    assert report["redact"]["p50_ms"] == 0.0
    assert report["total"]["errors"] == 2
    assert report["total"]["requests"] == 5


def test_resident_memory_is_read_from_proc(load: ModuleType) -> None:
    assert load.rss_kib(os.getpid()) > 1024


def test_arguments_default_to_fifty_clients_for_a_minute(load: ModuleType) -> None:
    args = load.parse_args([])
    assert (args.clients, args.seconds, args.url) == (50, 60.0, None)
    with pytest.raises(SystemExit):
        load.parse_args(["--url", "http://127.0.0.1:8000"])  # a running service needs its key
    with pytest.raises(SystemExit):
        load.parse_args(["--clients", "0"])


def test_the_workload_uses_shipped_texts_and_non_reply_briefs(load: ModuleType) -> None:
    work = load.load_workload()
    assert work.texts
    assert all(len(t["text"]) <= 500 for t in work.texts)
    assert work.briefs
    assert all("id" not in b and not b.get("reply_to") for b in work.briefs)
