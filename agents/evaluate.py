"""Draft every brief of a JSONL file with the modular engine over the default pack and report.

    python -m agents.evaluate [evals/datasets/briefs.jsonl] [--date 2026-11-28] [--details]

Prints drafts, blocked drafts and remaining block/warn findings by rule id; with
--details, each blocked draft's findings (rule ids and spans, not text).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from agents.brief import Brief, DraftStatus
from agents.errors import BriefRefused
from agents.runtime import build_orchestrator, pack_knowledge_base

DEFAULT_BRIEFS = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "briefs.jsonl"
ORG = "default"


def main(argv: list[str] | None = None) -> int:
    # Libraries read these at import time; keep them offline unless the operator says otherwise.
    for name, value in (("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", ""), ("ANONYMIZED_TELEMETRY", "False")):
        os.environ.setdefault(name, value)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("briefs", nargs="?", type=Path, default=DEFAULT_BRIEFS)
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="Drafting date (claims expire)")
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args(argv)
    day: date = args.date or date.today()
    kb = pack_knowledge_base(ORG, today=lambda: day)
    orchestrator = build_orchestrator(kb, today=lambda: day)
    briefs = [
        Brief.model_validate_json(line) for line in args.briefs.read_text().splitlines() if line.strip()
    ]
    drafts = blocked = refused = 0
    rules: Counter[str] = Counter()
    for brief in briefs:
        try:
            result = orchestrator.draft(ORG, brief)
        except BriefRefused:
            refused += 1
            continue
        for draft in result.drafts:
            drafts += 1
            blocked += draft.status is DraftStatus.BLOCKED
            rules.update(
                f"{f.rule_id} ({f.severity.value})" for f in draft.findings if f.severity.value != "info"
            )
            if args.details and draft.status is DraftStatus.BLOCKED:
                spans = [(f.rule_id, f.start, f.end) for f in draft.findings if f.severity.value == "block"]
                sys.stdout.write(f"{brief.id} {draft.platform.value}: {spans}\n")
    sys.stdout.write(f"briefs {len(briefs)}, refused {refused}, drafts {drafts}, blocked {blocked}\n")
    for rule, count in rules.most_common():
        sys.stdout.write(f"  {count:4d}  {rule}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
