"""Expand marked-up identifier-detector cases (`{{ENTITY:value}}`, the guardrail markup) into spans.

python -m evals.datasets.redact.expand evals/datasets/redact/src/general_pii.jsonl > all.jsonl

The shipped dev and test files are produced from the source by
`python -m evals.datasets.redact.split` (which expands with this module).

Each source line is `{"id", "text", "tags"?}`; each output line is
`{"id", "text", "entities": [{"entity", "start", "end"}], "tags"}`.
"""

from __future__ import annotations

import sys
from typing import Any

from evals.datasets.guardrails.markup import expand_files, strip_markers


def expand(source: dict[str, Any]) -> dict[str, Any]:
    text, entities = strip_markers(source["text"], source["id"])
    return {"id": source["id"], "text": text, "entities": entities, "tags": source.get("tags", [])}


if __name__ == "__main__":
    expand_files(sys.argv[1:], expand)
