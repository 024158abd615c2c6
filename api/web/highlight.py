"""A draft's text cut into pieces for display: finding spans, hashtags and links.

A piece is a run of text where the same findings apply and which is wholly a
hashtag, a link or plain text; overlapping findings therefore need no nesting.
Each piece names the findings covering it (for `aria-describedby`) and those that
start at it (where the severity label goes), and its strongest severity (its colour).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from guardrails.findings import Finding, Severity

PieceKind = Literal["text", "hashtag", "link"]
RANK = {Severity.BLOCK: 0, Severity.WARN: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Piece:
    text: str
    kind: PieceKind
    findings: tuple[int, ...] = ()  # indices into the findings list
    starts: tuple[int, ...] = ()  # findings whose span begins here
    severity: Severity | None = None  # the strongest of `findings`


def located(findings: Sequence[Finding], length: int) -> list[tuple[int, int, int]]:
    """(index, start, end) of findings with a non-empty span inside the text."""
    spans = []
    for index, finding in enumerate(findings):
        if finding.start is None or finding.end is None:
            continue
        start, end = max(0, min(finding.start, length)), max(0, min(finding.end, length))
        if end > start:
            spans.append((index, start, end))
    return spans


def pieces(
    text: str,
    findings: Sequence[Finding],
    hashtags: Sequence[tuple[int, int]] = (),
    links: Sequence[tuple[int, int]] = (),
) -> list[Piece]:
    spans = located(findings, len(text))
    cuts = {0, len(text)}
    for _, start, end in spans:
        cuts |= {start, end}
    for start, end in (*hashtags, *links):
        cuts |= {max(0, min(start, len(text))), max(0, min(end, len(text)))}
    ordered = sorted(cuts)
    result = []
    for start, end in pairwise(ordered):
        covering = tuple(i for i, s, e in spans if s <= start and end <= e)
        kind: PieceKind = "text"
        if any(s <= start and end <= e for s, e in links):
            kind = "link"
        elif any(s <= start and end <= e for s, e in hashtags):
            kind = "hashtag"
        severity = min((findings[i].severity for i in covering), key=RANK.__getitem__, default=None)
        result.append(
            Piece(
                text=text[start:end],
                kind=kind,
                findings=covering,
                starts=tuple(i for i, s, _ in spans if s == start),
                severity=severity,
            )
        )
    return result


def whole_text(findings: Sequence[Finding], length: int) -> list[int]:
    """Findings about the text as a whole (no span, or an empty one): listed, not highlighted."""
    placed = {index for index, _, _ in located(findings, length)}
    return [i for i in range(len(findings)) if i not in placed]
