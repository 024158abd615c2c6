"""The `echo` family: drafts that repeat their prompt's wording, source ids or code fences."""

from __future__ import annotations

from typing import Any

import pytest

from guardrails.findings import Severity
from guardrails.registry import RuleFamily
from guardrails.rules.echo import EchoFamily
from tests.guardrails.helpers import make_family, run_family

INSTRUCTIONS = [
    "You write one social-media post for ",
    ", a healthcare organisation, for the platform ",
    ".\nReturn JSON with `text` (the post), `alt_texts` (one per image) and `citations` (source ids).",
    "\n- Key messages (all must appear): ",
]
DRAFTED: dict[str, Any] = {"provided": {"instructions": INSTRUCTIONS}}


@pytest.fixture(scope="module")
def family() -> RuleFamily:
    return make_family(EchoFamily)


def echoes(family: RuleFamily, text: str, context: dict[str, Any] | None = DRAFTED) -> list[tuple[str, str]]:
    return [
        (f.rule_id, text[f.start : f.end])
        for f in run_family(family, text, context=context)
        if f.start is not None and f.end is not None
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Flu shots Saturday! Return JSON with `text` (the post) and more.",
            [("echo.instructions", "Return JSON with `text` (the post")],
        ),
        (
            "KEY MESSAGES (ALL MUST APPEAR): walk-ins welcome",  # case does not hide it
            [("echo.instructions", "KEY MESSAGES (ALL MUST APPEAR")],
        ),
        ("[brand:profile] Approved names", [("echo.source_marker", "[brand:profile]")]),
        ("See [platform-playbook] for more", [("echo.source_marker", "[platform-playbook]")]),
        ('```json\n{"text": "hi"}', [("echo.source_marker", "```json")]),
        # the model talking about its answer
        (
            "Open 24 hours.\n\nThe response is in JSON format with the requested data.",
            [
                ("echo.meta_talk", "The response is in"),
                ("echo.meta_talk", "JSON format"),
                ("echo.meta_talk", "requested data"),
            ],
        ),
        (
            "Sure! Here is the Facebook post: flu shots Saturday.",
            [("echo.meta_talk", "Sure! Here")],
        ),
        ("As an AI language model, I suggest a flu shot.", [("echo.meta_talk", "As an AI language model")]),
        ("Here's to our nurses, and here is the schedule for Saturday's clinic.", []),
        # copy that shares a few words with the prompt, and masked details, are fine
        ("Our post for the week: flu shots are free on Saturday.", []),
        ("Thank you, [PERSON_1], for your kind words. Please call us.", []),
        ("Key messages matter: walk-ins are welcome all day.", []),
    ],
)
def test_repeated_instructions_and_markers_are_reported_with_their_spans(
    family: RuleFamily, text: str, expected: list[tuple[str, str]]
) -> None:
    assert echoes(family, text) == expected


def test_it_runs_only_for_drafted_text(family: RuleFamily) -> None:
    """A person's own text has no prompt: brackets and fences are theirs to use."""
    text = "Return JSON with `text` (the post) [brand:profile] ```"
    assert echoes(family, text, context=None) == []
    assert {rule for rule, _ in echoes(family, text)} == {"echo.instructions", "echo.source_marker"}


def test_an_echo_is_a_block_finding(family: RuleFamily) -> None:
    findings = run_family(family, "Return JSON with `text` (the post), please.", context=DRAFTED)
    assert [f.severity for f in findings] == [Severity.BLOCK]
