"""Patient status: replies that confirm care, and identifiable people linked to care."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from pydantic import ValidationError

from guardrails.config import ConfigError
from guardrails.findings import Category, Severity
from guardrails.registry import RuleFamily
from guardrails.rules.patient_status import PatientStatusFamily
from tests.guardrails.helpers import make_family, run_family, spans_of

if TYPE_CHECKING:
    from spacy.language import Language

LEXICON = Path(__file__).parents[2] / "guardrails" / "data" / "lexicons" / "patient_status.yaml"
NAMES = Path(__file__).parents[2] / "guardrails" / "data" / "lexicons" / "person_names.yaml"

CLINIC: dict[str, Any] = {
    "organisation": {
        "names": ["Harbor Family Dental"],
        "locations": [{"name": "Westfield", "address": "12 Pier Road, Westfield", "phone": "555-0120"}],
        "handles": ["@HarborDental"],
        "staff": [{"name": "Leila Haddad", "credentials": "DDS", "role": "Dentist"}],
    }
}


@pytest.fixture(scope="module")
def family(nlp: Language) -> RuleFamily:
    return make_family(PatientStatusFamily, nlp)


def _check(family: RuleFamily, nlp: Language, text: str, content_type: str, **kw: Any) -> list[Any]:
    return run_family(family, text, content_type=content_type, nlp=nlp, **kw)


# (content type, text, a phrase the finding must cover)
REPLY_POSITIVES = [
    # "ur": "your" typed on a phone
    ("comment_reply", "so sorry!! the script from ur visit yesterday went to the old pharmacy", "ur visit"),
    ("review_response", "We're sorry your visit last Tuesday felt rushed.", "your visit"),
    ("review_response", "Our records show your insurance lapsed in May.", "Our records show"),
    ("review_response", "We reviewed your chart and you were triaged appropriately.", "reviewed your chart"),
    ("review_response", "As your dentist for six years, Dr. Haddad was sad to read this.", "As your dentist"),
    ("review_response", "Hi Tom, we're so sorry your root canal was uncomfortable.", "your root canal"),
    ("review_response", "We understand the frustration about the bill for your MRI.", "your MRI"),
    ("comment_reply", "Good news: your insurance claim was resubmitted Monday.", "your insurance claim"),
    ("comment_reply", "Glad to hear the new dentures fit well!", "the new dentures"),
    (
        "review_response",
        "Thanks for coming in last week, and we hope you're feeling better.",
        "feeling better",
    ),
    (
        "review_response",
        "We're sorry your son had to wait so long. His stitches come out Friday.",
        "His stitches",
    ),
    ("review_response", "We have no record of you missing an appointment.", "no record of you"),
    (
        "review_response",
        "We're sorry your daughter's braces have been bothering her.",
        "your daughter's braces",
    ),
    (
        "comment_reply",
        "Sorry to hear about the side effects you had after the vaccine.",
        "side effects you had",
    ),
    ("comment_reply", "We hope your recovery is going smoothly, Jim!", "your recovery"),
    ("review_response", "It was a privilege to care for your twins in our NICU.", "care for your"),
    (
        "review_response",
        "The copay you were charged for your colonoscopy is set by your plan.",
        "your colonoscopy",
    ),
    ("review_response", "We're sorry the group sessions for your OCD weren't helpful.", "your OCD"),
    (
        "comment_reply",
        "Sorry about the long wait in the ER last night. Glad those stitches are holding!",
        "those stitches",
    ),
    (
        "comment_reply",
        "Mrs. Adeyemi, Tobi's ear infection should clear up by Friday.",
        "Tobi's ear infection",
    ),
    (
        "review_response",
        "Since you've been with us for years, we hoped you'd call first.",
        "Since you've been with us",
    ),
    (
        "review_response",
        "We're glad Dr. Shah could fit you in the same day for your toothache.",
        "your toothache",
    ),
    (
        "review_response",
        "We're sorry you had a reaction to the vaccine. Please call us.",
        "you had a reaction",
    ),
    ("review_response", "We hope your mom is feeling better after her stay with us.", "her stay"),
    (
        "review_response",
        "We're so glad your little one enjoyed the treasure chest after her cleaning!",
        "her cleaning",
    ),
    (
        "review_response",
        "We're sorry about the mix-up. We've refunded the $45 to your card.",
        "We've refunded",
    ),
    (
        "review_response",
        "Dr. Kim reviewed the images again and agrees with the original plan.",
        "reviewed the images",
    ),
    ("comment_reply", "Great seeing you yesterday, Linda!", "Great seeing you yesterday"),
    # shapes beyond the first lexicon
    ("review_response", "So happy your new bridge feels comfortable after the long wait!", "your new bridge"),
    ("comment_reply", "When you come back for your suture removal, ask for Ana.", "When you come back for"),
    ("comment_reply", "Can't wait to see you at your next filler touch-up!", "your next filler"),
    ("comment_reply", "Sorry the refill took so long this time.", "the refill"),
    ("comment_reply", "Glad the splint is helping, and keep it dry!", "the splint"),
    (
        "review_response",
        "It was an honor to care for your grandmother during her hospice stay.",
        "care for your",
    ),
    ("comment_reply", "Your kids were so brave for their flu shots today!", "their flu shots"),
    (
        "review_response",
        "Thanks for your patience: your prior authorization came through.",
        "your prior authorization",
    ),
    ("comment_reply", "Your hygienist has your note and will call before Friday.", "Your hygienist has"),
    ("comment_reply", "We'll recheck your wrist at the next visit.", "recheck your"),
    ("comment_reply", "Glad your shoulder felt better by the end of the week!", "your shoulder felt"),
    ("review_response", "Use the rinse we sent home with you twice a day.", "sent home with"),
    (
        "comment_reply",
        "Congratulations on your daughter's delivery, and welcome to the world, baby!",
        "daughter's delivery",
    ),
    ("comment_reply", "The night guard we fitted you for is ready at the front desk.", "we fitted you"),
    ("comment_reply", "We'll measure your grip strength again at the next session.", "measure your"),
    (
        "review_response",
        "Dr. Haddad would like to check in with you by phone this week.",
        "check in with you",
    ),
    ("comment_reply", "The drops Dr. Haddad prescribed can sting for a minute.", "Haddad prescribed"),
    (
        "review_response",
        "We've resubmitted the sessions to your insurer with new codes.",
        "resubmitted the sessions",
    ),
    ("comment_reply", "Enjoy the new lenses, and give your eyes a few days to adjust!", "the new lenses"),
    ("post", "Cavity-free kid of the month: Eli, who hasn't missed a brushing all year!", "kid of the month"),
    # our next step in the reader's care, care instructions, attendance, the reader's results
    (
        "comment_reply",
        "Great progress today! We'll add resistance bands at your next session.",
        "add resistance bands",
    ),
    ("comment_reply", "Keep icing that shoulder twice a day!", "icing that shoulder"),
    ("comment_reply", "We're proud of you for showing up to group every week.", "showing up to group"),
    ("review_response", "So happy your biopsy came back clear!", "came back clear"),
]

REPLY_NEGATIVES = [
    # education for anyone: "the" opens "the color", not "the crowns"; "it depends on" any reader
    (
        "comment_reply",
        "Great question! Whitening won't change the color of crowns, veneers or fillings. Our hygienists can "
        "go over the pros and cons at a dental exam.",
    ),
    (
        "comment_reply",
        "Many adults can get more than one vaccine at the same visit, but it depends on your health history.",
    ),
    # a department before a job title is no name
    (
        "review_response",
        "We can't discuss any specifics here, but our Patient Experience Director, Colleen Baptiste, would "
        "like to hear from you.",
    ),
    (
        "comment_reply",
        "Thanks for reaching out, and we're sorry you're dealing with this. We can't give medical advice in "
        "the comments; please call our North clinic at 555-0146.",
    ),
    ("comment_reply", "Keep wearing sunscreen this summer, everyone!"),
    ("comment_reply", "We'll post the new hours before your next visit to our website."),
    ("comment_reply", "Thanks for showing up to the 5K for our cancer center!"),
    ("review_response", "Thank you for the kind words! We'll share them with the whole team."),
    (
        "review_response",
        "We're sorry to hear you're unhappy. Please call Tori at 555-0140 so we can talk privately.",
    ),
    (
        "review_response",
        "We can't discuss any patient's care online, but we'd like to hear more. Please call us.",
    ),
    ("review_response", "Thank you for your feedback about the visit process. We're adding evening hours."),
    ("review_response", "We appreciate you taking the time to share your experience."),
    ("comment_reply", "Flu shots are available without an appointment at all locations."),
    ("comment_reply", "If you have a question about your medication, our pharmacists can help at 555-0130."),
    ("comment_reply", "Our pharmacists can review your medications with you. Call to schedule."),
    ("comment_reply", "You can book your first visit online or call 555-0100."),
    ("comment_reply", "Most plans cover an annual wellness visit. Call us to check your coverage."),
    ("comment_reply", "When your child has a fever above 104, call us or go to the ER."),
    (
        "comment_reply",
        "We're not able to give medical advice here. Please call your provider, or 911 in an emergency.",
    ),
    ("review_response", "Thank you for your courage in sharing. You can call or text 988 any time."),
    ("review_response", "We're sorry, please call Maria, our patient advocate, at 555-0100."),
    ("comment_reply", "Thanks, Priya! It was a pleasure co-hosting the vision screening fair last Saturday."),
    ("comment_reply", "Please bring your insurance card and a photo ID to your first visit."),
    ("comment_reply", "You can pay your bill online or view your results in the patient portal."),
    ("review_response", "Your health and safety are our top priority."),
    ("comment_reply", "If your prescription isn't ready within 15 minutes, let us know."),
    ("review_response", "We'd be happy to look into your concerns about the wait. Please call 555-0100."),
    ("review_response", "Thanks for the five stars! We hope your next visit is just as smooth."),
    ("comment_reply", "Yes, the new shingles vaccine is in stock at both locations."),
    ("review_response", "Thank you for the review! We are sorry the parking was hard to find."),
    ("comment_reply", "Thanks for asking! You can schedule your cleaning online anytime."),
    ("comment_reply", "Our office manager would like to talk with you. Please call 555-0120."),
    ("comment_reply", "Sorry the appointment line was busy. Online booking is open around the clock."),
    ("comment_reply", "Please check your spam folder for the confirmation email."),
    ("comment_reply", "Great question! Our pharmacists can check your coverage before you come in."),
]

POST_POSITIVES = [
    # a name in a hashtag inside the sentence is still a name
    ("post", "Brave girl alert! #BraveHarper got her cast off today and chose pink.", "her cast"),
    ("post", "The Johnson family donated a new playroom after their son's stay in our NICU.", "in our NICU"),
    ("post", "So proud of our patient Maria Lopez, who walked the rehab gym today.", "our patient"),
    (
        "post",
        "Grandpa Ray Dunn came in for his flu shot and brought cookies for the team!",
        "in for his flu shot",
    ),
    (
        "post",
        "Congratulations to Maya Torres, who rang the bell after her final chemo treatment!",
        "her final chemo treatment",
    ),
    (
        "post",
        "Happy 100th birthday, Eleanor Hughes! Our hospice nurses are honored to care for you.",
        "care for you",
    ),
    ("post", "Welcome home, Baby Liam! After 45 days in our NICU, he's finally heading home.", "days in our"),
    (
        "post",
        "Shout-out to @runner_jen, who ran her first 5K just 12 weeks after knee surgery!",
        "@runner_jen",
    ),
    ("post", "Thank you, Rosa Jimenez, for the flowers you sent after your mastectomy.", "your mastectomy"),
    ("post", "Get well soon to our friend Harold!", "Get well soon"),
    ("post", "Mrs. Chen was discharged today after 3 weeks on our rehab floor.", "was discharged"),
    ("post", "Little Noah came in for his 2-year checkup today and charmed everyone!", "his 2-year checkup"),
    ("post", "Our patient, James, asked us to share his story.", "Our patient, "),
    (
        "post",
        "Giorgos Papadakis took a lap around 6 West, two days after his hip replacement.",
        "his hip replacement",
    ),
    ("post", "Sending love to Bogdan Petrov in bed 7 of our observation unit.", "in bed 7"),
    (
        "post",
        "Mr. Walter Pruitt turns 101 today! Our nurses surprised him with cake in room 512.",
        "in room 512",
    ),
    (
        "crisis",
        "Two patients are in stable condition. Ana Ruiz, 34, was treated here and released.",
        "treated here",
    ),
    (
        "post",
        "To the family of the patient in room 418B: your car is blocking the ambulance bay.",
        "the patient in room 418B",
    ),
    (
        "post",
        "Kudos, night shift: the early-warning score flagged chart 77130245 six hours early.",
        "chart 77130245",
    ),
    (
        "comment_reply",
        "Renata, we've faxed your mother's discharge summary as she asked.",
        "your mother's discharge",
    ),
    (
        "post",
        "Happy 95th birthday to Mr. Leon Hart, who picks up his heart medications here!",
        "his heart medications",
    ),
    ("post", "We're cheering on Marcus Lee as he heads into surgery this morning.", "heads into surgery"),
    ("post", "Jenny Park, your new glasses are ready for pickup!", "your new glasses"),
    (
        "post",
        "Cheers to Tom Ortiz, who beat his lymphoma and is celebrating 5 years in remission!",
        "his lymphoma",
    ),
    (
        "post",
        "Thank you, Mrs. Alvarez, for the lovely card after your husband's stay on 4 North.",
        "your husband's stay",
    ),
    (
        "post",
        "Meet Kevin, who came to us after a bad fall and is now walking without a cane.",
        "came to us after",
    ),
    ("post", "We loved having Lucas and his family at the NICU reunion picnic!", "NICU reunion"),
    (
        "post",
        "Our 1,000th COVID vaccine went to Harold Kim, 72, of Elm Grove!",
        "1,000th COVID vaccine went to",
    ),
    (
        "post",
        "Thanks to Bill Turner for bringing his whole family in for flu shots today!",
        "in for flu shots",
    ),
    ("post", "We hope Tom Sutton's new knee is treating him well.", "new knee"),
    ("post", "In loving memory of Frank Miller, a beloved patient of our hospice team.", "patient of our"),
    (
        "post",
        "And the raffle winner is Chioma E., one of our patients! Come pick up your prize.",
        "one of our patients",
    ),
    (
        "post",
        "Happy 102nd birthday to Edna Morris, a resident of our skilled nursing unit!",
        "resident of our",
    ),
    ("crisis", "Bus crash update: Daniel Ochoa, 16, remains hospitalized.", "remains hospitalized"),
    ("post", "Our condolences to the family of John Dale, who died peacefully in our care.", "in our care"),
    ("review_response", "We know this is you, Mark Jones. We'd rather talk by phone.", "We know this is you"),
    (
        "post",
        "Wyatt Dunlap came to Dr. Amadi two years ago with bleeding gums.",
        "came to Dr. Amadi two years ago with",
    ),
    (
        "post",
        "After four months of shoulder rehab with Keala, Walt is back to pitching.",
        "months of shoulder rehab",
    ),
]

POST_NEGATIVES = [
    # a phrase among a post's closing hashtags, and a state, are no names
    ("post", "Thank you to our Emergency Department team for everything you do #nightshift #ThankYouNurses"),
    (
        "ad",
        "Home health that's guaranteed to keep your loved one home. Harborlight: Maine's best home care team.",
    ),
    # a department in Title Case; a credential the NER-free mention finder knew only in part;
    # a platform's "Live"
    (
        "post",
        "If you lead a patient relations team, let's compare notes. Harriet Cobb, Director of Patient Relations",
    ),
    (
        "post",
        "Heavy bleeding? Tell us your symptoms in the comments and Noor Siddiqui, CNM, will pick a few to "
        "answer on tomorrow's Live!",
    ),
    # a collaboration's creator is no patient
    ("post", "#collab We loved having @mamabirdmeg in the clinic to film a day in our embryology lab."),
    # Title-case labels, places and credentials are nobody who could be a patient
    ("ad", "Do not stop your other asthma medicines. Important Safety Information: see the label."),
    ("post", "Ask your primary care provider about CBT-I. Dr. Priya Raman, PhD, leads our groups."),
    ("ad", "Shortest wait in Clearwater County: seen in under 15 minutes or your visit is free."),
    (
        "post",
        "Our NICU Reunion Picnic is at Riverside Pavilion, 40 Water St. Nurses will remember your little ones.",
    ),
    # an invitation to everyone, even beside a capitalised place or heading
    (
        "post",
        "Larkspur Health: Walk-in flu shots at Northgate. Walk in for a flu shot at Urgent Care – "
        "Northgate, every day from 8 a.m. to 8 p.m. Plan your visit: https://larkspur.example/flu #FluShot",
    ),
    ("post", "Stop in for a flu shot at Brightwater Clinic, or come in for a checkup on Saturday."),
    ("post", "Meet Dr. Sarah Kim, our new orthopedic surgeon, who has performed 500 knee replacements."),
    ("post", "Nurse Practitioner Julia Ames joins our team. Julia loves helping patients after surgery."),
    ("post", "Staff spotlight: Amara Okonkwo, RN, has led our 5 East team for six years. Thank you, Amara!"),
    ("post", "Thanks to Maria Gonzalez from the Lions Club for donating 200 eyeglasses to our patients."),
    ("post", "Join Dr. Lee and dietitian Anna Park for a free class on managing your diabetes."),
    ("post", "Our pediatric team saw 1,200 kids for back-to-school checkups this summer."),
    ("post", "Actor Tom Hanks has talked openly about his type 2 diabetes. Get screened at our free clinic."),
    ("post", "Michael J. Fox was diagnosed with Parkinson's at 29. Our support group meets Thursdays."),
    ("post", "ALS is often called Lou Gehrig's disease, after the first baseman diagnosed in 1939."),
    ("post", "Today we remember Florence Nightingale, who cared for soldiers in the Crimean War."),
    ("post", "Ask Sam, our pharmacist, about your flu shot."),
    ("post", "Congratulations to our own Mark Rivera, RN, on 25 years of caring for patients in our ICU!"),
    ("post", "Happy retirement, Barbara! After 30 years in our ER, she's earned it."),
    ("post", "Meet 'Sam,' a composite character. Sam is 8 and has asthma; here is his asthma action plan."),
    ("post", "This is 'Rosa.' She isn't a real patient. Rosa noticed her feet tingling at night."),
    ("post", "Patients with diabetes should have a dilated eye exam every year."),
    ("post", "Floss once a day. Not sure how? Our hygienists will show you at your next cleaning."),
    ("post", "Dr. Haddad is now accepting new patients. Call 555-0120 to book a visit."),
    ("post", "Follow @HarborDental for tips, and book your cleaning online."),
    ("crisis", "We are treating several patients from the I-5 crash. Families can call 555-0100."),
    ("post", "Thank you to Ama Boateng, who joined our Patient and Family Advisory Council this year."),
    ("post", "Volunteer spotlight: Ruth Green has knitted hats for our NICU babies for 12 years."),
    ("post", "Local firefighters Joe and Ben visited kids in our pediatric unit today!"),
    ("post", "Our pharmacist Ken Ito explains how to store your insulin."),
    ("post", "Congratulations to Sarah Lopez, our new director of patient care!"),
    ("post", "Tonight's speaker, Dr. Ruth Cole, will discuss her own experience with breast cancer surgery."),
    ("post", "Big thanks to Pat Kim, who donated blood at our drive for the 50th time!"),
    ("post", "Thank you to Dave Kim, who donated 200 blankets to our NICU."),
    ("post", "Thank you to Tom Sutton and the Rotary Club for painting our pediatric wing!"),
    ("post", "Did you know? Your first dental visit should happen by your child's first birthday."),
    ("post", "Welcome our new family medicine residents, Dr. Amy Cho and Dr. Luis Vega!"),
    ("post", "Thanks for visiting our booth at the Kellerton health fair, everyone!"),
    ("post", "Email training@clearwaterbh.example.org to book a suicide-prevention session for your team."),
    ("post", "This month our Patient Voices council is collecting stories about stigma."),
    (
        "post",
        "Many came to us with years of Botox (onabotulinumtoxinA) experience and still learned something.",
    ),
    ("comment_reply", "Please talk with your dermatologist about your treatment options."),
    # a capitalised word after an emoji opens a clause; it is not a name
    ("post", "Smooth skin all summer ☀️ Results like these start with a free consult."),
]


@pytest.mark.parametrize(("content_type", "text", "phrase"), REPLY_POSITIVES + POST_POSITIVES)
def test_flags_patient_status(
    family: RuleFamily, nlp: Language, content_type: str, text: str, phrase: str
) -> None:
    findings = _check(family, nlp, text, content_type, context=CLINIC)
    assert findings, "expected a patient_status finding"
    assert {f.category for f in findings} == {Category.PATIENT_STATUS}
    assert all(f.severity is Severity.BLOCK for f in findings)
    start = text.index(phrase)
    assert any(
        f.start is not None and f.end is not None and f.start < start + len(phrase) and start < f.end
        for f in findings
    ), f"no finding on {phrase!r}: {spans_of(findings, text)}"


@pytest.mark.parametrize(("content_type", "text"), REPLY_NEGATIVES + POST_NEGATIVES)
def test_leaves_generic_text_alone(family: RuleFamily, nlp: Language, content_type: str, text: str) -> None:
    assert _check(family, nlp, text, content_type, context=CLINIC) == []


def test_messages_never_quote_the_text(family: RuleFamily, nlp: Language) -> None:
    text = "Mr. Castellanos, your plan rejected the inhaler claim for your daughter Zoe."
    findings = _check(family, nlp, text, "comment_reply")
    assert findings
    for finding in findings:
        for word in ("Castellanos", "inhaler", "Zoe", "daughter"):
            assert word not in finding.message
            assert word not in (finding.suggestion or "")


STORY = "Meet Kalani Akana: eight months after her lymphoma diagnosis, her latest scan is clear."


def _consent(**overrides: Any) -> dict[str, Any]:
    consent = {"id": "AUTH-1", "subject_hint": "Kalani Akana", "scope": ["facebook"], "expires": "2099-01-01"}
    consent.update(overrides)
    return {"consents": [consent]}


@pytest.mark.parametrize(
    ("consent", "flagged"),
    [
        (_consent(), False),
        (_consent(subject_hint="Kalani A."), False),
        (_consent(expires="2020-01-01"), True),
        (_consent(revoked=True), True),
        (_consent(scope=["instagram"]), True),
        (_consent(subject_hint="Someone Else"), True),
        ({}, True),
    ],
)
def test_valid_consent_clears_a_named_patient(
    family: RuleFamily, nlp: Language, consent: dict[str, Any], flagged: bool
) -> None:
    assert bool(_check(family, nlp, STORY, "post", context=consent)) is flagged


def test_consent_for_one_patient_does_not_cover_another(family: RuleFamily, nlp: Language) -> None:
    text = "Kalani Akana finished cardiac rehab today, and her rehab buddy Edith Rowe was right behind her."
    assert _check(family, nlp, text, "post", context=_consent())


def test_unicode_tricks_do_not_hide_a_patient(family: RuleFamily, nlp: Language) -> None:
    text = "Get well soon, \u039dikos \u0391lexiou! Your wife says you're eating well."  # Greek N and A
    assert _check(family, nlp, text, "post")


def test_spans_point_into_the_submitted_text(family: RuleFamily, nlp: Language) -> None:
    text = "We\u200b reviewed your chart and can see you were seen quickly."
    findings = _check(family, nlp, text, "review_response")
    assert "We\u200b reviewed your chart" in spans_of(findings, text)


def test_rule_can_be_disabled(nlp: Language) -> None:
    family = make_family(PatientStatusFamily, nlp, rules={"patient_status.reply_detail": {"enabled": False}})
    assert run_family(family, "Your crown had to be redone.", content_type="review_response", nlp=nlp) == []


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ValidationError):
        make_family(PatientStatusFamily, None, colour="blue")


def _write(tmp_path: Path, source: Path, change: Any) -> str:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["record_patterns"].append("(unclosed"),
        lambda d: d["care_terms"].append("Surgery"),
        lambda d: d["care_terms"].append("two words"),
        lambda d: d.update(care_terms=[]),
        lambda d: d.pop("reply_patterns"),
        lambda d: d.update(surprise=["x"]),
        lambda d: d.update(version=2),
    ],
)
def test_bad_lexicon_refuses_to_start(tmp_path: Path, change: Any) -> None:
    with pytest.raises(ConfigError):
        make_family(PatientStatusFamily, None, lexicon=_write(tmp_path, LEXICON, change))


@pytest.mark.parametrize(
    "change",
    [lambda d: d["credentials"].append("R.N."), lambda d: d.pop("honorifics"), lambda d: d.update(x=[])],
)
def test_bad_name_lexicon_refuses_to_start(tmp_path: Path, change: Any) -> None:
    with pytest.raises(ConfigError):
        make_family(PatientStatusFamily, None, names_lexicon=_write(tmp_path, NAMES, change))


def test_missing_or_broken_lexicon_file_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        make_family(PatientStatusFamily, None, lexicon=str(tmp_path / "absent.yaml"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("care_terms: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(PatientStatusFamily, None, lexicon=str(broken))
