"""Missing disclaimers: results-vary on testimonials, material connections, medical questions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from pydantic import ValidationError

from guardrails.config import ConfigError
from guardrails.findings import Category, Severity
from guardrails.registry import RuleFamily
from guardrails.rules.disclaimers import DisclaimersFamily
from tests.guardrails.helpers import make_family, run_family

if TYPE_CHECKING:
    from spacy.language import Language

LEXICON = Path(__file__).parents[2] / "guardrails" / "data" / "lexicons" / "disclaimers.yaml"

RESULTS = "missing_disclaimer.results_vary"
CONNECTION = "missing_disclaimer.material_connection"
ADVICE = "missing_disclaimer.medical_advice"


@pytest.fixture(scope="module")
def family(nlp: Language) -> RuleFamily:
    return make_family(DisclaimersFamily, nlp)


def disclaimer_rules(
    family: RuleFamily, nlp: Language, text: str, content_type: str = "post", **kw: Any
) -> set[str]:
    findings = run_family(family, text, content_type=content_type, nlp=nlp, **kw)
    assert all(f.category is Category.MISSING_DISCLAIMER for f in findings)
    return {f.rule_id for f in findings}


# (content type, text, rule expected)
POSITIVES = [
    ("post", "Watch Marcus share how our sleep clinic changed his life. Link in bio.", RESULTS),
    ("post", "Thanks to @GlowCo for sending us these amazing serums to try! #skincare", CONNECTION),
    (
        "post",
        "Meet Gloria! Six weeks after her knee replacement, she's back to gardening every morning.",
        RESULTS,
    ),
    (
        "post",
        "\u201cI finally sleep through the night,\u201d says our patient Dana. Book your sleep study today.",
        RESULTS,
    ),
    ("post", "See the before and after of this smile makeover!", RESULTS),
    ("post", "Our client Brittany is glowing after her chemical peel.", RESULTS),
    (
        "post",
        "Ray lost 60 pounds in our weight-loss program and sleeps better. Results not typical.",
        RESULTS,
    ),
    ("post", "Two years cancer-free! Congratulations, Mei.", RESULTS),
    (
        "ad",
        "Eight months after her diagnosis, Kalani's latest scan is clear and she's back to paddling.",
        RESULTS,
    ),
    (
        "post",
        "Thanks to @GlowLabs for sending me their new SPF serum! Use my code GLOW20 for 20% off.",
        CONNECTION,
    ),
    ("post", "Loving my new toothbrush from SmileCo. Get 15% off with my code SMILE15. #spon", CONNECTION),
    ("post", "I partnered with Kestrel Pharmacy to talk about flu shots. #partner #collab", CONNECTION),
    ("ad", "I've been using ClearBreathe for three months and I can finally run again!", CONNECTION),
    (
        "post",
        "This serum changed my skin in two weeks and everyone keeps asking about it. Try it today. #skincare #glow #ad",
        CONNECTION,
    ),
    ("post", "Gifted by Lumen Med Spa: my first hydrafacial, and I'm obsessed.", CONNECTION),
    ("post", "Got questions about your medications? Drop them in the comments for our pharmacist!", ADVICE),
    ("post", "Ask our nurse anything about diabetes this Friday! Leave your questions below.", ADVICE),
    ("post", "Tell us your symptoms in the comments and we'll say if it's allergies or a cold.", ADVICE),
    ("comment_reply", "DM us your health questions anytime!", ADVICE),
    (
        "ad",
        "\u201cThey got me in the same day,\u201d one parent told us. Same-day sick visits, every weekday.",
        RESULTS,
    ),
    (
        "post",
        "\u201cDr. Haddad gave me my confidence back!\u201d \u2013 Jasmine, patient since 2019",
        RESULTS,
    ),
    ("post", "Five stars from Mark: 'Best dental experience I've ever had!'", RESULTS),
    (
        "post",
        "Patient spotlight: after 20 years of back pain, Tom is pain-free thanks to our spine team.",
        RESULTS,
    ),
    ("post", "Sam dropped 3 dress sizes with our medically supervised weight-loss program!", RESULTS),
    ("post", "Maria says her migraines are gone since starting treatment with Dr. Laurent.", RESULTS),
    ("post", "Hear how Tom beat cancer with help from our oncology team.", RESULTS),
    ("post", "Thanks @SmileCo for the free whitening kit! #gifted", CONNECTION),
    ("post", "Loving these new compression socks from @FlexFit! #partner", CONNECTION),
    ("post", "Have a question for our pharmacists? Comment below and we'll answer this week!", ADVICE),
    ("post", "Worried about a mole? Send us a photo and our dermatologists will take a look!", ADVICE),
    ("post", "Ask Dr. Rao your parenting and health questions live on Thursday!", ADVICE),
    ("post", "#ad I felt so much better after taking Nauselle, and my doctor says it worked.", RESULTS),
    (
        "post",
        "Paid partnership with Veridia. Day 2 and my frown lines already look visibly smoother!",
        RESULTS,
    ),
    ("post", "Since starting Zelvira, I wore shorts for the first time in years. #PsoriasisWarrior", RESULTS),
    (
        "post",
        "Gloria spent three weeks on 5 East after her stroke, and today she walked in to say hi!",
        RESULTS,
    ),
    (
        "post",
        "My morning routine: thanks to @SmileCo for the free electric toothbrush! I'm hooked.",
        CONNECTION,
    ),
    (
        "post",
        "Such a gentle cleaning at @CedarGroveDental today. (Partnerships listed in my bio.)",
        CONNECTION,
    ),
    (
        "post",
        "Tell us about your sneezing or stuffy nose in the comments and we'll say what to take.",
        ADVICE,
    ),
    (
        "crisis",
        "If you have asthma and are struggling to breathe, send us a message and a nurse will reply.",
        ADVICE,
    ),
    ("crisis", "If you're feeling hopeless, comment below or send us a message.", ADVICE),
    (
        "post",
        "Patient success story: after a year of therapy, Ana can hold her granddaughter again.",
        RESULTS,
    ),
    ("post", "Maria's A1C dropped from 9.2 to 6.8 in six months with our diabetes program!", RESULTS),
    ("post", "Use code NURSEJO for 10% off my favorite compression socks!", CONNECTION),
    (
        "post",
        "Wondering if that rash needs a doctor? Post a photo below and our nurse will weigh in!",
        ADVICE,
    ),
    (
        "post",
        "What's your biggest sleep struggle? Tell us below and our sleep doctor will share tips.",
        ADVICE,
    ),
    # a first since a care event, then-and-now, and invitations phrased as triage
    ("post", "Today he played his first full match since surgery, after rehab with our team.", RESULTS),
    ("post", "Two years ago she could barely hear her grandkids. Today she never misses a word.", RESULTS),
    ("post", "Eye floaters or flashes? DM us what you're seeing and we'll tell you if it's serious.", ADVICE),
    ("post", "Feeling low? Share what's on your mind in the comments and our counselors will reply.", ADVICE),
    # a change for the better after care, told of a named person, in other words
    ("post", "After her hip replacement with our team, Doris finally walks her dog every morning.", RESULTS),
    ("post", "Eighteen days in our ICU, and today Marco went home to his family.", RESULTS),
    # wordings beyond the classic lists
    ("post", "Before -> after: three sessions of microneedling and her pores look smaller.", RESULTS),
    ("post", "After his stroke, a retired pilot relearned to read with our speech therapists.", RESULTS),
    ("post", "\u201cI finally feel in control,\u201d one program graduate told us.", RESULTS),
    ("post", "The spa treated me to a hydrafacial so I could share my honest review!", CONNECTION),
    ("post", "Ambassador perks: my monthly peel at Glow Studio keeps my skin calm.", CONNECTION),
    (
        "post",
        "Reply with a photo of your mole and our dermatologist will tell you if it looks worrying.",
        ADVICE,
    ),
    ("post", "Send us a message describing your symptoms and we will let you know what to do.", ADVICE),
    ("post", "This is where I'd send my own family for checkups, no question. #TeamBrightSmiles", CONNECTION),
    ("post", "Worried about a new mole? Comment below and our dermatologist will answer tonight!", ADVICE),
    # one person's measurable result, stated plainly
    ("post", "Meet Tom. A year into our diabetes program, he's down 30 pounds.", RESULTS),
    ("post", "Lydia is finally off her insulin after our lifestyle program.", RESULTS),
    ("post", "After six months of treatment with us, her skin is clear.", RESULTS),
    ("post", "From three migraines a week to none: Ana tells how our clinic helped.", RESULTS),
    # what one person did after care, or finally likes, or overcame
    (
        "post",
        "Luis could not walk a block in May. After 12 weeks of rehab with us he climbed Pikes Peak.",
        RESULTS,
    ),
    (
        "post",
        "After years of covering her teeth, Mona finally loves her smile thanks to her new crowns.",
        RESULTS,
    ),
    ("post", "Dale reversed his fatty liver in a year with our nutrition coaching.", RESULTS),
    # more words before "questions", a speculative diagnosis as the health subject
    ("post", "Bring your hip and knee pain questions to tonight's live chat with our surgeon!", ADVICE),
    ("post", "Message us a photo and our team will let you know whether it could be a wart.", ADVICE),
    (
        "post",
        "Changes in your hearing lately? Describe them in a comment and our audiologist will reply.",
        ADVICE,
    ),
    ("post", "Ask Dr. Park anything about fertility on our live stream Friday!", ADVICE),
    ("post", "Before: knees aching on every stair. After: dancing at her granddaughter's wedding.", RESULTS),
    ("post", "Tried the new hydrafacial at Lumen Spa (they covered my session) and I'm glowing!", CONNECTION),
    (
        "post",
        "Book your first cleaning at Bright Dental, mention my name and we both get $20 off!",
        CONNECTION,
    ),
    ("post", "Our client Marcus went from a size 42 to a 34 waist with CoolSculpting. Book today!", RESULTS),
    ("post", "Since joining our diabetes program, Lorraine's A1C went from 9.2 to 6.1.", RESULTS),
    ("post", "Huge thanks to @GlowAesthetics for the complimentary lip filler! So natural.", CONNECTION),
    ("post", "My honest review of the Glow hydrafacial (they let me try it for free): love it!", CONNECTION),
    ("post", "Sponsored | Glow Aesthetics made my wedding-day skin perfect.", RESULTS),
    ("post", "Three sessions in and my skin is flawless now. Thank you Glow!", RESULTS),
    (
        "post",
        "Rachel started with us in January. 11 months and 38 pounds later, she ran a half marathon!",
        RESULTS,
    ),
    ("post", "One of our clients heard her granddaughter whisper for the first time.", RESULTS),
    (
        "post",
        "Two years of hoping: Sofia and Ben welcomed their twins this month! Thanks for letting us share.",
        RESULTS,
    ),
    (
        "post",
        "toothache keeping you up?? comment below with where it hurts and Dr. Okafor will reply",
        ADVICE,
    ),
    (
        "post",
        "Not sure you qualify? DM us your weight, your meds and any conditions. Not medical advice.",
        ADVICE,
    ),
    ("post", "hearing aids changed my life! my link in bio gets you $200 off!!", CONNECTION),
    (
        "post",
        "Radiation fatigue wearing you down? Ask our oncology nurse navigator, Priya Das, RN, anything "
        "in the comments on Friday. This is general education, not medical advice. If you have chest "
        "pain, call 911.",
        ADVICE,
    ),
    # a sponsor or an employer named only at the end, an Employee/Partner tag, paid travel, a gift
    (
        "post",
        "Blister packs made my dad's week easier. Thanks to Kestrel for sponsoring this post!",
        CONNECTION,
    ),
    (
        "post",
        "I can't say enough about the heart team here. (Full disclosure: I work in the cath lab!)",
        CONNECTION,
    ),
    (
        "post",
        "Proud of the team I get to work with. Get your RSV shot this fall. #TallisEmployee",
        CONNECTION,
    ),
    ("post", "Flu shots done in 20 minutes at the Westbury clinic! #OaklinePartner #FluSeason", CONNECTION),
    ("post", "Thank you @VeridiaAesthetics for flying me out to your launch night!", CONNECTION),
    (
        "post",
        "Mail day! @BrightsideSmiles sent the twins these toothbrush kits, and they love them.",
        CONNECTION,
    ),
]

NEGATIVES = [
    ("post", "Our average wait time went from 45 to 12 minutes this year with the new check-in system!"),
    ("post", "Thanks to our donors for the free flu shots we gave out this weekend!"),
    ("post", "Tip: use sunscreen daily so your skin is smooth and clear for years."),
    ("post", "For the first time in our history, our clinic opens on Sundays."),
    ("post", "Thank you to our volunteers for the care packages they made for our patients!"),
    ("post", "Volunteer spotlight: Bev drives in from Glenmere every Tuesday to run our knitting circle."),
    ("post", "Our team ran the Lakemont 10K on Oct. 12 and raised $18,000 for the food bank!"),
    ("post", "Thanks to the Rotary Club for giving us 200 flu shots for the community clinic!"),
    ("post", "Flu shots are in! Ask a pharmacist today about which one is right for you."),
    ("post", "Tell us your favorite fall recipe in the comments and we'll share ours!"),
    ("post", "Congratulations to Ewa, who graduated from our 12-week Healthy Steps program today!"),
    ("post", "Our nurse Dana went home early today after a long shift in the ICU. Rest up!"),
    ("post", "Our first open house since the renovation is Saturday at 10 a.m."),
    (
        "post",
        "Eye floaters? DM us what you're seeing and we'll tell you if it's serious. This isn't medical "
        "advice; in an emergency call 911.",
    ),
    ("post", "Comment below with your favorite winter walking route!"),
    (
        "post",
        "Meet Gloria! Six weeks after her knee replacement, she's back to gardening. Individual results vary.",
    ),
    (
        "post",
        "Anjali's smile journey, in her words: \u201cI covered my mouth for ten years.\u201d Results may vary.",
    ),
    ("post", "\u201cI love helping families find answers,\u201d says Dr. Rao, our newest pediatrician."),
    ("post", "Welcome Dr. Hannah Ferreira! \u201cI can't wait to meet my new patients,\u201d she says."),
    ("post", "Knee replacement recovery usually takes 6 to 12 weeks. Ask your surgeon what to expect."),
    ("post", "Our team is back to full hours starting Monday!"),
    ("review_response", "We're glad you're back to running! Thank you for the kind review."),
    ("post", "#ad Thanks to @GlowLabs for sending me their new SPF serum! Use my code GLOW20 for 20% off."),
    ("post", "Paid partnership with Kestrel Pharmacy: here's why I get my flu shot every year."),
    ("post", "Sponsored | I partnered with Kestrel Pharmacy to talk about flu shots."),
    ("ad", "Mammogram appointments are now available on Saturdays. Call 555-0103 to book."),
    ("post", "Thank you to our community partners at the Riverbend Food Bank for another great year."),
    (
        "post",
        "Got general questions about allergy season? Drop them below. This isn't medical advice: for "
        "anything personal, call us privately at 555-0130, and in an emergency, call 911.",
    ),
    ("post", "Questions about our new hours? Drop them below!"),
    ("post", "Walk-in flu shots, no appointment needed. Questions? Call 555-0130."),
    ("post", "Most patients are back to normal activities within 2 weeks of cataract surgery."),
    ("post", "Sam dropped 3 dress sizes with our weight-loss program! Results vary from person to person."),
    ("post", "As a nurse at Riverbend, I'm proud to recommend our new urgent care!"),
    ("post", "We partnered with the American Heart Association to offer free blood pressure screenings."),
    ("post", "Thanks to the Rotary Club for providing free car seats to 50 families!"),
    ("post", "The Riverbend 5K is sponsored by Kestrel Pharmacy. Register today!"),
    ("post", "Our nurses gifted 200 blankets to the shelter this winter."),
    ("post", "Enter our sweepstakes to win a free electric toothbrush! Official rules at the link."),
    ("post", "Have questions about your bill? Message us privately."),
    ("post", "Our smoke-free campus policy starts Monday."),
    ("post", "\u201cWe're so proud of this team,\u201d said CEO Maria Gomez, RN."),
    ("post", "\u201cDr. Haddad gave me my confidence back!\u201d \u2013 Jasmine. Individual results vary."),
    ("post", "Thanks to the Rotary Club for the free car seats they gave 50 families this month!"),
    ("post", "Disclosure: I'm a pharmacist at Kestrel. We now offer free medication reviews."),
    ("post", "Full disclosure: I'm a nurse at St. Brigid. Our Breast Center has evening slots."),
    (
        "post",
        "Radiation fatigue wearing you down? Ask our oncology nurse navigator, Priya Das, RN, anything "
        "in the comments. This is not medical advice. In an emergency, call 911. For anything personal, "
        "call us privately at 555-0100.",
    ),
    ("post", "Our nurses work in the NICU and the burn unit, and they were honored this week."),
    ("crisis", "If you have an emergency, call 911. Visitors may re-enter through the north entrance."),
    ("post", "Employee here! Our new urgent care opens Monday with evening hours."),
    ("post", "We're proud to partner with the YMCA on free diabetes prevention classes."),
    ("post", "For the first time in our history, we've opened a second campus!"),
    ("post", "Share a photo of your team at our 5K for a chance to be featured!"),
    ("post", "Our nurses ran the city marathon together on Sunday to raise money for the NICU."),
    ("post", "Medicare covered my screening, so don't skip yours: book at 555-0100."),
    ("post", "Refer a friend to our wellness classes and you both get a free water bottle!"),
    # "is home to" is a place, a change denied is not a story
    ("post", "Our campus is home to the region's only burn unit, where Dr. Ames leads the team."),
    ("post", "No therapy is pain-free for everyone, so we check in with you after every session."),
    ("post", "Sales are down 30 percent this quarter, our CFO Grace Lin told the board."),
]


@pytest.mark.parametrize(("content_type", "text", "rule"), POSITIVES)
def test_flags_a_missing_disclaimer(
    family: RuleFamily, nlp: Language, content_type: str, text: str, rule: str
) -> None:
    assert rule in disclaimer_rules(family, nlp, text, content_type)


@pytest.mark.parametrize(("content_type", "text"), NEGATIVES)
def test_leaves_disclosed_or_ordinary_text_alone(
    family: RuleFamily, nlp: Language, content_type: str, text: str
) -> None:
    assert disclaimer_rules(family, nlp, text, content_type) == set()


def test_severities_follow_the_regulations(family: RuleFamily, nlp: Language) -> None:
    text = "I partnered with GlowLabs! See my before and after. Got skin questions? Drop them below."
    findings = run_family(family, text, nlp=nlp)
    severity = {f.rule_id: f.severity for f in findings}
    assert severity == {RESULTS: Severity.WARN, CONNECTION: Severity.BLOCK, ADVICE: Severity.WARN}


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        (
            "Drop your symptom questions below! In an emergency, call 911. Call us privately at 555-0100.",
            "medical advice",
        ),
        (
            "Drop your symptom questions below! This isn't medical advice. Call us privately at 555-0100.",
            "911",
        ),
        (
            "Drop your symptom questions below! This isn't medical advice. In an emergency, call 911.",
            "privately",
        ),
    ],
)
def test_each_part_of_the_medical_question_disclaimer_is_required(
    family: RuleFamily, nlp: Language, text: str, missing: str
) -> None:
    findings = [f for f in run_family(family, text, nlp=nlp) if f.rule_id == ADVICE]
    assert len(findings) == 1
    assert missing in findings[0].message


def test_disclosure_must_open_the_post(family: RuleFamily, nlp: Language) -> None:
    late = "Thanks to GlowLabs for sending me this serum, it is now part of my evening routine. #ad"
    early = "#ad Thanks to GlowLabs for sending me this serum, it is now part of my evening routine."
    assert CONNECTION in disclaimer_rules(family, nlp, late)
    assert disclaimer_rules(family, nlp, early) == set()
    wide = make_family(DisclaimersFamily, nlp, disclosure_window_chars=200)
    assert run_family(wide, late, nlp=nlp) == []


def test_ambiguous_tags_are_named_in_the_message(family: RuleFamily, nlp: Language) -> None:
    text = "#spon Loving my new toothbrush from SmileCo, use my code SMILE15."
    findings = run_family(family, text, nlp=nlp)
    assert [f.rule_id for f in findings] == [CONNECTION]
    assert "#spon" in findings[0].message  # a fixed lexicon term, not text quoted from the post


def test_messages_never_quote_the_text(family: RuleFamily, nlp: Language) -> None:
    text = "Zelda Quorn is back to skiing after her ACL repair! Thanks to @SkiCo for gifting my gear."
    findings = run_family(family, text, nlp=nlp)
    assert {f.rule_id for f in findings} == {RESULTS, CONNECTION}
    for finding in findings:
        for word in ("Zelda", "Quorn", "skiing", "SkiCo", "gear"):
            assert word not in finding.message
            assert word not in (finding.suggestion or "")


def test_spans_point_into_the_submitted_text(family: RuleFamily, nlp: Language) -> None:
    text = "Ｍeet Jo: she's back to hiking after her knee surgery! Use my code HIKE10."
    findings = {f.rule_id: f for f in run_family(family, text, nlp=nlp)}
    results = findings[RESULTS]
    assert results.start is not None
    assert text[results.start : results.end] == "back to hiking"


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ValidationError):
        make_family(DisclaimersFamily, None, window=3)
    with pytest.raises(ValidationError):
        make_family(DisclaimersFamily, None, disclosure_window_chars=0)


def _write(tmp_path: Path, change: Any) -> str:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "disclaimers.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["results_statements"].append("[unclosed"),
        lambda d: d.update(results_statements=[]),
        lambda d: d.pop("disclosure_patterns"),
        lambda d: d.update(unexpected=["x"]),
        lambda d: d.update(version="one"),
    ],
)
def test_bad_lexicon_refuses_to_start(tmp_path: Path, change: Any) -> None:
    with pytest.raises(ConfigError):
        make_family(DisclaimersFamily, None, lexicon=_write(tmp_path, change))


def test_missing_lexicon_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        make_family(DisclaimersFamily, None, lexicon=str(tmp_path / "absent.yaml"))
