"""A patient's school, street or employer written the short way ("Greenport High", "Cobb Rd",
"412 Thornapple Ct", "41 yrs at ..."), a date after "came in", a reply's "your
prescriptions" that makes the delivery address the reader's, and the school or street of
a group of people in care ("treating 6 students from Harmon Middle School")."""

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
            "Hope graduated from PT today, 14 weeks after her ACL repair, and she's cleared to get "
            "back on the field with the Greenport High varsity squad.",
            "post",
            ["Hope", "Greenport High"],
        ),
        (
            "reminder for our weekend field team: mr Tran's insulin pump was swapped fri, new "
            "supplies are in the blue bin at the Cobb Rd house.",
            "post",
            ["Tran", "Cobb Rd"],
        ),
        (
            "Hi Mrs. Kowalczyk! Our driver will drop off your prescriptions at 412 Thornapple Ct "
            "between 2 and 4 today.",
            "comment_reply",
            ["Kowalczyk", "412 Thornapple Ct"],
        ),
        (
            "The gentleman in room 412B came in 11/2 with a BP of 60 over nothing, and within "
            "minutes the rapid response team was at his bedside.",
            "post",
            ["room 412B", "11/2"],
        ),
        ("Our flu clinic is at Greenport High on Saturday from 9 to 1.", "post", []),
        # people in care told as a group: where they come from narrows who they are
        (
            "Update: we are treating 6 students from Harmon Middle School after this morning's bus "
            "collision on Hwy 60. All are stable.",
            "crisis",
            ["Harmon Middle"],
        ),
        (
            "Two children from the building at 418 Alder Street remain in our pediatric ICU in stable "
            "condition after last night's fire.",
            "crisis",
            ["418 Alder Street"],
        ),
        # students at a school event are nobody in care
        ("Our nurses gave flu shots to 200 students at Harmon Middle School this week.", "post", []),
        # a pronoun after a named patient: the place is theirs, unless the last person named is staff
        (
            "Mateo finished his last PT session after his knee surgery. On Saturday he was back on the "
            "court for Linwood High.",
            "post",
            ["Mateo", "Linwood High"],
        ),
        (
            "Walter spent six weeks with our rehab team after his stroke. He moved to his son's place "
            "in Tucson this month.",
            "post",
            ["Walter", "Tucson"],
        ),
        (
            "So glad the new lens is working, Ada, and that you can see the birds at your feeder in "
            "Fort Collins again.",
            "review_response",
            ["Ada", "Fort Collins"],
        ),
        (
            "Please welcome Dr. Lena Marsh to our cardiology team! She joins us from a fellowship in "
            "Boston and starts seeing patients Monday.",
            "post",
            [],
        ),
        (
            "Meet Tomas Reyes, our new care coordinator! He grew up in Pine Falls and helps patients "
            "schedule their follow-up visits.",
            "post",
            [],
        ),
        # an employer the model took for a person, named with a word of the organisation's town
        (
            "Shoutout to Darnell, a lineman with Westbury Electric Co-op, who finished knee rehab on his "
            "last day with us!",
            "post",
            ["Darnell", "Westbury Electric Co-op"],
        ),
        (
            "Congrats, Bud! 41 years at Riverbend Paper Mill and he still showed up for his annual hearing "
            "check today.",
            "post",
            ["Bud", "Riverbend Paper"],
        ),
        # where an unnamed person in care comes from; not the place of an incident
        (
            "Update 3:40 pm: one patient, a 93-year-old man from Birch Landing, is being treated for smoke "
            "inhalation and is in stable condition.",
            "crisis",
            ["93", "Birch Landing"],
        ),
        (
            "Update 4:15pm: we have received 3 patients from the Route 1 pileup. Families, please call "
            "555-0100.",
            "crisis",
            [],
        ),
    ],
)
def test_spans(phi: RuleFamily, nlp: Language, text: str, content_type: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text, content_type=content_type)) == sorted(expected)
