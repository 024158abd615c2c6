"""Whose picture a post points to: a patient's photo is an identifier (Safe Harbor Q), staff's
and a crowd's are not ("Swipe to see the moment" after a patient's story; "Pictured above with
her team" after a new hire's introduction)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.guardrails.test_phi_context import blocked_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Keisha rang our bell this afternoon after her final round of chemo. Swipe to see the moment.",
            ["Keisha", "Swipe to see the moment"],
        ),
        (
            "Gus celebrated 10 years of dialysis with us this week. He is pictured with charge nurse "
            "Lorna Beckett, RN, and his cake.",
            ["Gus", "pictured"],
        ),
        (
            "Braces off for Priya Shah! She wore them for 22 months with Dr. Carly Moss. Her first "
            "full smile is in the photo.",
            ["Priya Shah", "Her first full smile is in the photo"],
        ),
        # staff and crowds
        ("Meet Dr. Ana Lee, our new pediatrician! Pictured above with her team on her first day.", []),
        ("Thanks to everyone who came to our 5K! Pictured above: our volunteers at the finish line.", []),
    ],
)
def test_photo_owner(phi: RuleFamily, nlp: Language, text: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text)) == sorted(expected)
