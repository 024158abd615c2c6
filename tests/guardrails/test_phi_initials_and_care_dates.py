"""A reader addressed by initials ("R.J., thank you"), and the dates of someone's care
("caring for her from July 8 until August 30"), which event words ("until") do not clear;
a group addressed by a plural noun ("Caregivers,") and "24/7" are nobody's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.guardrails.test_phi_context import blocked_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily


@pytest.mark.parametrize(
    ("text", "content_type", "expected"),
    [
        (
            "R.J., thank you for being honest with us. Dr. Chen wants to revisit your treatment plan.",
            "review_response",
            ["R.J."],
        ),
        (
            "Dear Janelle, thank you for these words about your mother. Caring for her from July 8 "
            "until August 30 was a privilege for our whole team.",
            "review_response",
            ["Janelle", "July 8", "August 30"],
        ),
        ("Our flu clinic runs from October 1 until October 30 at the Westbury Clinic.", "post", []),
        ("Caregivers, this one's for you: tell us your loved one's chemo symptoms below.", "post", []),
        ("Happy birthday, Pip! Your NICU nurses miss you.", "post", ["Pip"]),
        ("Fever at 2am? Our 24/7 nurse line is here for your child's care.", "post", []),
        # a possessive date before a care word is that person's, whatever event words follow
        (
            "Ms. Okafor, thank you for your kind review. Dr. Chen will go over his 12/9 memory "
            "screening results with you both.",
            "review_response",
            ["Okafor", "12/9"],
        ),
        (
            "Pam, we loved seeing you at your follow-up after your June hip replacement.",
            "review_response",
            ["Pam", "June"],
        ),
        ("Our volunteer Ruth's June bake sale raised $900 for the NICU family room.", "post", []),
        # care dated in a post about one patient is that patient's; a reply's unnamed reader too
        (
            "Welcome back Coach Ames! Out of our ortho boot as of Sept 5th and already yelling from the "
            "sidelines again.",
            "post",
            ["Ames", "Sept 5th"],
        ),
        (
            "We're sorry the unit felt short-staffed during your stay in March. Please call 555-0100.",
            "review_response",
            ["March"],
        ),
        # not the organisation's own history
        (
            "On Feb 2, 1996, Riverbend Regional made its first home visit with one nurse and a station wagon. "
            "And get well soon, Walter, from all of us on 4 North!",
            "post",
            ["Walter"],
        ),
    ],
)
def test_spans(phi: RuleFamily, nlp: Language, text: str, content_type: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text, content_type=content_type)) == sorted(expected)
