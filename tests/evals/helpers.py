"""Small synthetic suites and datasets, and a rule-based fake checker whose output the tests control."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from guardrails.context import CheckContext
from guardrails.findings import Category, CheckReport, Entity, Finding, Severity

MRN = re.compile(r"MRN \d{6}")


def case(case_id: str, text: str, *labels: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": case_id,
        "text": text,
        "platform": "facebook",
        "content_type": "post",
        "labels": list(labels),
    }


def mrn_label(text: str) -> dict[str, Any]:
    match = MRN.search(text)
    assert match is not None
    return {"category": "phi", "start": match.start(), "end": match.end(), "entity": "MRN"}


# Six cases: three patient_status, one PHI span, one claim, one clean.
CASES = [
    case("ps-1", "So proud of our patient after her surgery.", {"category": "patient_status"}),
    case("ps-2", "Our patient walked out smiling today.", {"category": "patient_status"}),
    case(
        "ps-3",
        "Thanks for visiting us last Tuesday, we hope the treatment helped.",
        {"category": "patient_status"},
    ),
    case("phi-1", "Chart MRN 123456 was updated.", mrn_label("Chart MRN 123456 was updated.")),
    case("claim-1", "This cream is a miracle cure.", {"category": "unsubstantiated_claim"}),
    case("clean-1", "Flu shots are available at every location this week."),
]


class FakeChecker:
    """Flags 'patient' (patient_status), 'MRN nnnnnn' (phi span) and 'cure' (claim); `weak` drops patient_status."""

    def __init__(self, *, weak: bool = False) -> None:
        self.weak = weak

    def check(self, text: str, ctx: CheckContext) -> CheckReport:
        del ctx
        findings = []
        if "patient" in text.lower() and not self.weak:
            findings.append(_finding("fake.patient", Category.PATIENT_STATUS))
        for match in MRN.finditer(text):
            findings.append(_finding("fake.mrn", Category.PHI, match.start(), match.end(), Entity.MRN))
        if "cure" in text:
            findings.append(_finding("fake.cure", Category.UNSUBSTANTIATED_CLAIM))
        return CheckReport(findings=findings)


def _finding(
    rule_id: str,
    category: Category,
    start: int | None = None,
    end: int | None = None,
    entity: Entity | None = None,
) -> Finding:
    return Finding(
        rule_id=rule_id,
        category=category,
        severity=Severity.BLOCK,
        start=start,
        end=end,
        message="fake",
        entity=entity,
    )


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_suite(directory: Path, body: dict[str, Any], name: str = "suite.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


def guardrail_suite(
    directory: Path, *, recall: float = 0.6, rows: list[dict[str, Any]] | None = None
) -> Path:
    """A suite over CASES (split `mini`) with a patient_status recall floor and PHI span floors."""
    write_jsonl(directory / "mini.jsonl", rows if rows is not None else CASES)
    return write_suite(
        directory,
        {
            "name": "mini",
            "target": "guardrails",
            "seed": 7,
            "datasets": [{"split": "mini", "path": "mini.jsonl"}],
            "bootstrap": {"samples": 200},
            "thresholds": {
                "categories": {"patient_status": {"recall": recall, "precision": 0.85}},
                "phi_spans": {"recall": 0.97, "precision": 0.9},
            },
        },
    )
