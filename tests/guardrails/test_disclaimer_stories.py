"""Success stories told without a name or in other words, sponsorship cues, public requests for
symptoms; and staff spotlights, whose "she" is the staff member and no patient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from guardrails.rules.disclaimers import DisclaimersFamily
from tests.guardrails.helpers import make_family
from tests.guardrails.test_disclaimers import ADVICE, CONNECTION, RESULTS, disclaimer_rules

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily


@pytest.fixture(scope="module")
def family(nlp: Language) -> RuleFamily:
    return make_family(DisclaimersFamily, nlp)


STAFF: dict[str, Any] = {
    "organisation": {
        "names": ["Larkspur Pediatrics"],
        "staff": [{"name": "Noelle Park", "credentials": "CPNP", "role": "Nurse practitioner"}],
    }
}


@pytest.mark.parametrize(
    ("content_type", "text", "rule"),
    [
        (
            "post",
            "After eight weeks in our pulmonary rehab program, Maribel Ortega is back to salsa dancing!",
            RESULTS,
        ),
        ("post", "Braces off day for Jolie Marchetti!! 22 months and one very big smile.", RESULTS),
        (
            "post",
            "Born September 21 to Jess and Amir Haddad after four years of trying. Welcome, Theo!",
            RESULTS,
        ),
        (
            "post",
            "A year ago, one of our clients couldn't leave the house. This week she drove to her sister's wedding.",
            RESULTS,
        ),
        ("post", "Ana has been wearing the new hearing aids Lumen sent over #LumenAmbassador", CONNECTION),
        (
            "post",
            "Courtney's gift guide: show this post for 10% off, and Courtney gets a little bonus too.",
            CONNECTION,
        ),
        (
            "post",
            "Got a rash? Drop a description in the comments and Dr. Okonkwo will weigh in on a few!",
            ADVICE,
        ),
        ("comment_reply", "Sorry he's unwell! Tell us a bit more about the rash right here.", ADVICE),
        (
            "post",
            "Congrats to @mo_runs on finishing the Turkey Trot just five months after ACL surgery!",
            RESULTS,
        ),
        ("post", "After 4 years of dialysis, Desmond is now home with his new kidney.", RESULTS),
        ("post", "After four rounds, Natalie and Chris are finally holding their twins!", RESULTS),
        (
            "post",
            "\u201cCarla made me feel safe during my VBAC.\u201d Thank you, Jess Marlowe, for letting us share your birth story.",
            RESULTS,
        ),
        (
            "post",
            "Ask a midwife! Carla is answering your pregnancy questions in the comments all afternoon.",
            ADVICE,
        ),
        (
            "post",
            "A patient of ours came to us unable to lift her grandson. Yesterday she carried him up our steps.",
            RESULTS,
        ),
        (
            "post",
            "This dad told Curtis he missed his kids' games. Yesterday he coached, nine months sober.",
            RESULTS,
        ),
        ("post", "This month she walked down the aisle 52 pounds lighter. *Results not typical.", RESULTS),
        ("ad", '"They gave us our son back." \u2014 a PICU parent. Learn more at example.org/picu', RESULTS),
        (
            "post",
            "Real words from a real Northgate patient \U0001f4ac Thank you for letting us share, Deb!",
            RESULTS,
        ),
        ("post", "A year ago he was in our clinic on crutches; tonight he starts at linebacker.", RESULTS),
        ("post", "after 6 wks of home PT, one of our guys went from bed-bound to walking his dog!!", RESULTS),
        ("post", "Nine months after his ACL reconstruction, Jaden was cleared for full contact.", RESULTS),
        ("post", "After three rounds of IVF, Priya and Sam's rainbow baby is finally home.", RESULTS),
        ("post", '"Mom has not been readmitted once since Northfield started visiting." - a family', RESULTS),
        ("post", "Meet Brian! Six visits later he has a smile he's proud of.", RESULTS),
        ("post", "Eight weeks into CBT-I with Dr. Raman, she's sleeping close to seven hours.", RESULTS),
        ("post", "Down 42 lbs in 5 months! So proud of you, Tanya!", RESULTS),
        ("post", "The tummy tuck that gave her confidence back. Watch her story with Dr. Wolfe.", RESULTS),
        (
            "post",
            "Huge congratulations to alum Danny, who picked up his 365-day chip last Thursday.",
            RESULTS,
        ),
        (
            "post",
            "When Lauren and Chris came to us, they'd almost given up. This is the story of how their twins got here.",
            RESULTS,
        ),
        (
            "post",
            "Students: feeling anxious or having trouble sleeping? Drop a comment and tell us what's going on!",
            ADVICE,
        ),
        ("post", "Mental Health AMA: ask anything about anxiety or depression. Comments are open!", ADVICE),
        ("post", "not sure about a mole? DM us a pic and dr baptiste will let u know if it's bad", ADVICE),
        (
            "post",
            "#ad No more finger sticks! This monitor has honestly changed how I live with diabetes.",
            RESULTS,
        ),
        (
            "post",
            "Paid partnership with Lumen Aesthetics. Got my tox today and my 11s are already softening.",
            RESULTS,
        ),
        # session 9, tuned on dev_fresh21: a change in numbers as a headline, then-and-now told to
        # "you", a school record, a video in someone's own words, a family after years of hoping,
        # a re-shared review, a public request for a child's symptoms
        (
            "post",
            "From 9.8 to 6.4 📉\n\nThat's how far one of our diabetes class participants brought her A1C.",
            RESULTS,
        ),
        (
            "post",
            "POV: 6 weeks ago you couldn't lift your arm past your shoulder… and today you hung the "
            "lights yourself. Shared with permission from our patient Bea.",
            RESULTS,
        ),
        (
            "post",
            "One of my asthma kiddos hasn't missed a single day of school this semester since his "
            "action plan visit.",
            RESULTS,
        ),
        ("post", "NEW: Dev tells you in his own words what ACL rehab was really like.", RESULTS),
        (
            "post",
            "After five years of hoping, the Okafor family finally got to meet their little June.",
            RESULTS,
        ),
        ("post", '"In and out in 25 minutes with 4 stitches." A review that made our team smile.', RESULTS),
        (
            "post",
            "Live Q&A Thursday: post your child's symptoms and age in the comments and Dr. Sheikh "
            "will answer on air.",
            ADVICE,
        ),
        # said in other shapes (dev_fresh24 and dev_fresh30)
        ("post", "Then: 290 lbs, two blood pressure meds.\nNow: 228 lbs, one med. Way to go, Ray!", RESULTS),
        (
            "post",
            "From an A1C of 10.9 to 6.7 in one year! Congratulations to Esteban on his hard work.",
            RESULTS,
        ),
        (
            "post",
            "Gene put off seeing anyone about his breathing for years. Since starting his COPD plan "
            "with our team, he's back running the combine.",
            RESULTS,
        ),
        ("post", "VBAC success! Jess had the birth she hoped for with our midwives.", RESULTS),
        (
            "post",
            "Thanks to Tumbletot for sending us a box of their new teething rings! Our nurses say "
            "they're the easiest to clean.",
            CONNECTION,
        ),
        (
            "post",
            "Taking several medications? Comment the meds you're on and our pharmacists will check them!",
            ADVICE,
        ),
        (
            "post",
            "Pregnant and wondering if that twinge is normal? Ask our midwives in the comments!",
            ADVICE,
        ),
        ("post", "Brianna's FrostForm results are in! She's loving her flanks after two sessions.", RESULTS),
        (
            "post",
            "Looking for a family doctor? Oakline is taking new patients. (Full disclosure: I'm on "
            "staff at Oakline.)",
            CONNECTION,
        ),
        (
            "post",
            "Back pain at your desk? Our PT is answering your questions about posture in the comments "
            "today. Not medical advice. Emergencies: call 911.",
            ADVICE,
        ),
        (
            "crisis",
            "If you're having trouble sleeping or feeling overwhelmed since the bridge closed, tell us "
            "what's going on in the comments and one of our counselors will reply with some ideas.",
            ADVICE,
        ),
        (
            "post",
            "Obsessed with the goodie bag the @LumenMedSpa team sent me! Their SPF lives in my bag now.",
            CONNECTION,
        ),
    ],
)
def test_flags(family: RuleFamily, nlp: Language, content_type: str, text: str, rule: str) -> None:
    assert rule in disclaimer_rules(family, nlp, text, content_type)


@pytest.mark.parametrize(
    "text",
    [
        "Say hi to Noelle Park, CPNP! Fun fact: she ran her first marathon last spring!",
        "Staff spotlight: Noelle Park went back to school for her nursing degree while working.",
        "Staff Spotlight: Noelle Park, CPNP. Ask her about the time she ran the city half-marathon.",
    ],
)
def test_staff_spotlight_is_no_success_story(family: RuleFamily, nlp: Language, text: str) -> None:
    assert disclaimer_rules(family, nlp, text, context=STAFF) == set()


@pytest.mark.parametrize(
    "text",
    [
        # a place, a people or a hashtag is nobody whose story this could be
        "Our anxiety program is the most loved in New England, and it works. Referrals: 555-0129",
        "Our clinic speaks Korean and Spanish, and it works for families. #MentalHealth",
        # a visit after care is not an outcome
        "Otto brought donuts for the ED team one month after his heart attack.",
        # a status update, not an outcome claim
        "Tyler finished his concussion protocol this week and is cleared to play Friday.",
        # opening hours are no change in numbers
        "From 8 to 5 on weekdays, Ana and the front desk team answer the phones.",
        # a return to a workplace is no outcome of care
        "Our coding team moved floors last month; they're back in the main building on Monday.",
        "Welcome back, Dana! After her surgery leave she's back at the front desk on Mondays.",
        # a playlist is no change, a population figure is no success story
        'The jazz band played everything from "Jingle Bell Rock" to Duke Ellington in our lobby.',
        "IVF success falls with age, per the national summary report.",
        # history is no one's recovery
        "On December 23, 1954, Dr. Joseph Murray performed the first kidney transplant. Seventy-two years "
        "later, our transplant program marks its 500th transplant. Thank you to every donor family.",
        "On Nov 3, 1906, Dr. Alois Alzheimer presented the case of Auguste Deter. 120 years later, join us "
        "for a free caregiver workshop on Thurs 12/3.",
    ],
)
def test_no_one_s_story(family: RuleFamily, nlp: Language, text: str) -> None:
    assert RESULTS not in disclaimer_rules(family, nlp, text)


def test_a_patient_story_naming_staff_is_still_one(family: RuleFamily, nlp: Language) -> None:
    text = (
        "A man who came to our ED in cardiac arrest last spring walked back in this week to thank "
        "the nurses and Noelle Park, who kept him alive."
    )
    assert RESULTS in disclaimer_rules(family, nlp, text, context=STAFF)


def test_questions_asked_in_person_are_not_posted(family: RuleFamily, nlp: Language) -> None:
    assert ADVICE not in disclaimer_rules(
        family, nlp, "Questions about your flu shot's side effects? Ask Samir at the counter."
    )
    assert ADVICE in disclaimer_rules(
        family, nlp, "Questions about your flu shot's side effects? Ask Samir in the comments."
    )
    assert ADVICE not in disclaimer_rules(
        family,
        nlp,
        "Side effects of the shingles shot can include fever. Questions? Ask Grace Liu, PharmD or any of our "
        "immunizing pharmacists.",
    )
    # an exam answers it: "a free evaluation with Dr. Greer will tell you if you're a candidate"
    assert ADVICE not in disclaimer_rules(
        family, nlp, "Dry eyes? A free evaluation with Dr. Greer will tell you if LASIK is right for you."
    )
    assert ADVICE in disclaimer_rules(
        family, nlp, "Dry eyes? Dr. Greer will tell you if LASIK is right for you."
    )
