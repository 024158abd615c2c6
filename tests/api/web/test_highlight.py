"""Cutting a draft into display pieces: findings (overlapping or not), hashtags and links."""

from __future__ import annotations

import pytest

from api.web.highlight import Piece, pieces, whole_text
from guardrails.findings import Category, Finding, Severity


def finding(start: int | None, end: int | None, severity: Severity = Severity.WARN) -> Finding:
    return Finding(
        rule_id="test.rule", category=Category.BRAND, severity=severity, start=start, end=end, message="m"
    )


def test_the_pieces_put_back_together_are_the_text() -> None:
    text = "Free flu shots Saturday #FluFree https://example.org/flu"
    found = [finding(0, 9), finding(5, 14, Severity.BLOCK), finding(None, None, Severity.INFO)]
    cut = pieces(text, found, hashtags=[(24, 32)], links=[(33, 56)])
    assert "".join(p.text for p in cut) == text


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        # no findings: one plain piece
        ([], [Piece("abcdef", "text")]),
        # one span in the middle
        (
            [finding(2, 4)],
            [
                Piece("ab", "text"),
                Piece("cd", "text", (0,), (0,), Severity.WARN),
                Piece("ef", "text"),
            ],
        ),
        # overlapping spans: the overlap names both and takes the stronger severity
        (
            [finding(0, 4), finding(2, 6, Severity.BLOCK)],
            [
                Piece("ab", "text", (0,), (0,), Severity.WARN),
                Piece("cd", "text", (0, 1), (1,), Severity.BLOCK),
                Piece("ef", "text", (1,), (), Severity.BLOCK),
            ],
        ),
        # spans past the end are clamped; empty and missing spans are not highlighted
        (
            [finding(4, 99, Severity.INFO), finding(3, 3), finding(None, None)],
            [Piece("abcd", "text"), Piece("ef", "text", (0,), (0,), Severity.INFO)],
        ),
    ],
)
def test_pieces(found: list[Finding], expected: list[Piece]) -> None:
    assert pieces("abcdef", found) == expected


def test_hashtags_and_links_are_their_own_pieces_even_inside_a_finding() -> None:
    text = "Go #Flu now https://x.org"
    cut = pieces(text, [finding(0, 7)], hashtags=[(3, 7)], links=[(12, 25)])
    assert [(p.text, p.kind, p.findings) for p in cut] == [
        ("Go ", "text", (0,)),
        ("#Flu", "hashtag", (0,)),
        (" now ", "text", ()),
        ("https://x.org", "link", ()),
    ]


def test_whole_text_findings_are_those_without_a_usable_span() -> None:
    found = [finding(0, 2), finding(None, None), finding(5, 5), finding(50, 60)]
    assert whole_text(found, 10) == [1, 2, 3]
