"""A consent that names a whole family ("parents Ngozi and Emeka; twins Ada and Obi") or an
influencer's handle covers each of them; an X thread's "1/3" and "over 2-3 months" are no dates;
a top fundraiser, two counties a clinic serves, the organisation's "MyRiverbend" portal, its
"Birth Center" opening day, a city after "in", a café and "our friends at" a company are
nobody's identifiers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.guardrails.test_phi_context import ORG, blocked_spans, with_consents

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily

NICU = (
    "Ada and Obi were born at 29 weeks and spent 51 days in our NICU. Their parents, Ngozi and "
    "Emeka, learned kangaroo care before the twins went home."
)
FAMILY_CONSENT = {
    "id": "nicu-07",
    "subject_hint": "Adeyemi family (parents Ngozi and Emeka; twins Ada and Obi)",
    "scope": ["facebook"],
    "expires": "2029-06-30",
}
INFLUENCER = "So grateful to @mindful.maya for sharing her experience with our online therapy program!"
HANDLE_CONSENT = {
    "id": "inf-02",
    "subject_hint": "Maya Lin (@mindful.maya)",
    "scope": ["facebook"],
    "expires": "2028-03-31",
}


def test_a_family_consent_covers_everyone_it_names(phi: RuleFamily, nlp: Language) -> None:
    assert sorted(blocked_spans(phi, nlp, NICU)) == ["Ada", "Emeka", "Ngozi", "Obi"]
    assert blocked_spans(phi, nlp, NICU, context=with_consents(FAMILY_CONSENT)) == []


def test_a_consent_naming_a_handle_covers_it(phi: RuleFamily, nlp: Language) -> None:
    assert blocked_spans(phi, nlp, INFLUENCER) == ["@mindful.maya"]
    assert blocked_spans(phi, nlp, INFLUENCER, context=with_consents(HANDLE_CONSENT)) == []
    # only that handle: a longer one that starts the same is someone else's
    longer = {**HANDLE_CONSENT, "subject_hint": "Maya Lin (@mindful.maya.lin)"}
    assert blocked_spans(phi, nlp, INFLUENCER, context=with_consents(longer)) == ["@mindful.maya"]


PORTAL: dict[str, Any] = {**ORG, "organisation": {**ORG["organisation"], "names": ["Riverbend"]}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1/3 When Lauren and Chris first came to us for IVF, they'd been trying for four years.",
            ["Lauren", "Chris"],
        ),
        ("Cryolipolysis results develop over 2-3 months; redness and numbness are common.", []),
        ("Thank you to our top fundraiser, Daniel Ortiz, who raised $14,250 for cancer care.", []),
        ("A new mobile clinic is serving Harlan and Pike counties two days a week.", []),
        ("The network outage affects our phone lines and the MyRiverbend patient portal.", []),
        ("Our new Riverbend Birth Center opens March 2! Tours every Saturday in March.", []),
        ("Dr. Feld presented our IVF outcomes at the annual meeting in Denver this week.", []),
        ("Special thanks to Bakers' Row Café for feeding our NICU volunteers all day.", []),
        # a pharmacy's longtime customer retiring is no staff member retiring
        (
            "Happy retirement to one of our longtime customers, Clement Adeyinka! After 30 years of "
            "refills at our counter, he's moving closer to his son.",
            ["Clement Adeyinka"],
        ),
        ("Huge thanks to our friends at Kinetix Tape for sending the PT team a year's supply!", []),
        # a sponsored post's creator, a staff member's own handle; a patient's handle stays PHI
        ("#ad We partnered with podcaster @wombandwords for her episode on fertility treatment.", []),
        ("Follow our cardiologist Maya Chen, MD (@dr.mayachen) for heart-health tips after surgery.", []),
        (
            "Congrats to @liftwithlena on her first meet back, nine months after her ACL surgery!",
            ["@liftwithlena"],
        ),
        # a role or a public title just before the name; a fundraiser's credential
        (
            "#TeamTuesday: front desk lead Yesenia Portillo and our newest scheduler, Olumide Adebayo, "
            "who started in October, answer 600 calls a day in flu season.",
            [],
        ),
        (
            "Two-time Olympic alpine skier Mikaela Ravensworth spent Saturday with our young athletes "
            "talking about knee injury prevention.",
            [],
        ),
        ("KBON-TV chief meteorologist Dana Kowalczyk joined our dermatologist to talk skin cancer.", []),
        (
            "Congratulations to senior embryologists Marisol Quintanilla and andrology technologist "
            "Grace Oyinlola on our IVF lab's accreditation.",
            [],
        ),
        ("Our chemo suite opens in March, said foundation president Marianne Castellano, CFRE.", []),
    ],
)
def test_spans(phi: RuleFamily, nlp: Language, text: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text, context=PORTAL)) == sorted(expected)
