"""Names that are also English words ("Summer"), names in a list ("• Yusuf, 5 years"), a name
before ", who", care words of a children's ICU ("PICU", "41 days with us") or a dental partial,
an unnamed "95-year-old" and a reply typed on a phone ("ur refill"); and what is nobody's
name: "Tdap", "Holter", an emoji, a season."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.guardrails.test_phi_context import blocked_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily


@pytest.mark.parametrize(
    "text",
    [
        "hi Deb! ur lisinopril refill is ready, we had to order it in so sorry for the delay.",
        "omg ty Bri!! the swelling should be all gone by now, come back for ur touch up in 2 wks",
    ],
)
def test_a_reply_typed_on_a_phone(phi: RuleFamily, nlp: Language, text: str) -> None:
    # "ur" is "your": the reply ties care to the person it greets
    assert len(blocked_spans(phi, nlp, text, content_type="comment_reply")) == 1


@pytest.mark.parametrize(
    ("text", "content_type", "expected"),
    [
        (
            "Summer, thank you for raising this. The X-ray from your visit was read that evening.",
            "review_response",
            ["Summer"],
        ),
        ("Summer is here! Stay hydrated and book your sports physical today.", "post", []),
        # a cheer and a birth announcement name the person; a team or a campaign is nobody
        (
            "Go Jaden!! Nine months after his ACL reconstruction he was back under the lights.",
            "post",
            ["Jaden"],
        ),
        ("Go Rams! Our sports medicine team is at every home game.", "post", []),
        ("Go Red for Women this Friday: wear red for heart health at our clinic!", "post", []),
        (
            "Welcome to the world, Juniper Rose! Born at home on November 3.",
            "post",
            ["Juniper Rose", "November 3"],
        ),
        (
            "Huge congratulations to alum Danny Reyes. Danny, from detox to this, we are proud.",
            "post",
            ["Danny Reyes", "Danny"],
        ),
        # a nickname the model reads as a place: the given name in it is the person
        ("Mondays are better when Big Mike stops by after his shoulder rehab.", "post", ["Mike"]),
        (
            "Happy transplant anniversary to:\n• Yusuf, 5 years\n• Carmen R., 1 year\n"
            "From all of us in the transplant clinic.",
            "post",
            ["Yusuf", "Carmen R."],
        ),
        (
            "Our PICU crew lined the hallway with pom-poms today for Bubba's send-off after 41 days with us.",
            "post",
            ["Bubba"],
        ),
        (
            "Aww, thank you Jenna! Your dad Frank is a gem. Tell him his new partial will be ready "
            "Tuesday the 14th.",
            "comment_reply",
            ["Jenna", "Frank", "Tuesday the 14th"],
        ),
        (
            "A 95-year-old retired mail carrier came in after a fall with a hip fracture and was in "
            "the OR within 18 hours.",
            "post",
            ["95"],
        ),
        (
            "Vaccine menu: Flu, COVID-19, shingles, Tdap and pneumococcal, all at the pharmacy counter.",
            "post",
            [],
        ),
        ("A 24-hour Holter misses most AFib. Ask about an implanted monitor at your next visit.", "post", []),
        (
            "Welcome home! \U0001f3e1 We're so happy to have Hope Adeyemi back after her hip surgery.",
            "post",
            ["Hope Adeyemi"],
        ),
        (
            "WELCOME HOME, TEDDY! Six weeks on 3 North and you finally get to sleep in your own bed.",
            "post",
            ["TEDDY"],
        ),
        # a month that is a given name, in a relation slot; nicknames that are English words
        (
            "Hal died peacefully in our care with his wife, June, holding his hand.",
            "post",
            ["Hal", "June"],
        ),
        (
            "Congrats to Dina on her twins, Ivy and June, home from the NICU today!",
            "post",
            ["Dina", "Ivy", "June"],
        ),
        ("Your mom's June 4th visit went well; see you both in six months.", "comment_reply", ["June 4th"]),
        (
            "Tonight we lit a candle for Pops, our longtime friend in Room 2. Thank you for the terrible puns, "
            "Pops.",
            "post",
            ["Pops", "Room 2", "Pops"],
        ),
        (
            "Happy 89th to Hank! The kitchen made his favorite peach cobbler for his recovery party.",
            "post",
            ["Hank"],
        ),
    ],
)
def test_spans(phi: RuleFamily, nlp: Language, text: str, content_type: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text, content_type=content_type)) == sorted(expected)
