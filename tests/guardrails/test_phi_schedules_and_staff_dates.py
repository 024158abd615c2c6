"""A staff member's own day, a tour's schedule of dates and venues, a date more than a lifetime
ago and an event's street address are nobody's identifiers; a hospice's post about a named
person (not staff) is about a patient, with the date, relative and street that go with them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.guardrails.test_phi_context import blocked_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily

HOSPICE: dict[str, Any] = {
    "organisation": {
        "names": ["Cedar Hollow Hospice", "Cedar Hollow"],
        "locations": [{"name": "Cedar Hollow Hospice", "address": "60 Mill Pond Rd, Millbrook, NY 12545"}],
        "staff": [{"name": "Wendell Price", "credentials": "", "role": "Volunteer coordinator"}],
    }
}
CARE_HOME: dict[str, Any] = {"organisation": {"names": ["Maple Grove Assisted Living", "Maple Grove"]}}
SCHEDULE = (
    "Our mobile mammography coach is on the road in December\n\n"
    "Dec. 2: Dunmore Heights Library\nDec. 4: Hollins Township Hall\n"
    "Dec. 9: St. Casimir Parish, Lincoln Park\nDec. 11: Marlowe St YMCA\n\n"
    "Screening mammograms are recommended for many women starting at age 40."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Congrats to our physician assistant Gwen Hartley, who married her high-school sweetheart on Oct. 10!",
            [],
        ),
        ("Happy birthday to our charge nurse Kofi Mensah, RN! Kofi celebrates on Dec. 1.", []),
        (SCHEDULE, []),
        (
            "Every baby born here gets an Apgar score, a test created by Dr. Virginia Apgar, born "
            "June 7, 1909. Our delivery nurses still use it every day.",
            [],
        ),
    ],
)
def test_not_identifiers(phi: RuleFamily, nlp: Language, text: str, expected: list[str]) -> None:
    # a care home: there, anyone named who is not staff is taken for a patient
    assert sorted(blocked_spans(phi, nlp, text, context=CARE_HOME)) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Last wish granted. Earl Dupree hadn't seen the ocean since 1974. On Nov. 15, two of our "
            "volunteers and his nephew Tre drove him to the coast, and he was back home on Birch "
            "Hollow Road by supper. Thank you, Wendell, for making it happen.",
            ["Birch Hollow Road", "Earl Dupree", "Nov. 15", "Tre"],
        ),
        (
            "All veterans and their families are welcome at our We Honor Veterans ceremony on "
            "Tuesday, November 11, at 2 pm at the Millbrook VFW Post, 22 Elm St.",
            [],
        ),
    ],
)
def test_hospice(phi: RuleFamily, nlp: Language, text: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text, context=HOSPICE)) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a pronoun and a care word after a named patient: the date is theirs, event words or not
        (
            "Dear Janelle, thank you for the kind words about your father, Tomas. Caring for him from "
            "May 3 until June 21 was a privilege for our whole unit.",
            ["Janelle", "May 3", "June 21", "Tomas"],
        ),
        # a staff member named in that sentence makes it theirs
        (
            "Congratulations to our Dr. Kofi Mensah on the birth of his daughter! Dr. Mensah will be on "
            "leave until January 4, and Dr. Underhill will see his patients in the meantime.",
            [],
        ),
    ],
)
def test_patients_dates_told_with_a_pronoun(
    phi: RuleFamily, nlp: Language, text: str, expected: list[str]
) -> None:
    assert sorted(blocked_spans(phi, nlp, text)) == sorted(expected)
