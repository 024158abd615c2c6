"""A sponsor, an app, a product line or a programme named like a person is nobody's identifier;
nor is a date an offer gives every reader ("before your benefits reset on Jan 1"), a language
listed beside a people's name, a lactation counsellor's credential or "texted" after "his mom".
A patient beside the same words stays PHI."""

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
        # sponsors and brands: after "partnership with", "brought to you by"; before a product noun;
        # the first label of a web address in the same post
        (
            "Paid partnership with Calmly. Teresa from our psychiatry team has been trying Calmly's "
            "evening journaling prompts this month. Not a replacement for therapy.",
            [],
        ),
        (
            "Sponsored: brought to you by Pulsetrack. Our heart walk club logged 1,000 miles this fall, "
            "and the Pulsetrack Band helped everyone after cardiac rehab.",
            [],
        ),
        ("We're giving away 3 Snugglebug sleep sacks, the ones our NICU nurses recommend!", []),
        ("Our therapist swears by the Stillwater app's Sleep Stories after a long clinic day.", []),
        (
            "That's how far one of our Sweet Success class participants brought her A1C down this "
            "year, after her diabetes diagnosis.",
            [],
        ),
        (
            "Our PTs keep asking about Posturo for patients with back pain: posturo.example.com/desk",
            [],
        ),
        # a person beside the same nouns is still a person
        ("Priya's app reminds her to take her insulin since her diagnosis in May.", ["Priya"]),
        ("Come watch Mia ring the bell after her last chemo session!", ["Mia"]),
        # offers and schedules, not anybody's visit
        (
            "Book your annual eye exam with Dr. Rafael Quiñones before your benefits reset on Jan 1: "
            "clearvieweye.example.com/exam",
            [],
        ),
        ("The weight comes off with our coaches. Free info session Dec 9 at our clinic.", []),
        # a resident's death date stays hers even after "our"
        (
            "Fly high, Earl. Our longtime resident died on Sunday, April 5 surrounded by family.",
            ["Earl", "Sunday, April 5"],
        ),
        # a list of languages, a credential, a verb
        ("Walk-ins welcome at our clinic: our team speaks English, Spanish and Diné.", []),
        ("New lactation visits with Hana Kim, CLC! Every new mom gets breastfeeding support.", []),
        (
            "One of my asthma kiddos hasn't missed a day of school. His mom texted me a picture "
            "of his attendance certificate.",
            [],
        ),
        # a brand joined from dictionary words, a company thanked for what companies do
        (
            "Our audiologists have been testing SoundNest's new cleaning kits all month, and Dr. "
            "Strand says hers now has a permanent spot on her desk. Thanks to SoundNest for sending a "
            "box for the team! Grab one at our front desk for $29.",
            [],
        ),
        (
            "Look what showed up in our mailroom! Thanks to Tumbletot for sending us a box of their "
            "new silicone teething rings. Our nurses tried them all.",
            [],
        ),
        # a given name in two parts is a name; a couple who sponsor a van may be patients
        (
            "DeShawn finished his last round of chemo today, and his sister Keisha was there.",
            ["DeShawn", "Keisha"],
        ),
    ],
)
def test_spans(phi: RuleFamily, nlp: Language, text: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text)) == sorted(expected)
