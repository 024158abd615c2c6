"""Load: concurrent clients against a running `carepost serve` on loopback, for a bounded time.

    .venv/bin/python bench/load.py                                   # 50 clients x 60 s, results on stdout
    .venv/bin/python bench/load.py --clients 10 --seconds 15 --out results.json
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --key cp_...   # a service already running

Unless `--url` is given, the bench starts the service itself: `carepost db upgrade`
then `carepost serve` on a free loopback port, in a temporary data folder (SQLite,
embedded Chroma, the default knowledge pack, in-process job workers), with rate
limits switched off (CAREPOST_RATE_LIMIT_ENABLED=false: the bench measures the
service, not its limiter) and the fresh admin key printed by the first start.

Client i of N sends, one request after another, to endpoint i mod 3:
- `POST /v1/check`   a dataset post (evals/datasets/guardrails, at most 500 characters);
- `POST /v1/redact`  the same texts;
- `POST /v1/briefs?wait=true`  a non-reply brief of evals/datasets/briefs.jsonl with a new
  Idempotency-Key, modular engine: 201 when its drafts are stored within
  CAREPOST_BRIEF_WAIT_SECONDS, 202 if not (counted as `unfinished`, not as an error).

A warm-up of `--warmup` seconds at the same concurrency comes first (not counted);
the server's resident memory (VmRSS of its process, /proc) is read after it and at
the end. Any other status, a timeout or a refused connection is an error.
Reported per endpoint: requests, throughput, p50/p95/p99 latency, errors by kind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "evals" / "datasets"
ENDPOINTS = ("check", "redact", "briefs")
OK_STATUS = {"check": {200}, "redact": {200}, "briefs": {201, 202}}
KEY_PATTERN = re.compile(r"\bcp_[A-Za-z0-9_-]+")


@dataclass
class Sample:
    endpoint: str
    seconds: float
    outcome: str  # "ok", "unfinished" (a brief answered 202), or an error kind: "status-500", "timeout", ...


@dataclass
class Workload:
    texts: list[dict[str, str]]
    briefs: list[dict[str, Any]]


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    recording: bool = False

    def add(self, sample: Sample) -> None:
        if self.recording:
            self.samples.append(sample)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of `values` (q in 0..1); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    """Per endpoint and in total: requests, throughput, latency percentiles (ms), outcomes."""

    def block(chosen: list[Sample]) -> dict[str, Any]:
        latencies = [s.seconds * 1000 for s in chosen if s.outcome in ("ok", "unfinished")]
        outcomes = Counter(s.outcome for s in chosen)
        errors = {k: v for k, v in sorted(outcomes.items()) if k not in ("ok", "unfinished")}
        return {
            "requests": len(chosen),
            "per_second": round(len(chosen) / seconds, 2) if seconds > 0 else 0.0,
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "unfinished": outcomes.get("unfinished", 0),
            "errors": sum(errors.values()),
            "error_kinds": errors,
        }

    report = {name: block([s for s in samples if s.endpoint == name]) for name in ENDPOINTS}
    report["total"] = block(samples)
    return report


def rss_kib(pid: int) -> int:
    """Resident memory of process `pid` in KiB, from /proc (psutil is not a dependency)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def load_workload() -> Workload:
    texts = []
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (DATASETS / "guardrails" / name).read_text().splitlines():
            case = json.loads(line)
            if len(case["text"]) <= 500:
                texts.append(
                    {"text": case["text"], "platform": case["platform"], "content_type": case["content_type"]}
                )
    briefs = []
    for line in (DATASETS / "briefs.jsonl").read_text().splitlines():
        brief = json.loads(line)
        brief.pop("id", None)
        if not brief.get("reply_to"):
            briefs.append(brief)
    return Workload(texts=texts, briefs=briefs)


async def one_request(client: httpx.AsyncClient, endpoint: str, n: int, work: Workload) -> str:
    if endpoint == "briefs":
        response = await client.post(
            "/v1/briefs",
            params={"wait": "true"},
            json=work.briefs[n % len(work.briefs)],
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
    else:
        text = work.texts[n % len(work.texts)]
        body = text if endpoint == "check" else {"text": text["text"]}
        response = await client.post(f"/v1/{endpoint}", json=body)
    if response.status_code not in OK_STATUS[endpoint]:
        return f"status-{response.status_code}"
    return "unfinished" if endpoint == "briefs" and response.status_code == 202 else "ok"


async def client_loop(
    index: int, client: httpx.AsyncClient, work: Workload, recorder: Recorder, stop_at: float
) -> None:
    endpoint = ENDPOINTS[index % len(ENDPOINTS)]
    n = index
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        try:
            outcome = await one_request(client, endpoint, n, work)
        except httpx.TimeoutException:
            outcome = "timeout"
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        recorder.add(Sample(endpoint, time.perf_counter() - started, outcome))
        n += len(ENDPOINTS)


async def drive(
    url: str, key: str, clients: int, seconds: float, warmup: float, pid: int | None
) -> dict[str, Any]:
    work = load_workload()
    recorder = Recorder()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60.0) as client:
        stop_at = time.monotonic() + warmup + seconds
        tasks = [asyncio.create_task(client_loop(i, client, work, recorder, stop_at)) for i in range(clients)]
        await asyncio.sleep(warmup)
        rss_warm = rss_kib(pid) if pid else None
        recorder.recording = True
        started = time.monotonic()
        await asyncio.sleep(seconds)
        recorder.recording = False  # requests still in flight finish, uncounted
        measured = time.monotonic() - started
        await asyncio.gather(*tasks)
        rss_end = rss_kib(pid) if pid else None
    report = summarise(recorder.samples, measured)
    report["memory"] = {
        "rss_after_warmup_mib": round(rss_warm / 1024, 1) if rss_warm else None,
        "rss_end_mib": round(rss_end / 1024, 1) if rss_end else None,
        "growth_percent": round(100 * (rss_end - rss_warm) / rss_warm, 1) if rss_warm and rss_end else None,
    }
    return report


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def carepost(*args: str) -> list[str]:
    # This checkout's packages, whichever `carepost` is installed on PATH.
    return [sys.executable, "-c", "from api.cli import main; main()", *args]


def start_service(data_dir: Path, port: int, log_level: str) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "CAREPOST_DATA_DIR": str(data_dir),
        "CAREPOST_PORT": str(port),
        "CAREPOST_RATE_LIMIT_ENABLED": "false",
        "CAREPOST_LOG_LEVEL": log_level,
    }
    subprocess.run(carepost("db", "upgrade"), env=env, cwd=ROOT, check=True, capture_output=True)
    out = data_dir / "serve.stdout"
    with out.open("wb") as stdout, (data_dir / "serve.stderr").open("wb") as stderr:
        process = subprocess.Popen(carepost("serve"), env=env, cwd=ROOT, stdout=stdout, stderr=stderr)
    deadline = time.monotonic() + 300  # first start loads models and indexes the knowledge pack
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"carepost serve exited with {process.returncode}; see {data_dir}/serve.stderr"
            )
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                match = KEY_PATTERN.search(out.read_text())
                if match:
                    return process, match.group(0)
        except httpx.HTTPError:
            pass
        time.sleep(1)
    process.terminate()
    raise RuntimeError("carepost serve did not become ready within 300 s")


def print_table(report: dict[str, Any]) -> None:
    print("| endpoint | requests | per s | p50 ms | p95 ms | p99 ms | unfinished | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for name in (*ENDPOINTS, "total"):
        r = report[name]
        print(
            f"| {name} | {r['requests']} | {r['per_second']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['unfinished']} | {r['errors']} {r['error_kinds'] or ''} |"
        )
    memory = report["memory"]
    print(
        f"server RSS: {memory['rss_after_warmup_mib']} MiB after warm-up, {memory['rss_end_mib']} MiB at the "
        f"end ({memory['growth_percent']} %)"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--url", help="a running service (default: start one on loopback)")
    parser.add_argument("--key", help="an API key of that service (with --url)")
    parser.add_argument("--pid", type=int, help="that service's process id, for its memory (with --url)")
    parser.add_argument("--log-level", default="INFO", help="the started service's CAREPOST_LOG_LEVEL")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--clients must be >= 1, --seconds > 0 and --warmup >= 0")
    if args.url and not args.key:
        parser.error("--url needs --key")
    return args


def main() -> None:
    args = parse_args()
    settings = {"clients": args.clients, "seconds": args.seconds, "warmup": args.warmup}
    if args.url:
        report = asyncio.run(drive(args.url, args.key, args.clients, args.seconds, args.warmup, args.pid))
    else:
        with tempfile.TemporaryDirectory(prefix="carepost-load-") as folder:
            port = free_port()
            process, key = start_service(Path(folder), port, args.log_level)
            try:
                url = f"http://127.0.0.1:{port}"
                report = asyncio.run(drive(url, key, args.clients, args.seconds, args.warmup, process.pid))
            finally:
                process.terminate()
                process.wait(60)
    report["settings"] = settings
    report["load_average"] = os.getloadavg()
    print_table(report)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
