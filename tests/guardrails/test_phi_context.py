"""Context decides PHI: whose identifier is it? Tables of (text, expected PHI spans)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError

from guardrails.config import ConfigError, GuardrailConfig
from guardrails.findings import Category, Entity, Severity
from guardrails.pipeline import instantiate_families
from guardrails.registry import Registry, RuleFamily, RuleResources
from guardrails.rules.phi import PhiFamily
from tests.guardrails.helpers import make_family, run_family, spans_of

if TYPE_CHECKING:
    from spacy.language import Language

ORG: dict[str, Any] = {
    "organisation": {
        "names": ["Riverbend Regional Medical Center", "Riverbend Regional"],
        "locations": [
            {
                "name": "Main Campus",
                "address": "1200 Harbor View Drive, Riverbend, OR 97420",
                "phone": "555-0100",
            },
            {
                "name": "Westbury Clinic",
                "address": "2150 Cannery Road, Westbury, OR 97501",
                "phone": "555-0112",
            },
        ],
        "websites": ["riverbendregional.example.org"],
        "handles": ["@RiverbendRegional"],
        "staff": [
            {"name": "Maya Chen", "credentials": "MD", "role": "Cardiologist"},
            {"name": "Amara Okonkwo", "credentials": "RN", "role": "Nurse manager"},
            {"name": "Grace Mwangi", "credentials": "", "role": "Patient experience manager"},
        ],
    }
}


def with_consents(*consents: dict[str, Any]) -> dict[str, Any]:
    return {**ORG, "consents": list(consents)}


def blocked_spans(
    family: RuleFamily,
    nlp: Language,
    text: str,
    content_type: str = "post",
    context: dict[str, Any] | None = None,
) -> list[str]:
    findings = run_family(family, text, content_type=content_type, context=context or ORG, nlp=nlp)
    # the identifiers only: phi.patient_status repeats the first one's span
    return spans_of(
        [f for f in findings if f.severity is Severity.BLOCK and f.rule_id == "phi.identifier"], text
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # patients and their relatives
        ("So proud of our patient Maria Lopez after her bypass surgery.", ["Maria Lopez"]),
        (
            "Her daughter Keisha drove her home to Alder Creek after her hip surgery.",
            ["Keisha", "Alder Creek"],
        ),
        (
            "Welcome to the world, baby Amara Nwosu! Born November 19 in our birth center.",
            ["Amara Nwosu", "November 19"],
        ),
        (
            "Clarence Whitby, born November 28, 1925, turns 101 today in room 512!",
            ["Clarence Whitby", "November 28, 1925", "101", "room 512"],
        ),
        (
            "Get well soon, Pavel! Your grandson Nikolai says hi from 118 Linden Terrace.",
            ["Pavel", "Nikolai", "118 Linden Terrace"],
        ),
        (
            "Shout-out to Priya from Lakewood, who finished her last chemo session today.",
            ["Priya", "Lakewood"],
        ),
        (
            "Ahmad Karimi of Westbury logged in from 198.51.100.23 for his asthma follow-up.",
            ["Ahmad Karimi", "Westbury", "198.51.100.23"],
        ),
        # a number right after a patient's name is theirs, unless the words between make it ours
        ("Call our patient Dana Reyes at 555-014-2231 about her follow-up.", ["Dana Reyes", "555-014-2231"]),
        ("Dana, call our front desk at 555-014-2231 to move your infusion.", ["Dana"]),
        # a given name and a surname the small model called a group; a school holding a saint's name
        (
            "After her valve surgery, Marguerite Oyelaran (93) of Oldcastle is back to her roses.",
            ["Marguerite Oyelaran", "93", "Oldcastle"],
        ),
        (
            "Ezra, a second grader at St. Brendan's School, was brave for his shots.",
            ["Ezra", "St. Brendan's School"],
        ),
        # form-like lines, a room with a wing, a relative's age
        ("Patient spotlight! Name: Lorne · Age: 91 · Favourite PT exercise: stairs.", ["Lorne", "91"]),
        ("Ilse in Rm 7-214 rang the chemo bell this morning!", ["Ilse", "Rm 7-214"]),
        ("Tobias had his checkup today, and his great-grandma, 92, held his hand.", ["Tobias", "92"]),
        # a full name with short syllables; a holiday after a discharge; a closed day is no one's
        ("Nguyen Van An, 91, is our oldest dialysis patient.", ["Nguyen Van An", "91"]),
        ("The Ramirez twins went home from the NICU on Christmas Eve!", ["Ramirez", "Christmas Eve"]),
        ("All clinics are closed on Christmas Day; the ER is open.", []),
        # a patient's care home; an event's venue of the same shape is nobody's
        ("Grandpa Joe, 102, cast his vote from his room at Sunny Acres.", ["Joe", "102", "Sunny Acres"]),
        ("Join us at Maple Gardens for the flu clinic on Saturday.", []),
        # a relative's handle in a post about a hospital stay
        (
            "Mrs. O'Connor's granddaughter (IG: @katie.oc) made her this card during her stay.",
            ["O'Connor", "@katie.oc"],
        ),
        # a holiday as the day of a birth; a street after "lives on"; a device serial in two groups
        ("Happy first birthday to Mateo, born on New Year's Day in our NICU!", ["Mateo", "New Year's Day"]),
        (
            "We're bringing Mrs. Kowalczyk's oxygen today. She lives on Birch Lane.",
            ["Kowalczyk", "Birch Lane"],
        ),
        # a date of a public figure is not a patient's
        ("Florence Nightingale was born on 12 May 1820. Happy Nurses Day to our nurses!", []),
        # an age after the name, and a surname's initial
        ("Beatrix is 98 years old and just got her first hearing aids.", ["Beatrix", "98"]),
        ("Discharged today after a week with pneumonia: Edna R. (92).", ["Edna R.", "92"]),
        # a name the small model reads as an organisation, with an age in apposition
        ("Mae, aged 94, went home from the cardiac unit on Jan. 4.", ["Mae", "94", "Jan. 4"]),
        # staff are not PHI: titles, credentials, roles, the staff directory
        ("Dr. Maya Chen and Dr. Patel cared for Walter Pruitt after his surgery.", ["Walter Pruitt"]),
        ("Thanks, Amara, for caring for our patients on 5 East!", []),
        ("Jess Whitaker, RN, joins our surgery team this month.", []),
        ("Please call Carmen, our intake coordinator, at 555-0150 about your visit.", []),
        (
            "Staff spotlight: Hollis Greer is retiring after 22 years at our front desk. Hollis, we'll miss you!",
            [],
        ),
        # public and historical figures, personas, eponyms
        (
            "Michael J. Fox was diagnosed with Parkinson's disease at 29. Our support group meets Thursdays.",
            [],
        ),
        ("In 1952, Virginia Apgar created the newborn score every baby in our birth center gets.", []),
        ("Meet 'Sam,' a composite character. Sam is 8 and has asthma, like many patients we treat.", []),
        # the organisation's own facts, event dates and years alone
        ("Call us at 555-0100 or visit riverbendregional.example.org for flu shot hours.", []),
        # the whole address is the identifier: presidio alone stops at the first known TLD (".la")
        ("Book online in MyRiverbend: https://my.riverbendregional.example.org #Riverbend", []),
        (
            "Tell your provider if you have had Guillain-Barré syndrome after a flu vaccine. Hodgkin "
            "lymphoma is explained in our new video.",
            [],
        ),
        (
            "DeShawn McKinley finished his chemo today! See his blog at https://deshawn-mck.la/journey.",
            ["DeShawn McKinley", "https://deshawn-mck.la/journey"],
        ),
        ("Follow @RiverbendRegional for updates on our new surgery wing.", []),
        ("Join our free diabetes class on Tuesday, April 7, in room 204. Patients welcome!", []),
        ("Riverbend Regional opened in 1962 with 40 beds for patients.", []),
        ("Our Westbury clinic at 2150 Cannery Road now offers same-day visits.", []),
        ("Falls are a leading cause of injury for adults in their 90s.", []),
        # a patient's own contact details, numbers and photo
        (
            "We're still trying to reach Hank Dubois's emergency contact at 555-0191 after his surgery.",
            ["Hank Dubois", "555-0191"],
        ),
        (
            "Found: a wallet with a driver's license for Tomas Rivera (S530-4412-9981) in our ER.",
            ["Tomas Rivera", "S530-4412-9981"],
        ),
        (
            "Giorgos Papadakis took his first lap after his hip replacement. See his photo with our PT team below.",
            ["Giorgos Papadakis", "his photo with our PT team"],
        ),
        ("Recall notice: lot numbers 4PD23-17 and 4PD23-18 of a children's ibuprofen are affected.", []),
        # titles, pets, ordinary words at the start of a sentence, birth announcements, products
        ("Welcome home, Sgt. Tyrell Hughes! He is back with his unit after knee surgery.", ["Tyrell Hughes"]),
        ("This is Max, our office therapy dog. He loves visiting patients on the rehab unit.", []),
        ("Brush twice a day and floss once. Dentures need daily cleaning too.", []),
        (
            "Baby Elijah arrived on 9/14, weighing 8 lb 1 oz. Congratulations to mom Tasha and dad Marcus Reed!",
            ["Elijah", "9/14", "Tasha", "Marcus Reed"],
        ),
        ("Halvex may cause nausea. Ask your doctor whether Halvex is right for you.", []),
        # ordinal ages, history next to a living patient, towns and states in a patient's sentence
        ("Happy 95th birthday to Mrs. Evelyn Marsh, a patient of ours since 1979!", ["95", "Evelyn Marsh"]),
        ("Walter, who served in Korea in 1952, turns 94 today on our rehab unit!", ["Walter", "94"]),
        ("Our patient Maria drove in from Lakeview for her last chemo session.", ["Maria", "Lakeview"]),
        ("Visiting from Florida, Hazel Brooks stopped by after her knee surgery.", ["Hazel Brooks"]),
        ("Welcome our newest little one, Ava Smith, born Nov 3 in our birth center!", ["Ava Smith", "Nov 3"]),
        ("Lab results for #A-5521-0093 are back; Dr. Park will call this afternoon.", ["#A-5521-0093"]),
        ("Thank you to the Hendricks Family Foundation for funding our new pediatric playroom!", []),
        # capitals alone do not make a name: hashtags, trademarks, the products' own words,
        # headings, labels and list openers made of dictionary words
        ("Flu shots for kids at every well visit this fall. #FluSeason #NursesWeek #KidsHealth", []),
        ("Cardelle® lowers LDL cholesterol. Ask your doctor if Cardelle is right for you.", []),
        ("Wear Halvex-XR daily. Do not use Halvex-XR with a pacemaker. Halvex may cause nausea.", []),
        (
            "Halvex has a Boxed Warning for serious infections. Full Prescribing Information, including "
            "Boxed Warning: https://riverbendregional.example.org/halvex/pi",
            [],
        ),
        (
            "Swelling, bruising, and lumps are common after your treatment. Rarely, injection into a blood "
            "vessel can cause blindness.",
            [],
        ),
        ("7:00 a.m. Rounds with the NICU team. 6:45 p.m. Handoff to the night shift.", []),
        ("Our team rode in the Ride for Diabetes Research in Portland to support patients and families.", []),
        ("Knee pain Q&A with our physical therapist in the comments until 3 p.m. today.", []),
        ("Halvex can cause a rare genital infection (Fournier's gangrene).", []),
        # ... and dictionary words with person evidence are still names
        ("Frank Hill finished his last round of chemo at our cancer center today.", ["Frank Hill"]),
        ("Grace Walker, 92, went home from our cardiac unit this morning.", ["Grace Walker", "92"]),
        ("Rose Young was admitted to our stroke unit on March 3.", ["Rose Young", "March 3"]),
        ("Our patient Hope and her sister Joy thanked the surgical team.", ["Hope", "Joy"]),
        # a later first-name mention the NER model reads as an organisation is the same patient
        (
            "Ring the bell, Hollis Mbeki! After six months of chemotherapy at our cancer center, Hollis "
            "finished his last infusion today.",
            ["Hollis Mbeki", "Hollis"],
        ),
    ],
)
def test_posts(phi: RuleFamily, nlp: Language, text: str, expected: list[str]) -> None:
    context = {**ORG, "products": [{"id": "hx", "brand_name": "Halvex", "established_name": "tirzepatide"}]}
    assert sorted(blocked_spans(phi, nlp, text, context=context)) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "content_type", "expected"),
    [
        # the person a review reply addresses is a patient by implication
        # a reply that repeats someone's own number ties them to the organisation
        (
            'Hi Bea! Your note said "text me at 555-014-5519 when it comes in" and it just did.',
            "comment_reply",
            ["Bea", "555-014-5519"],
        ),
        # "those stitches": one person's care, not care in general; ten bare digits after "call"
        ("Wes, we'll take those stitches out on the 9th.", "comment_reply", ["Wes", "the 9th"]),
        (
            "Farida will call you at 5550142266 about the prior auth, Tomas.",
            "comment_reply",
            ["5550142266", "Tomas"],
        ),
        # a record number after "filed under" or in digit groups after "chart #"
        (
            "Gordon, your lab slip was filed under SRH-00-441-782; chart #00 7719 2284 is fixed too.",
            "comment_reply",
            ["Gordon", "SRH-00-441-782", "00 7719 2284"],
        ),
        # an address with a top-level domain presidio does not list; a hyphenated given name
        (
            "Jamal, we emailed your son's lab results to jamal.whitfield@inboxmail.example as asked.",
            "comment_reply",
            ["Jamal", "jamal.whitfield@inboxmail.example"],
        ),
        (
            "Congratulations, Priya and Dev! We all cried when your beta came back positive.",
            "comment_reply",
            ["Priya", "Dev"],
        ),
        # a given name in lower case after thanks; "everyone" is not one
        ("thanks maria! glad your crown feels good", "comment_reply", ["maria"]),
        ("thanks everyone! see you all at the walk", "comment_reply", []),
        # a date beside only a staff member is still the reader's
        ("Thanks, Ana. Dr. Maya Chen moved your surgery to May 3.", "comment_reply", ["Ana", "May 3"]),
        # a reply answering a general question stays clean
        (
            "Hi Bea! We'll have flu shots every Tuesday; call our front desk at 555-014-5519.",
            "comment_reply",
            [],
        ),
        ("Thank you for the kind words, Dana! We're glad your visit went well.", "review_response", ["Dana"]),
        (
            "Ms. Pruett, we explained all of this at your August 3 visit.",
            "review_response",
            ["Pruett", "August 3"],
        ),
        ("We apologize that your December 18 appointment was cancelled.", "review_response", ["December 18"]),
        (
            "Mr. Castellanos, member ID XJH884512301 shows as inactive for your inhaler claim.",
            "comment_reply",
            ["Castellanos", "XJH884512301"],
        ),
        (
            "Sorry about the long wait in the ER, @bigsky_dave. Glad the stitches are holding!",
            "comment_reply",
            ["@bigsky_dave"],
        ),
        # the first handle is the reader: care anywhere in the reply is theirs
        (
            "We hear you, @quietharbor_lou. Sam has an opening Thursday if you'd like to restart "
            "weekly therapy for the panic attacks.",
            "comment_reply",
            ["@quietharbor_lou"],
        ),
        # an account thanked for sharing the organisation's own service stays clear
        (
            "Thanks for sharing, @millbrook_news! Our flu clinic runs Saturday from 9 to 1.",
            "comment_reply",
            [],
        ),
        # the person a reply answers, with care told of them anywhere in it
        (
            "Hi Glenn! Since your sleep study showed severe apnea and the mask hasn't worked out, "
            "Dr. Siddiqui would love to see you back.",
            "comment_reply",
            ["Glenn"],
        ),
        (
            "Hi Kelsey, we hear you. The Tuesday night group has a waitlist, but Elliot is going to "
            "call you this week about starting individual therapy sessions.",
            "comment_reply",
            ["Kelsey"],
        ),
        # care offered to everyone, or a thank-you naming a doctor, does not make the reader a patient
        ("Hi Maria! Flu shots are available Saturday at all locations.", "comment_reply", []),
        (
            "Thank you so much, Tanya! We'll make sure Dr. Qureshi and the whole team see this.",
            "comment_reply",
            [],
        ),
        # a generic reply and a community partner are clean
        (
            "We're sorry to see this. Please call Grace Mwangi at 555-0100 so we can talk privately.",
            "review_response",
            [],
        ),
        (
            "Thanks, Priya! It was a pleasure co-hosting the book fair with the Kellerton Public Library.",
            "comment_reply",
            [],
        ),
        ("Hi Carlos! Yes, we offer evening appointments on Tuesdays until 7 p.m.", "comment_reply", []),
        (
            "We're sorry your visit felt rushed. Please call Dana at 555-0100 or ask for Luis at our front desk.",
            "review_response",
            [],
        ),
        (
            "Hi Jamal, your prescription is ready. We'll text you at 555-201-8847.",
            "comment_reply",
            ["Jamal", "555-201-8847"],
        ),
    ],
)
def test_replies(phi: RuleFamily, nlp: Language, text: str, content_type: str, expected: list[str]) -> None:
    assert sorted(blocked_spans(phi, nlp, text, content_type)) == sorted(expected)


CONSENT = {
    "id": "AUTH-2291",
    "subject_hint": "Maria L.",
    "scope": ["facebook", "post"],
    "expires": "2099-01-01",
}
STORY = (
    "Maria Lopez walked out of cardiac rehab with a medal today. Thank you, Maria! Individual results vary."
)


def test_valid_consent_turns_a_named_patient_into_info_citing_it(phi: RuleFamily, nlp: Language) -> None:
    findings = run_family(phi, STORY, context=with_consents(CONSENT), nlp=nlp)
    assert spans_of(findings, STORY) == ["Maria Lopez", "Maria"]
    assert all(f.rule_id == "phi.consented" and f.severity is Severity.INFO for f in findings)
    assert all("AUTH-2291" in f.citation and f.entity is Entity.PERSON for f in findings)
    # consent on file: no patient-status finding either
    assert not [f for f in findings if f.rule_id == "phi.patient_status"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("So proud of our patient Maria Lopez after her bypass!", True),
        ("Dr. Maria Lopez joins our cardiology team.", False),
        ("Flu shots are free for everyone this Saturday.", False),
    ],
)
def test_a_named_patient_also_discloses_patient_status(
    phi: RuleFamily, nlp: Language, text: str, status: bool
) -> None:
    findings = run_family(phi, text, context=ORG, nlp=nlp)
    found = [f for f in findings if f.rule_id == "phi.patient_status"]
    assert bool(found) is status
    assert all(f.category is Category.PATIENT_STATUS and f.severity is Severity.BLOCK for f in found)


@pytest.mark.parametrize(
    "consent",
    [
        {**CONSENT, "expires": "2020-01-01"},
        {**CONSENT, "revoked": True},
        {**CONSENT, "scope": ["instagram"]},
        {**CONSENT, "scope": ["review_response"]},
        {**CONSENT, "subject_hint": "Edith R."},
    ],
)
def test_consent_that_does_not_cover_the_use_still_blocks(
    phi: RuleFamily, nlp: Language, consent: dict[str, Any]
) -> None:
    assert blocked_spans(phi, nlp, STORY, context=with_consents(consent)) == ["Maria Lopez", "Maria"]


def test_consent_covers_only_its_subject(phi: RuleFamily, nlp: Language) -> None:
    text = "Maria Lopez finished cardiac rehab today, and her rehab buddy Edith Rowe was right behind her."
    assert blocked_spans(phi, nlp, text, context=with_consents(CONSENT)) == ["Edith Rowe"]


@pytest.mark.parametrize(
    ("text", "blocked", "status"),
    [
        # the consented patient's family, named as family: PHI, but no one else's patient status
        (
            "Maria Lopez walked out of cardiac rehab today. Her husband, Arthur, did every exercise with her.",
            ["Arthur"],
            False,
        ),
        (
            "Maria Lopez finished cardiac rehab today; her granddaughters Ada and Ify painted her a banner.",
            ["Ada", "Ify"],
            False,
        ),
        # a fellow patient beside the consented one is a patient without consent
        (
            "Maria Lopez finished cardiac rehab today, and her rehab buddy Edith Rowe was right behind her.",
            ["Edith Rowe"],
            True,
        ),
    ],
)
def test_a_consented_story_discloses_patient_status_only_of_someone_else_in_care(
    phi: RuleFamily, nlp: Language, text: str, blocked: list[str], status: bool
) -> None:
    findings = run_family(phi, text, context=with_consents(CONSENT), nlp=nlp)
    assert blocked_spans(phi, nlp, text, context=with_consents(CONSENT)) == blocked
    assert any(f.rule_id == "phi.patient_status" for f in findings) is status


def test_parent_named_in_a_consent_hint_is_covered(phi: RuleFamily, nlp: Language) -> None:
    consent = {"id": "AUTH-7", "subject_hint": "Zara Iqbal (parent: Imran Iqbal)"}
    text = "Zara Iqbal was our first flu-shot patient of the season. Thank you to Zara and to Imran Iqbal!"
    findings = run_family(phi, text, context=with_consents(consent), nlp=nlp)
    assert findings
    assert all(f.severity is Severity.INFO for f in findings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a zero-width space inside an MRN, a soft hyphen inside a chart number
        (
            "Reminder for Harlan Vickers (MRN 0048\u200b2931): your post-op check moved to Dec 3.",
            ["Harlan Vickers", "0048\u200b2931", "Dec 3"],
        ),
        (
            "Sepsis huddle win: the score caught chart 77\u00ad13\u00ad0245 hours before the fever spiked.",
            ["77\u00ad13\u00ad0245"],
        ),
        # Cyrillic and Greek look-alike letters inside names
        (
            "Get well soon, Nikos \u0410lexiou! Your wife \u0395leni says you're eating well.",
            ["Nikos \u0410lexiou", "\u0395leni"],
        ),
        (
            "Mr. Ab\u200ddul Ra\u200dhim turns 9\u200c4 today! Cake is in room 2\u200b17.",
            ["Ab\u200ddul Ra\u200dhim", "9\u200c4", "room 2\u200b17"],
        ),
        # full-width digits and at-signs
        (
            "Pre-op reminder for patient Ingrid Halvard, MRN \uff10\uff10\uff15\uff18\uff12\uff17\uff13\uff11.",
            ["Ingrid Halvard", "\uff10\uff10\uff15\uff18\uff12\uff17\uff13\uff11"],
        ),
        (
            "Sharing the love from \uff20liam_beats_leukemia, who finished chemo with us!",
            ["\uff20liam_beats_leukemia"],
        ),
        # a staff member written with a Cyrillic letter is still staff
        ("Staff spotlight: Amara \u041ekonkwo, RN, has led our nursing team for six years.", []),
    ],
)
def test_unicode_tricks_are_caught_with_spans_in_the_original(
    phi: RuleFamily, nlp: Language, text: str, expected: list[str]
) -> None:
    assert blocked_spans(phi, nlp, text) == expected


def test_findings_cite_the_identifier_letter_and_never_quote_the_text(phi: RuleFamily, nlp: Language) -> None:
    text = "Happy birthday to our patient Clarence Whitby (MRN 00731552), 101 today!"
    findings = run_family(phi, text, context=ORG, nlp=nlp)
    by_entity = {f.entity: f for f in findings}
    assert by_entity[Entity.PERSON].citation == "45 CFR 164.514(b)(2)(i)(A)"
    assert by_entity[Entity.MRN].citation == "45 CFR 164.514(b)(2)(i)(H)"
    assert by_entity[Entity.AGE].citation == "45 CFR 164.514(b)(2)(i)(C)"
    # the identifiers, plus one whole-text finding: naming a patient discloses their status
    status = [f for f in findings if f.rule_id == "phi.patient_status"]
    assert len(status) == 1
    assert status[0].category is Category.PATIENT_STATUS
    assert spans_of(status, text) == ["Clarence Whitby"]
    for finding in findings:
        assert (finding.category, finding.rule_id) in {
            (Category.PHI, "phi.identifier"),
            (Category.PATIENT_STATUS, "phi.patient_status"),
        }
        assert "Clarence" not in finding.message
        assert "00731552" not in finding.message
        assert "101" not in finding.message


def test_a_bad_lexicon_refuses_to_start(nlp: Language, tmp_path: Path) -> None:
    bad = tmp_path / "phi.yaml"
    bad.write_text("version: 1\nhonorifics: []\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(PhiFamily, nlp=nlp, lexicon=str(bad))
    broken = tmp_path / "figures.yaml"
    broken.write_text("version: 1\nnames: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(PhiFamily, nlp=nlp, public_figures=str(broken))


def test_unknown_options_are_refused() -> None:
    with pytest.raises(ValidationError):
        PhiFamily.Options.model_validate({"threshold": 0.5})
    config = GuardrailConfig.model_validate(
        {"version": 1, "families": {"phi": {"options": {"threshold": 0.5}}}}
    )
    with pytest.raises(ConfigError):
        instantiate_families(config, Registry([PhiFamily]))


def test_the_family_needs_the_nlp_pipeline() -> None:
    family = PhiFamily(PhiFamily.Options(), {})
    with pytest.raises(ConfigError):
        family.prepare(RuleResources(nlp=None))
