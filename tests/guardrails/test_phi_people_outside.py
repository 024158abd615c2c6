"""Whose name is it: people with public-role titles (a coach, a police officer) are not our staff,
and in a care home's posts the people named live in its care."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest

from tests.guardrails.test_phi_context import ORG, blocked_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily

CARE_HOME: dict[str, Any] = copy.deepcopy(ORG)
CARE_HOME["organisation"]["names"] = ["The Larkspur at Eastgate", "The Larkspur"]
CARE_HOME["organisation"]["staff"] = [
    {"name": "Colleen Marsh", "credentials": "RN", "role": "Director of nursing"},
    {"name": "Devon Achterberg", "credentials": "", "role": "Activities coordinator"},
]


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        # a public-role title marks a person; care in the text makes them a patient
        (
            "Harrowgate Police Officer Lena Whitlock, injured on duty, died in our ICU this morning.",
            ORG,
            ["Lena Whitlock"],
        ),
        (
            "Our thoughts are with Coach Ray Dixon, who was treated at our clinic after Friday's game.",
            ORG,
            ["Ray Dixon"],
        ),
        ("Thanks to Coach Ray Dixon for the team photo at our open house!", ORG, []),
        ("Meet Lena Ortiz, our compliance officer, who keeps us honest.", ORG, []),
        # an age beside a volunteer's or a public figure's name is theirs; a titled person the NER
        # model reads as a place is still a person
        (
            "Community volunteer Betty Sloane, 92, has led the knitting circle she started for our "
            "residents back in 2016, and they've made 400 hats for the NICU.",
            ORG,
            [],
        ),
        (
            "We were thrilled to host two-time Olympic skier Mara Lindholm at our Sports Medicine "
            "Symposium. Mara spoke openly about her own ACL tears.",
            ORG,
            [],
        ),
        (
            "Walter Briggs passed peacefully at home. Maya Chen and Chaplain Okafor were honored to care for him.",
            ORG,
            ["Walter Briggs"],
        ),
        # a care home (known by its staff's roles): the people its posts celebrate are residents
        (
            "Walt turned ninety-three on Sunday and told us about the winter of 1936.",
            CARE_HOME,
            ["Walt", "ninety-three"],
        ),
        ("Walt turned ninety-three on Sunday and told us about the winter of 1936.", ORG, []),
        ("Devon led the whole dining room in a very off-key chorus today.", CARE_HOME, []),
        (
            "Volunteer spotlight: Bev Tillman drives in every Tuesday to run our knitting circle.",
            CARE_HOME,
            [],
        ),
    ],
)
def test_whose_name(
    phi: RuleFamily, nlp: Language, text: str, context: dict[str, Any], expected: list[str]
) -> None:
    assert sorted(blocked_spans(phi, nlp, text, context=context)) == sorted(expected)
