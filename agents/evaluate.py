"""Draft every brief of a JSONL file over the default pack and report what the guardrails left.

    python -m agents.evaluate [evals/datasets/briefs.jsonl] [--engine modular|local] [--limit N]
                              [--max-rounds 2] [--date 2026-11-28] [--details] [--out drafts.jsonl]

Prints drafts, clean drafts (no warn or block finding), blocked drafts, briefs whose
drafting failed (a model's output stayed invalid), remaining block/warn findings by
rule id, and wall time per brief. With --details, each blocked draft's findings (rule
ids and spans, not text); with --out, every draft as one JSON line (text, status,
findings) for reading and labelling. The briefs are synthetic, so their drafts are too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import IO

from agents.brief import Brief, DraftResult, DraftStatus, EngineName
from agents.errors import BriefRefused, ModelOutputError
from agents.orchestrator import Orchestrator
from agents.runtime import build_orchestrator, local_chat_model, pack_knowledge_base

DEFAULT_BRIEFS = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "briefs.jsonl"
ORG = "default"
ENGINES: tuple[EngineName, ...] = ("modular", "local")


class Tally:
    def __init__(self) -> None:
        self.drafts = self.clean = self.blocked = self.refused = self.failed = 0
        self.rules: Counter[str] = Counter()
        self.seconds: list[float] = []

    def add(self, result: DraftResult) -> None:
        for draft in result.drafts:
            self.drafts += 1
            self.blocked += draft.status is DraftStatus.BLOCKED
            serious = [f for f in draft.findings if f.severity.value != "info"]
            self.clean += not serious
            self.rules.update(f"{f.rule_id} ({f.severity.value})" for f in serious)

    def report(self, briefs: int, engine: str, out: IO[str]) -> None:
        def share(n: int) -> str:
            return f"{n / self.drafts:.1%}" if self.drafts else "n/a"

        out.write(
            f"engine {engine}: briefs {briefs}, refused {self.refused}, failed {self.failed}, "
            f"drafts {self.drafts}, clean {self.clean} ({share(self.clean)}), "
            f"blocked {self.blocked} ({share(self.blocked)})\n"
        )
        if self.seconds:
            out.write(
                f"wall time per brief: mean {statistics.fmean(self.seconds):.2f} s, "
                f"median {statistics.median(self.seconds):.2f} s, max {max(self.seconds):.2f} s "
                f"(total {sum(self.seconds):.1f} s)\n"
            )
        for rule, count in self.rules.most_common():
            out.write(f"  {count:4d}  {rule}\n")


def _orchestrator(engine: EngineName, day: date, chroma: Path, rounds: int) -> Orchestrator:
    if engine == "modular":
        kb = pack_knowledge_base(ORG, today=lambda: day)
        return build_orchestrator(kb, max_rounds=rounds, today=lambda: day)
    # the LLM engines retrieve passages: the pack's documents go into a throwaway chroma folder
    kb = pack_knowledge_base(ORG, chroma_path=chroma, today=lambda: day)
    return build_orchestrator(kb, local_model=local_chat_model(), max_rounds=rounds, today=lambda: day)


def main(argv: list[str] | None = None) -> int:
    # Libraries read these at import time; keep them offline unless the operator says otherwise.
    for name, value in (
        ("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", ""),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("LITELLM_LOCAL_MODEL_COST_MAP", "True"),
        ("HF_HUB_OFFLINE", "1"),
    ):
        os.environ.setdefault(name, value)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("briefs", nargs="?", type=Path, default=DEFAULT_BRIEFS)
    parser.add_argument("--engine", choices=ENGINES, default="modular")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N briefs")
    parser.add_argument("--max-rounds", type=int, default=2, help="Revision rounds after the first draft")
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="Drafting date (claims expire)")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="Write every draft as JSON lines here")
    args = parser.parse_args(argv)
    day: date = args.date or date.today()
    engine: EngineName = args.engine
    briefs = [
        Brief.model_validate_json(line) for line in args.briefs.read_text().splitlines() if line.strip()
    ][: args.limit]
    tally = Tally()
    out_file = args.out.open("w", encoding="utf-8") if args.out else None
    with tempfile.TemporaryDirectory(prefix="carepost-eval-chroma-") as chroma:
        orchestrator = _orchestrator(engine, day, Path(chroma), args.max_rounds)
        for brief in briefs:
            started = time.perf_counter()
            try:
                result = orchestrator.draft(ORG, brief, engine=engine)
            except BriefRefused:
                tally.refused += 1  # refused before drafting: not timed
                continue
            except ModelOutputError:
                tally.failed += 1
                tally.seconds.append(time.perf_counter() - started)
                continue
            tally.seconds.append(time.perf_counter() - started)
            tally.add(result)
            for draft in result.drafts:
                if args.details and draft.status is DraftStatus.BLOCKED:
                    spans = [
                        (f.rule_id, f.start, f.end) for f in draft.findings if f.severity.value == "block"
                    ]
                    sys.stdout.write(f"{brief.id} {draft.platform.value}: {spans}\n")
                if out_file:
                    record = {
                        "brief_id": brief.id,
                        "engine": engine,
                        "platform": draft.platform.value,
                        "content_type": brief.content_type.value,
                        "text": draft.text,
                        "status": draft.status.value,
                        "rounds": draft.rounds,
                        "findings": [f.model_dump(mode="json") for f in draft.findings],
                    }
                    out_file.write(json.dumps(record, ensure_ascii=False) + "\n")
    if out_file:
        out_file.close()
    tally.report(len(briefs), engine, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
