"""Absolutes the first red-flag table missed: uniqueness ("the only med spa in Georgia where"),
"100% of our patients", "never make you wait", "every time", "a miracle for", "breakthrough";
a promise that the illness will not come ("you won't get the flu"), an unsourced success rate, and
outcomes driven "to zero"."""

from __future__ import annotations

import pytest

from guardrails.rules.claims import UnsubstantiatedClaimFamily
from tests.guardrails.helpers import make_family, run_family, spans_of


@pytest.fixture(scope="module")
def claims() -> UnsubstantiatedClaimFamily:
    built = make_family(UnsubstantiatedClaimFamily)
    assert isinstance(built, UnsubstantiatedClaimFamily)
    return built


def flagged(claims: UnsubstantiatedClaimFamily, text: str) -> list[str]:
    return spans_of([f for f in run_family(claims, text) if f.rule_id.endswith("red_flag")], text)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            "Juniper is the only med spa in Georgia where every treatment is done by a nurse.",
            "the only med spa in",
        ),
        ("St. Brigid is the only hospital in western Pennsylvania that does this.", "the only hospital in"),
        ("100% of our FUE patients grow back a full head of hair.", "100% of our FUE patients"),
        ("We treat sprains to sinus infections with zero wait, 100% of the time.", "100% of the time"),
        ("Heart attack patients here never wait for care.", "never wait"),
        (
            "Our imaging system picks the healthiest embryo every time.",
            "picks the healthiest embryo every time",
        ),
        ("Our fertility bundle is a miracle for egg quality.", "a miracle for"),
        ("A true breakthrough in fertility care.", "A true breakthrough"),
        ("Get your flu shot at Kestrel and you won't get the flu this winter.", "you won't get the flu"),
        ("Our residential recovery program has a 94% success rate.", "a 94% success rate"),
        (
            "Hospital readmissions drop to zero when patients go home with Solace.",
            "readmissions drop to zero",
        ),
        ("Your prescription in 10 minutes or your visit is free.", "or your visit is free"),
        ("Quickwell: healthcare that never keeps you waiting.", "never keeps you waiting"),
        (
            "best pediatricians in bay harbor, hands down (our parents say so, not us lol)",
            "best pediatricians in bay",
        ),
        ("82% live birth rate per transfer.", "82% live birth rate"),
        ("More freedom and zero risks with home dialysis.", "zero risks"),
        ("Proton therapy with zero damage to healthy tissue.", "zero damage"),
        ("Ditch the glasses for good with LASIK.", "Ditch the glasses for good"),
        (
            "At Northfield, our patients never end up back in the hospital.",
            "never end up back in the hospital",
        ),
        ("Dermivia helped 2 out of 3 adults see clear skin by week 16.", "2 out of 3 adults"),
        ("Lowest C-section rate in Vermont.", "Lowest C-section rate"),
        ("Families say we're the best hospice in Ohio.", "the best hospice"),
        ("With us, your loved one will never be in pain again.", "never be in pain again"),
        ("Our AI-assisted workflow eliminates missed diagnoses in the ED.", "eliminates missed diagnoses"),
        ("Best cancer care on the Peninsula, period.", "Best cancer care on the Peninsula"),
        ("PRP injections heal tendon injuries in half the time.", "in half the time"),
        ("It's the only pillow that actually fixes snoring.", "the only pillow that actually fixes"),
        ("They're the best hearing aids on the market.", "best hearing aids on the market"),
        ("Dormiva works the first night, every night.", "works the first night, every night"),
        ("Rapid strep results in 10 minutes, every single time.", "every single time"),
        ("Anxiety doesn't stand a chance.", "doesn't stand a chance"),
        (
            "Our program retrains how your brain responds to stress, for good.",
            "retrains how your brain responds to stress, for good",
        ),
        ("Come see us and you'll be feeling 100% by the weekend.", "feeling 100%"),
        ("Heart disease isn't a life sentence. It's reversible.", "It's reversible"),
        ("Cardexa starts working from the very first dose.", "starts working from the very first dose"),
        ("With our technique, it won't even leave your arm sore.", "won't even leave your arm sore"),
        ("Our 6-week CBT-I program fixes insomnia without a single pill.", "fixes insomnia"),
        ("Don't lose 10 lbs in 3 months? Your fourth month is on us.", "Your fourth month is on us"),
        ("Clinically designed plans that actually work.", "Clinically designed"),
        ("There's no better place in Pennsylvania to have a baby.", "no better place"),
        ("Cancer care so advanced, other hospitals send their toughest cases to us.", "other hospitals send"),
        ("Ask anyone in Westbrook where to get the best facial.", "the best facial"),
        (
            "9 out of 10 of our ACL patients are back in their sport within a year.",
            "9 out of 10 of our ACL patients",
        ),
        ("Throw away your glasses. Forever.", "Throw away your glasses"),
        ("yes it works for asthma too, way easier than the old ones", "easier than the old ones"),
        ("everyone who comes home with evercare stays home.", "everyone who comes home with evercare stays"),
        ("Our in-office whitening gives you results that never fade.", "results that never fade"),
        ("A flu shot gives you full protection within 24 hours.", "full protection within 24 hours"),
        ("You'll see perfectly the very next morning.", "see perfectly"),
        ("Our crowns outlast anything the chain offices offer.", "outlast anything"),
        (
            "People who choose us live longer than those treated anywhere else in the region.",
            "live longer than those treated anywhere",
        ),
        ("Waits are shorter than at any urgent care in the county.", "than at any urgent care in the county"),
        ("It is the once-daily tablet doctors trust most.", "doctors trust most"),
        (
            "Hollis Bay's most knowledgeable pharmacists are right here.",
            "Bay's most knowledgeable pharmacists",
        ),
        ("Our pediatricians are the best in Maine at spotting it.", "the best in Maine"),
        ("Our clinicians catch 99% of skin cancers at the first screening.", "catch 99% of"),
        ("Nine out of ten patients who enroll have it under control.", "Nine out of ten patients"),
    ],
)
def test_flags(claims: UnsubstantiatedClaimFamily, text: str, span: str) -> None:
    assert span in flagged(claims, text)


@pytest.mark.parametrize(
    "text",
    [
        "Isaac still gets goosebumps every time he watches a blastocyst form.",
        "We're the only ones who remember the parking rules, apparently.",
        "Only 100 spots left for the 5K!",
        "Please don't wait to call us if your symptoms get worse.",
        "A flu shot doesn't mean you won't get the flu; it lowers your risk of a bad case.",
        "Falls on our unit dropped by a third after the hourly rounding pilot.",
        "Half the time, a cold just needs rest and fluids.",
        "Our new hours are the only change this month.",
        "His son called the unit from work every night at 8 to check on him.",
        "Thank you for the work you do every day. #OncologyNursing",
        "Patients trust most of what their pharmacist tells them, so ask us anything.",
        "She brings out the best in Every Kid Counts volunteers.",
        "No vaccine gives full protection within 24 hours; it takes about two weeks.",
        "In a 2024 study, the screening caught 91% of cancers at stage 1.",
    ],
)
def test_leaves_alone(claims: UnsubstantiatedClaimFamily, text: str) -> None:
    assert flagged(claims, text) == []
