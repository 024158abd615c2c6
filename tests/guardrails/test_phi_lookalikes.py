"""Words new writing showed the PHI rules taking for a patient's identifier: lower-case
conditions, drugs and dishes the NER model called a name, a cue word inside a hashtag, a year
after "plan", the age of a clinician, a staff member's dog. Each row is (text, content type,
blocked spans); the patient identifiers beside them must still block."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.guardrails.test_phi_context import ORG, blocked_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily


@pytest.mark.parametrize(
    ("text", "content_type", "expected"),
    [
        # lower case, and no given name: a condition, a drug, a dish
        (
            "Serious allergic reactions and eye problems (conjunctivitis, keratitis) can occur.",
            "post",
            [],
        ),
        (
            "After her stroke, Beatrice Okafor had one goal: to make jollof rice for her family again.",
            "post",
            ["Beatrice Okafor"],
        ),
        ("look at that smile!! jayden finished his clear aligners today", "post", ["jayden"]),
        # a relation or greeting word inside a hashtag is a topic, not a slot before a name
        (
            "#partner Honest review: I booked a video visit on my lunch break and saw a doctor in 15 minutes.",
            "post",
            [],
        ),
        ("Her partner Dominic drove her to every infusion.", "post", ["Dominic"]),
        # a year after "plan" is no member number
        ("Help us plan 2027! Which free community class should we add first?", "post", []),
        ("Your plan ID is WLP 884 201 337, Mr. Haddad.", "comment_reply", ["WLP 884 201 337", "Haddad"]),
        # the age of the clinician the clause is about
        ("At 91, Dr. Everett Lundqvist is finally hanging up his stethoscope.", "post", []),
        ("At 102, Rosalind is our oldest pacemaker patient.", "post", ["102", "Rosalind"]),
        # a staff member's short name, after the full one with a credential
        (
            "Meet Samuel Odhiambo, RN, nurse manager on 3 North. Sam started here as a unit secretary in 2009 "
            "and now leads 42 nurses. Thank you, Sam, for 16 years of steady hands!",
            "post",
            [],
        ),
        # the age of a composite character
        (
            "Meet Walt, a composite character based on many of our residents: he's 94, loves crosswords and "
            "worries about falls.",
            "post",
            [],
        ),
        # a toll-free number is a business line; "Director of Nursing" is a title
        (
            "For questions about how it works, call Halvorsen Medical Information at 1-800-555-0175 or talk "
            "with your doctor.",
            "comment_reply",
            [],
        ),
        ("Questions about your son's monitor? Kestrel Support: (888) 555-0190", "comment_reply", []),
        (
            "Please call her back at 555-555-0175 about her refill, Mrs. Dutra.",
            "comment_reply",
            ["555-555-0175", "Dutra"],
        ),
        (
            "We can't discuss anyone's care online, but our Director of Nursing, Gwen Adebayo, RN, would like "
            "to speak with you.",
            "review_response",
            [],
        ),
        # a role told in a relative clause; a region the model took for a person
        (
            "Hal Jensen, who greeted visitors at our cancer center as a volunteer for 22 years, retired this "
            "week. Thank you, Hal!",
            "post",
            [],
        ),
        (
            "Mia Ortiz, who came to us as a patient in 2019, now runs our support group.",
            "post",
            ["Mia Ortiz"],
        ),
        (
            "Grief support groups at our hospice are open to anyone in Ellery and Dunmore Counties. Call 555-0100.",
            "post",
            [],
        ),
        # a pet: its name follows the animal word
        (
            "Kelsey Dunmore, RN, joined us after eight years in a hospital burn unit. Off the clock you'll find "
            "her hiking with her rescue dog, Biscuit.",
            "post",
            [],
        ),
    ],
)
def test_lookalikes_are_not_a_patients_identifiers(
    phi: RuleFamily, nlp: Language, text: str, content_type: str, expected: list[str]
) -> None:
    assert sorted(blocked_spans(phi, nlp, text, content_type=content_type, context=ORG)) == sorted(expected)
