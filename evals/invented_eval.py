"""How many identifiers the local model invented do the guardrails flag?

    python -m evals.invented_eval [evals/datasets/local_drafts.jsonl] [--misses]

The dataset holds drafts written by the `local` engine (SmolLM2, `python -m agents.evaluate
--engine local --out ...`) with every invented identifier (names, dates, phone numbers,
handles, URLs, record numbers the model made up) labelled by hand from reading the text,
not from what the guardrails said. The briefs are synthetic, so the drafts are too.

An identifier counts as flagged when a finding's span overlaps it (any rule; the PHI rules are
counted apart, since a link flagged as a clickable link in a caption is flagged for another reason). The checks run with
the default pack's facts for the draft's platform and content type and what the draft was
written from (its brief's links and wording, the library's links), as the orchestrator
runs them. Prints the share flagged, overall and per kind, and with --misses each miss
(case id, kind, span; the text of a synthetic draft is safe to show).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guardrails.findings import Finding

DEFAULT = Path(__file__).parent / "datasets" / "local_drafts.jsonl"
BRIEFS = Path(__file__).parent / "datasets" / "briefs.jsonl"
ORG = "default"
DAY = date(2026, 11, 28)


class Invented(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(pattern=r"^(PERSON|DATE|PHONE|EMAIL|URL|SOCIAL_HANDLE|OTHER_ID|LOCATION|ORGANISATION)$")
    start: int = Field(ge=0)
    end: int = Field(gt=0)


class LabelledDraft(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    brief_id: str
    platform: str
    content_type: str
    text: str
    invented: list[Invented]

    @model_validator(mode="after")
    def _spans_inside(self) -> LabelledDraft:
        for item in self.invented:
            if not item.start < item.end <= len(self.text):
                raise ValueError(f"span {item.start}:{item.end} outside the text of {self.id}")
        return self


def _overlap(finding: Finding, item: Invented) -> bool:
    return (
        finding.start is not None
        and finding.end is not None
        and finding.start < item.end
        and item.start < finding.end
    )


def main(argv: list[str] | None = None) -> int:
    for name, value in (("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", ""), ("ANONYMIZED_TELEMETRY", "False")):
        os.environ.setdefault(name, value)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)

    from agents.brief import Brief
    from agents.provenance import provided_facts, with_contact_numbers
    from agents.runtime import pack_knowledge_base
    from guardrails.context import CheckContext
    from guardrails.factory import build_checker
    from guardrails.nlp import load_pipeline

    cases = [
        LabelledDraft.model_validate_json(line)
        for line in args.dataset.read_text().splitlines()
        if line.strip()
    ]
    kb = pack_knowledge_base(ORG, today=lambda: DAY)
    library = kb.library(ORG)
    assert library is not None
    facts = with_contact_numbers(kb.facts(ORG, on=DAY), library)
    briefs = {
        brief.id: brief
        for brief in (
            Brief.model_validate_json(line) for line in BRIEFS.read_text().splitlines() if line.strip()
        )
    }
    checker = build_checker(nlp=load_pipeline())
    total: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    by_phi: Counter[str] = Counter()
    drafts_all_flagged = 0
    misses: list[str] = []
    for case in cases:
        provided = provided_facts(briefs[case.brief_id], library)
        ctx = CheckContext.of(case.platform, case.content_type, facts).model_copy(
            update={"today": DAY, "provided": provided}
        )
        findings = [f for f in checker.check(case.text, ctx).findings if f.start is not None and f.end]
        missed_here = 0
        # A value the model repeats is one identifier, flagged only when every occurrence is.
        groups: dict[tuple[str, str], list[Invented]] = {}
        for item in case.invented:
            groups.setdefault((item.kind, case.text[item.start : item.end]), []).append(item)
        for (kind, text), items in groups.items():
            total[kind] += 1
            overlaps = [[f for f in findings if _overlap(f, item)] for item in items]
            if all(overlaps):
                flagged[kind] += 1
                by_phi[kind] += all(any(f.category.value == "phi" for f in o) for o in overlaps)
            else:
                missed_here += 1
                misses.append(f"  {case.id} {kind} x{len(items)} {text!r}")
        drafts_all_flagged += bool(case.invented) and not missed_here
    n, hit, phi = sum(total.values()), sum(flagged.values()), sum(by_phi.values())
    with_any = sum(1 for c in cases if c.invented)
    if not n:
        sys.stdout.write("no labelled identifiers\n")
        return 0
    sys.stdout.write(
        f"drafts {len(cases)}, with invented identifiers {with_any}, all of them flagged in {drafts_all_flagged}\n"
        f"distinct invented identifiers {n}: flagged by any finding {hit} ({hit / n:.1%}), "
        f"by a PHI finding {phi} ({phi / n:.1%})\n"
    )
    for kind in sorted(total):
        sys.stdout.write(f"  {kind:14s} any {flagged[kind]:3d}/{total[kind]:3d}  phi {by_phi[kind]:3d}\n")
    if args.misses and misses:
        sys.stdout.write("misses:\n" + "\n".join(misses) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
