"""Turn hand-written marked-up guardrail cases into the eval case format.

Authors write PHI spans inline so offsets are never counted by hand:
``"So proud of our patient {{PERSON:Maria Lopez}}, {{AGE:67}}"``.
Each ``{{ENTITY:value}}`` becomes a ``phi`` label with ``entity`` and the span
of ``value`` in the cleaned text. Whole-case labels come from ``categories``.

Usage: ``python -m evals.datasets.guardrails.markup SRC.jsonl [...] > OUT.jsonl``
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

MARKER = re.compile(r"\{\{([A-Z_]+):(.+?)\}\}", re.DOTALL)

ENTITIES = frozenset(
    {
        "PERSON", "DATE", "AGE", "LOCATION", "PHONE", "FAX", "EMAIL", "SSN", "MRN",
        "HEALTH_PLAN_ID", "ACCOUNT_NUMBER", "LICENSE_NUMBER", "VEHICLE_ID", "DEVICE_ID",
        "URL", "IP_ADDRESS", "BIOMETRIC_ID", "PHOTO", "SOCIAL_HANDLE", "OTHER_ID",
    }
)  # fmt: skip

CATEGORIES = frozenset(
    {
        "phi", "patient_status", "fair_balance", "unsubstantiated_claim", "off_label",
        "missing_disclaimer", "platform", "brand", "accessibility", "rule_error",
    }
)  # fmt: skip


def strip_markers(marked: str, case_id: str) -> tuple[str, list[dict[str, Any]]]:
    """Remove `{{ENTITY:value}}` markers; return the clean text and `{entity, start, end}` spans."""
    pieces: list[str] = []
    spans: list[dict[str, Any]] = []
    cursor = length = 0
    for match in MARKER.finditer(marked):
        before = marked[cursor : match.start()]
        pieces.append(before)
        length += len(before)
        entity, value = match.group(1), match.group(2)
        if entity not in ENTITIES:
            raise ValueError(f"{case_id}: unknown entity {entity}")
        spans.append({"entity": entity, "start": length, "end": length + len(value)})
        pieces.append(value)
        length += len(value)
        cursor = match.end()
    pieces.append(marked[cursor:])
    text = "".join(pieces)
    if "{{" in text or "}}" in text:
        raise ValueError(f"{case_id}: malformed marker")
    return text, spans


def expand(source: dict[str, Any]) -> dict[str, Any]:
    """Return the eval case for one marked-up source record."""
    text, spans = strip_markers(source["text"], source["id"])
    labels: list[dict[str, Any]] = [{"category": "phi", **span} for span in spans]
    categories = list(source.get("categories", []))
    unknown = set(categories) - CATEGORIES
    if unknown:
        raise ValueError(f"{source['id']}: unknown categories {sorted(unknown)}")
    if labels and "phi" not in categories:
        categories.append("phi")
    for category in categories:
        if category == "phi" and labels:
            continue
        labels.append({"category": category})
    case: dict[str, Any] = {
        "id": source["id"],
        "text": text,
        "platform": source["platform"],
        "content_type": source["content_type"],
    }
    if source.get("context"):
        case["context"] = source["context"]
    case["labels"] = labels
    if source.get("tags"):
        case["tags"] = source["tags"]
    return case


def read_jsonl(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: {exc}") from exc


def expand_files(paths: list[str], expand_one: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Write each source record of `paths`, expanded, to stdout as JSONL; ids must be unique."""
    seen: set[str] = set()
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for source in read_jsonl(handle):
                if source["id"] in seen:
                    raise ValueError(f"duplicate id {source['id']}")
                seen.add(source["id"])
                sys.stdout.write(json.dumps(expand_one(source), ensure_ascii=False) + "\n")


def main(paths: list[str]) -> None:
    expand_files(paths, expand)


if __name__ == "__main__":
    main(sys.argv[1:])
