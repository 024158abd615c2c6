"""The union scan matches exactly where one of its patterns does, and refuses what it cannot join."""

from __future__ import annotations

import re

import pytest

from guardrails.rules.regex_union import any_of

PATTERNS = [re.compile(r"\bcure[sd]?\b", re.I), re.compile(r"\b100\s?%", re.I), re.compile(r"painless", re.I)]


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("A CURE for everyone", True),
        ("100 % effective", True),
        ("Quick and painless.", True),
        ("Secure parking is available", False),
        ("Results in 10 days", False),
    ],
)
def test_union_matches_where_a_pattern_matches(text: str, matches: bool) -> None:
    union = any_of(PATTERNS)
    assert union is not None
    assert (union.search(text) is not None) is matches
    assert any(p.search(text) for p in PATTERNS) is matches


@pytest.mark.parametrize(
    "patterns",
    [
        [],
        [re.compile("a", re.I), re.compile("b")],
        [re.compile(r"(a)\1"), re.compile("b")],
        [re.compile(r"(?P<x>a)"), re.compile(r"(?P<x>b)")],
        [re.compile(r"(?i)a"), re.compile(r"(?i)b")],
    ],
)
def test_patterns_that_cannot_be_joined_give_none(patterns: list[re.Pattern[str]]) -> None:
    assert any_of(patterns) is None
