"""Expand marked-up identifier-detector cases (`{{ENTITY:value}}`, the guardrail markup) into spans.

python -m evals.datasets.redact.expand evals/datasets/redact/src/general_pii.jsonl \
    > evals/datasets/redact/general_pii.jsonl

Each source line is `{"id", "text", "tags"?}`; each output line is
`{"id", "text", "entities": [{"entity", "start", "end"}], "tags"}`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from evals.datasets.guardrails.markup import ENTITIES, MARKER, read_jsonl


def expand(source: dict[str, Any]) -> dict[str, Any]:
    marked: str = source["text"]
    pieces: list[str] = []
    entities: list[dict[str, Any]] = []
    cursor = length = 0
    for match in MARKER.finditer(marked):
        before = marked[cursor : match.start()]
        pieces.append(before)
        length += len(before)
        entity, value = match.group(1), match.group(2)
        if entity not in ENTITIES:
            raise ValueError(f"{source['id']}: unknown entity {entity}")
        entities.append({"entity": entity, "start": length, "end": length + len(value)})
        pieces.append(value)
        length += len(value)
        cursor = match.end()
    pieces.append(marked[cursor:])
    text = "".join(pieces)
    if "{{" in text or "}}" in text:
        raise ValueError(f"{source['id']}: malformed marker")
    return {"id": source["id"], "text": text, "entities": entities, "tags": source.get("tags", [])}


def main(paths: list[str]) -> None:
    seen: set[str] = set()
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for source in read_jsonl(handle):
                if source["id"] in seen:
                    raise ValueError(f"duplicate id {source['id']}")
                seen.add(source["id"])
                sys.stdout.write(json.dumps(expand(source), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
