"""Shapes of patient identifiers the first PHI rules missed: spelled and bare-ordinal dates,
ages in words, names in supportive hashtags, lower-case names, schools and streets of
patients, dates in sentences about a named patient; and the hard negatives beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

import guardrails.phi  # noqa: F401 - sets the offline tldextract variable before presidio loads
from guardrails.phi.lexicon import load_dictionary, load_lexicon
from guardrails.phi.recognizers.account import AccountNumberRecognizer
from guardrails.phi.recognizers.address import ResidencePlaceRecognizer, ZipCodeRecognizer
from guardrails.phi.recognizers.age import AgeRecognizer, SpelledAgeRecognizer
from guardrails.phi.recognizers.base import DataRecognizer
from guardrails.phi.recognizers.dates import CalendarDateRecognizer, SpelledDateRecognizer
from guardrails.phi.recognizers.hashtag_name import HashtagNameRecognizer
from guardrails.phi.recognizers.mrn import MedicalRecordNumberRecognizer
from guardrails.phi.recognizers.other_id import OtherIdRecognizer
from guardrails.phi.recognizers.person_cues import PersonCueRecognizer
from guardrails.phi.recognizers.room_bed import RoomBedRecognizer
from tests.guardrails.test_phi_context import ORG, blocked_spans

if TYPE_CHECKING:
    from spacy.language import Language

    from guardrails.registry import RuleFamily

STRONG = 0.4


def found(recognizer: DataRecognizer, text: str) -> list[str]:
    results = recognizer.analyze(text, entities=[recognizer.ENTITY])
    return sorted(text[r.start : r.end] for r in results if r.score >= STRONG)


@pytest.mark.parametrize(
    ("recognizer", "text", "expected"),
    [
        (
            SpelledDateRecognizer(),
            "her last chemo was the fourteenth of February",
            ["the fourteenth of February"],
        ),
        (SpelledDateRecognizer(), "surgery is set for March the third", ["March the third"]),
        (SpelledDateRecognizer(), "the first of many visits", []),
        (CalendarDateRecognizer(), "We have him down for his recheck on the 19th.", ["the 19th"]),
        (CalendarDateRecognizer(), "Radiology is on the 3rd floor.", []),
        (CalendarDateRecognizer(), "She won for the 2nd time.", []),
        (CalendarDateRecognizer(), "Book before the 30th and save.", []),
        (SpelledAgeRecognizer(), "Ignatius turns ninety-three on Saturday", ["ninety-three"]),
        (SpelledAgeRecognizer(), "she is one hundred and two years old", ["one hundred and two"]),
        (SpelledAgeRecognizer(), "a ninety minute class", []),
        (AgeRecognizer(), "At 102, Rosalind is our oldest pacemaker patient.", ["102"]),
        (AgeRecognizer(), "Opal is 100 years young.", ["100"]),
        (AgeRecognizer(), "at 95 degrees, stay inside", []),
        (RoomBedRecognizer(), "the pickup parked in ambulance bay 2", []),
        (RoomBedRecognizer(), "He has been dialyzing with us in chair 14 for six years.", ["chair 14"]),
        (
            RoomBedRecognizer(),
            "Happy birthday to our friend in suite 204, who turns 100 today!",
            ["suite 204"],
        ),
        (RoomBedRecognizer(), "Imogen, your refill is waiting in locker B-14.", ["locker B-14"]),
        (RoomBedRecognizer(), "Opal has lived in Cottage 12 since the day it opened.", ["Cottage 12"]),
        (RoomBedRecognizer(), "Visit our office at 1500 Lakeview Dr, Suite 210.", []),
        (RoomBedRecognizer(), "Book your consult at Suite 120!", []),
        (AgeRecognizer(), "Albert Quiñones, 91, finished our balance class today.", ["91"]),
        (AgeRecognizer(), "Our favourite client, Florence (96!), showed off her walker skills.", ["96"]),
        (AgeRecognizer(), "Today he told Owen he's 96 and not done yet.", ["96"]),
        (AgeRecognizer(), "96 candles wouldn't fit on the cake.", ["96"]),
        (RoomBedRecognizer(), "the patient in bay 4 of the ER", ["bay 4"]),
        (
            MedicalRecordNumberRecognizer(),
            "the scanner beeped for patient 00 58 27 31 today",
            ["00 58 27 31"],
        ),
        (MedicalRecordNumberRecognizer(), "Patient ID SLD/2291/07: your X-rays are in", ["SLD/2291/07"]),
        (MedicalRecordNumberRecognizer(), "patient 2 of 3 in the trial", []),
        (AccountNumberRecognizer(), "your account SDG-55021-7 shows a balance", ["SDG-55021-7"]),
        (OtherIdRecognizer(), "His immunization record ID MN-IR 0048-2291 is attached", ["MN-IR 0048-2291"]),
        (ZipCodeRecognizer(), "mail them to your 50971 address again", ["50971"]),
        (ResidencePlaceRecognizer(), "Liam from the Northgate neighborhood", ["Northgate"]),
        (ResidencePlaceRecognizer(), "she moved into the Pinecrest apartments", ["Pinecrest"]),
    ],
)
def test_new_shapes(recognizer: DataRecognizer, text: str, expected: list[str]) -> None:
    assert found(recognizer, text) == expected


@pytest.fixture(scope="module")
def hashtags() -> HashtagNameRecognizer:
    lexicon = load_lexicon()
    dictionary = load_dictionary(lexicon.dictionary_file)
    return HashtagNameRecognizer(lexicon.hashtag_name_prefixes, lexicon.hashtag_name_suffixes, dictionary)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Round 4 done! #TeamLuca #ChildhoodCancerAwareness", ["Luca"]),
        ("Purple for our favorite patient. #PrayersForMaddie", ["Maddie"]),
        ("Huge milestone: #JonahStrong took his first steps", ["Jonah"]),
        ("Happy #NursesWeek from the night shift", []),
        ("#TeamWork makes the #DreamWork", []),
        ("#BraveHeart #GoRed", []),
        ("no hashtags here", []),
    ],
)
def test_names_in_supportive_hashtags(
    hashtags: HashtagNameRecognizer, text: str, expected: list[str]
) -> None:
    assert [text[r.start : r.end] for r in hashtags.analyze(text, ["PERSON"])] == expected


@pytest.fixture(scope="module")
def person_cues() -> PersonCueRecognizer:
    lexicon = load_lexicon()
    return PersonCueRecognizer(
        honorifics=lexicon.honorifics,
        relation_words=lexicon.relation_words,
        person_cues=lexicon.person_cues,
        not_name_words=[*lexicon.not_name_words, *lexicon.honorifics, *lexicon.staff_titles],
        common_words=lexicon.common_words,
        person_after_cues=lexicon.person_after_cues,
        dictionary=load_dictionary(lexicon.dictionary_file),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Happy birthday to Wilhelmina "Billie" Ostrowski!', ["Billie", "Ostrowski"]),
        ("look at that smile!! his mom keisha cried happy tears", ["keisha"]),
        ("high fives for sophie who was so brave", ["sophie"]),
        ("his mom was there and his dad too", []),
        ("Hats off to Otis, 88, who finished rehab", ["Otis"]),
        ("Ignatius turns 93 on Saturday.", ["Ignatius"]),
        ("We've shared your feedback with the team.", []),
    ],
)
def test_person_slots(person_cues: PersonCueRecognizer, text: str, expected: list[str]) -> None:
    results = person_cues.analyze(text, entities=["PERSON"])
    assert sorted({text[r.start : r.end] for r in results} - {"Wilhelmina"}) == expected


@pytest.mark.parametrize(
    ("text", "content_type", "expected"),
    [
        # a date in a sentence about a named patient is theirs, event words or not
        ("Tomas, your flu shot on 10/2 is already sent to your doctor.", "comment_reply", ["Tomas", "10/2"]),
        ("Join Dr. Maya Chen at our flu shot clinic on October 2.", "post", []),
        # schools and streets of patients, even after "at" or "on"
        (
            "Shout-out to Lucy Tran, a fourth grader at Ashby Elementary, who was so brave for her stitches!",
            "post",
            ["Lucy Tran", "Ashby Elementary"],
        ),
        ("Dr. Maya Chen will read to the kids at Ashby Elementary on Friday.", "post", []),
        (
            "Kai Moana spent 41 days in our burn unit after the fire at his home on Seaview Road.",
            "post",
            ["Kai Moana", "Seaview Road"],
        ),
        # a first name that is also a month; a patient noun outweighs a staff cue
        ("June Albright grew up here and is in for hip rehab this week.", "post", ["June Albright"]),
        ("Welcome to our newest rehab resident, Cora Ledbetter!", "post", ["Cora Ledbetter"]),
        ("Welcome to our newest cardiologist, Dr. Cora Ledbetter!", "post", []),
        # a staff member's first name read as a place is staff; a capitalised word is not a place
        (
            "Priya, Amara will check your stitches on Monday the 9th.",
            "comment_reply",
            ["Priya", "Monday the 9th"],
        ),
        (
            "Fingerprint template FP-3391-AX7 matched our patient Gordon Lisk at the dispenser.",
            "post",
            ["FP-3391-AX7", "Gordon Lisk"],
        ),
        # names in supportive hashtags, topics in the others
        ("Our nurses wore purple today for their favorite patient. #PrayersForMaddie", "post", ["Maddie"]),
        ("Happy #NursesWeek to our ICU team!", "post", []),
        ("Ignatius turns ninety-three today after his rehab session.", "post", ["Ignatius", "ninety-three"]),
        # a condition ties a story to care; the NER model's "person" after "home to" is a place
        (
            "So proud of Mateo Ruiz, 9, who beat leukemia and went home to Dover Falls on May 14!",
            "post",
            ["Mateo Ruiz", "Dover Falls", "May 14"],
        ),
        # care named only in a hashtag still ties the name to care
        ("Round 4 done! #TeamLuca #ChildhoodCancerAwareness", "post", ["Luca"]),
        ("Go team! #TeamLuca #FridayFunRun", "post", []),
        # a meeting room is not a patient's
        ("Join us on the 3rd for our diabetes support group in room 204.", "post", []),
        # a lower-case name opening a reply
        ("kayla we're so glad your mom's surgery went well!", "comment_reply", ["kayla"]),
        ("thanks so much, we're glad you liked the open house!", "comment_reply", []),
        # weekday plurals, compound adjectives, plural nouns, mountains and labs are not people
        ("Our new therapy groups meet Tuesdays and Thursdays in the evening.", "post", []),
        ("Sedation-free, tear-free, pain-free visits for every child.", "post", []),
        ("Our weight-loss program helps you drop pounds and keep them off.", "post", []),
        ("This week she hiked Mount Monadnock! So proud of our patient's hard work.", "post", []),
        ("#ad Paid partnership with Brightwhite Labs: ask your hygienist about it.", "post", []),
        # a staff member's own handle, offered to follow, is not a patient's
        ("Follow our hygienist Kelly Ames at @kelly.smiles.rdh for flossing tips!", "post", []),
        (
            "Sharing the love from @kelly_runs_again, who finished chemo with us!",
            "post",
            ["@kelly_runs_again"],
        ),
        # a reply tying a condition or procedure word to the person addressed
        ("Rose, we're so happy the new cream has cleared up your eczema flare.", "comment_reply", ["Rose"]),
        ("Rose, our garden volunteers loved the tulips you planted.", "comment_reply", []),
        # names typed in capitals in a greeting or vocative; credentials and "ALL" are not names
        ("Hi HANNAH, thank you! Your night guard is ready.", "review_response", ["HANNAH"]),
        ("So sorry, JAMES. The ER nurse will call you about your son's visit.", "comment_reply", ["JAMES"]),
        ("Ten years with Dr. Ana Diaz, DDS! Thank you for a decade of gentle cleanings.", "post", []),
        ("Thanks, ALL! See you at the 5K.", "comment_reply", []),
        # dotted dates, "by the 3rd", a month beside a named patient; prices and decimals are not dates
        ("Our records show your claim was sent to your insurer on 12.05.", "review_response", ["12.05"]),
        ("Hi Dana, your night guard will be ready by the 3rd.", "review_response", ["Dana", "the 3rd"]),
        (
            "Our patient Luis has lost 120 lbs since his sleeve gastrectomy in January!",
            "post",
            ["Luis", "January"],
        ),
        ("Researchers will present 14 abstracts at the diabetes sessions in June.", "post", []),
        ("A flu shot costs $12.05 at the pharmacy; an A1C of 6.5 means diabetes.", "post", []),
        # a street or a school in a reply about the reader's care; where someone comes from
        (
            "Thanks! We mailed your whitening trays to your place on Cobblestone Lane.",
            "review_response",
            ["Cobblestone Lane"],
        ),
        (
            "The girls' flu shots are on file, so their camp forms for Lakeview Elementary are ready.",
            "comment_reply",
            ["Lakeview Elementary"],
        ),
        (
            "Hunter, we're sorry you had to drive back from Fairview twice for your prescription.",
            "review_response",
            ["Hunter", "Fairview"],
        ),
        ("Our new clinic on Main Street opens Monday for patients and their families.", "post", []),
        # a procedure or condition the care-word list does not name, by its ending
        ("Thank you for trusting us with Bea's tonsillectomy!", "post", ["Bea"]),
        ("Tagging @the.okafor.family: Ada's rhinoplasty went great!", "post", ["@the.okafor.family", "Ada"]),
        ("So glad Wren is over her bronchitis and back at school.", "post", ["Wren"]),
        # ... but not words that merely end alike
        ("Congrats to Marcus Bell on his diploma and his photography award!", "post", []),
        ("Guest speaker Priya Nair on the dichotomy of academia and practice.", "post", []),
        # a care home is where its residents live; a school team's name is a school
        (
            "Marguerite, so sorry to hear your mother at Birchwood Senior Living fell again. Please call us.",
            "review_response",
            ["Marguerite", "Birchwood Senior Living"],
        ),
        ("Our team held a blood pressure screening at Birchwood Senior Living on Saturday.", "post", []),
        (
            "Shoutout to Jamal from Westbrook High who came in with a broken wrist after Friday's game.",
            "post",
            ["Jamal", "Westbrook High"],
        ),
        # ", who ... his": a person, whatever the NER model called the name
        (
            "Prayers for little Mateo, who had his heart surgery on Nov. 3rd.",
            "post",
            ["Mateo", "Nov. 3rd"],
        ),
        ("We cheered on Denver, who won their fourth game in a row.", "post", []),
        # a volunteer who is also a patient is a patient
        (
            "Happy birthday to Edna Pruitt, our longest-serving volunteer and a patient of ours since 1988!",
            "post",
            ["Edna Pruitt"],
        ),
        ("Meet Lena Ortiz, our pharmacist, who has helped patients for 20 years.", "post", []),
        # a phone number's shape wins over an account number's when no account word is at it
        (
            "Sorry Gloria, you can reach our billing team at 555-0100. Or we can call you at 555-867-0134.",
            "review_response",
            ["Gloria", "555-867-0134"],
        ),
        # a reply's date about "you" is the reader's, unless it invites them to something
        (
            "Thanks for the kind words, Hector. Glad we could fit you in the same day (June 4) for that crown.",
            "review_response",
            ["Hector", "June 4"],
        ),
        ("Thanks Hector! Hope you can join us at our health fair on June 4.", "review_response", ["Hector"]),
        # an ordinal word alone is a day of the month only where no noun follows
        ("Dear Ruth, your mom's discharge went fine on the fifth.", "review_response", ["Ruth", "the fifth"]),
        ("Our clinic reopens on the first and we'll be here for the first time on Saturdays.", "post", []),
        # donors and the organisation's award winners are not patients, unless the text says so
        ("The Johnson family donated a new playroom to our children's unit. Thank you!", "post", []),
        (
            "The Johnson family donated a new playroom after their son's stay in our NICU.",
            "post",
            ["Johnson"],
        ),
        ("Thank you to Dave Kim, who donated blood after his own surgery here.", "post", ["Dave Kim"]),
        (
            "Our volunteer of the month is Gary Holt, who delivers meals at Birchwood Senior Living!",
            "post",
            [],
        ),
        ("Our patient of the month is Gary Holt, who finished cardiac rehab!", "post", ["Gary Holt"]),
        ("Meet Rosa, one of our amazing surgical techs, who has assisted in 3,000 surgeries!", "post", []),
        ("Meet Rosa, one of our patients, who just finished chemo!", "post", ["Rosa"]),
        # a given name that opens a reply and greets its reader, even one that is also a word
        (
            "Bill, sorry about the mix-up at our Northgate lab on 11/14. Your new appointment is Nov 21.",
            "review_response",
            ["Bill", "11/14", "Nov 21"],
        ),
        ("Summer, sun, and sunscreen: three things to remember this July.", "post", []),
        # an abbreviated weekday is part of its date; a unit is part of its street address
        (
            "Hi Deb, your husband's appointment got moved to Tues. 10/8 - call 555-0100 to confirm.",
            "review_response",
            ["Deb", "Tues. 10/8"],
        ),
        ("Flu shot clinic: Sat 10/12, 9am-1pm at our Fairview office.", "post", []),
        # phone numbers as people type them; "you at" and "the number you left" are the reader's
        (
            "Mr. Adeyemi, our scheduler tried you at (555) 017-5561 about your stress test.",
            "comment_reply",
            ["Adeyemi", "(555) 017-5561"],
        ),
        (
            "Ferdinand, sorry about your colonoscopy bill. We will call the number you left, 555 - 017 - 4402.",
            "review_response",
            ["Ferdinand", "555 - 017 - 4402"],
        ),
        (
            'Found a pill pack labeled "Mrs. Adebayo – call 555–017–2288" by our door.',
            "post",
            ["Adebayo", "555–017–2288"],
        ),
        # someone's own care links a contact identifier in a comment reply
        (
            "@its.just.priya_ so glad your brow lamination survived the beach trip! see u at your touch-up",
            "comment_reply",
            ["@its.just.priya_"],
        ),
        # record and member numbers in other shapes; an age opening a clause
        (
            "Gideon, we're sorry. Your results are now filed correctly under KMH-0098-4412.",
            "comment_reply",
            ["Gideon", "KMH-0098-4412"],
        ),
        (
            "Anneke, your records request under chart no. QH 22-0417 went out.",
            "review_response",
            ["Anneke", "QH 22-0417"],
        ),
        (
            "Yevgenia, the insurance member ID on the form, ZXK 902 118 364, doesn't match your plan.",
            "comment_reply",
            ["Yevgenia", "ZXK 902 118 364"],
        ),
        (
            "Ibrahim, your dad's blister packs are ready. At 91 he's still our most punctual customer!",
            "comment_reply",
            ["Ibrahim", "91"],
        ),
        # a reply's reader may be its opening handle; a spelled-out age; the one patient named
        (
            "@solanocrest.sienna so sorry about the bruising! Noor wants to see you Thurs 10/9 at 11.",
            "comment_reply",
            ["@solanocrest.sienna", "Thurs 10/9"],
        ),
        (
            "Ninety-four and still the fastest knitter on our rehab floor! Philippa moved in on May 12.",
            "post",
            ["Ninety-four", "Philippa", "May 12"],
        ),
        (
            "Ondine, before we transfer your prescriptions we need to confirm your birthday. We have 02/29/1960, right?",
            "comment_reply",
            ["Ondine", "02/29/1960"],
        ),
        ("@sam_ochoa thanks for the shoutout! rest up after that appendix", "comment_reply", ["@sam_ochoa"]),
        # a comment reply to a partner about the organisation's care is not about anyone's care
        ("@mkt_lakeshore thanks for sharing our flu shot hours!", "comment_reply", []),
        (
            "evening Rollo 👋 your compounded eczema cream is ready!! we rang twice. counter's open till 8",
            "comment_reply",
            ["Rollo"],
        ),
        (
            'Meet "Walt," a made-up patient we use in our blood pressure class: he\'s 92, loves salty soup.',
            "post",
            [],
        ),
        ("Room 214 on 5 North is now our family quiet room. Ask any nurse for the key.", "post", []),
        (
            "Mrs. Van der Meulen headed back to Glen Iris Care Centre today after her hip repair.",
            "post",
            ["Van der Meulen", "Glen Iris Care Centre"],
        ),
        (
            "Shout-out to Haruto, a 6th grader at Millers Pond Middle School, who came in with a broken wrist.",
            "post",
            ["Haruto", "Millers Pond Middle School"],
        ),
        (
            "Gunnar, we'll mail your compounded capsules to 14 Quail Run, Two Rivers, WI 54299.",
            "comment_reply",
            ["Gunnar", "14 Quail Run, Two Rivers, WI 54299"],
        ),
        (
            "Sam, we mailed the bill to 482 Hawthorn Ave Apt 3 by mistake. We're so sorry!",
            "review_response",
            ["Sam", "482 Hawthorn Ave Apt 3"],
        ),
        (
            "Thanks to Ray Ortega of 14 Spruce Ct, Dayton, who donated blood after his own transfusion.",
            "post",
            ["Ray Ortega", "14 Spruce Ct, Dayton"],
        ),
        # an employer named after coworkers or a trade, and a clinician's past or outside post
        (
            "When Ray Dorsett's coworkers at Tri-County Feed & Seed heard he'd be with us for six weeks of rehab, "
            "they sent a giant card.",
            "post",
            ["Ray Dorsett", "Tri-County Feed & Seed"],
        ),
        (
            "Yelena Sorokina, second-chair violinist with the Larkspur Mills Symphony, is back to practice since "
            "her wrist surgery.",
            "post",
            ["Yelena Sorokina", "the Larkspur Mills Symphony"],
        ),
        (
            "Meet Ama Boateng, our community health worker! Before joining us she spent nine years as a school "
            "bus driver in Salem.",
            "post",
            [],
        ),
        (
            "Dr. Maya Chen just wrapped her 10th season as volunteer team physician for the Alder Ridge Rapids "
            "youth hockey league.",
            "post",
            [],
        ),
        # a relative named after a comma ("His son, Tunde, ..."), not a staff member's family
        (
            "Wilbur Haines is back on his feet after his bypass. His son, Tunde, flew in to walk the halls with him.",
            "post",
            ["Wilbur Haines", "Tunde"],
        ),
        (
            "Our cardiologist Maya Chen, MD, spoke at the gala. Her husband, Tom, joined her on stage.",
            "post",
            [],
        ),
        # the age of one unnamed patient; the organisation's own anniversary
        (
            "Today is a special day on 6 North: the gentleman in room 710 turns 103 today and has requested "
            "butterscotch pudding.",
            "post",
            ["room 710", "103"],
        ),
        (
            "Shoutout to our 5 West nurses, who threw a surprise 95th birthday party for the sweetest patient.",
            "post",
            ["95"],
        ),
        ("Riverbend Regional turns 100 this year! We opened in 1926 with 24 beds.", "post", []),
        # care the care-word list lacked: a dialysis chair time, a recheck, a lab order, a mole check
        (
            "Hi Gloria, Amara says your Tuesday chair time can move to the 6am shift.",
            "comment_reply",
            ["Gloria"],
        ),
        (
            "So glad to hear it, Renee! Maya says Lily's ear looked totally clear at her recheck on 11-23.",
            "comment_reply",
            ["Renee", "Lily", "11-23"],
        ),
        (
            "Hi Carmen! We matched your lab order using your DOB (04/12/1961) and the draw is set for tomorrow.",
            "comment_reply",
            ["Carmen", "04/12/1961"],
        ),
        ("@kenz.ohara you're all set for your mole check Thursday at 2!", "comment_reply", ["@kenz.ohara"]),
        # and what the longer list must not take: a clinician at a market, a poison-control line
        (
            "Skin check reminder: our PA Lacey Dunn, PA-C, has done 9,000 skin exams. She'll be at the farmers "
            "market on Saturday, December 5 with free sunscreen samples.",
            "post",
            [],
        ),
        (
            "If you think someone took too much of a medicine, call Poison Control; in an emergency, call 911.",
            "post",
            [],
        ),
        # care words the list lacked: a trauma team, a cane
        (
            "Our trauma team is rooting for Danny Reyes, who's been with us since 10/19.",
            "post",
            ["Danny Reyes", "10/19"],
        ),
        (
            "The day Gus Ferreira took his first steps in our gym without a cane. Proud of you, Gus!",
            "post",
            ["Gus Ferreira", "Gus"],
        ),
        # an emoji between words ends a name ("Grandpa Lou 🇺🇸 Lou, 96"); routine visits are anyone's
        (
            "Thank you for your service, Grandpa Lou 🇺🇸 Lou, 96, a Navy veteran, received his pin from our "
            "hospice chaplain at home on 11/11.",
            "post",
            ["Lou", "Lou", "96", "11/11"],
        ),
        (
            "Nor'easter update: our nurses and aides will not make routine home visits Tues, Dec 2. Our team is "
            "calling every client today. Emergencies: call 911.",
            "post",
            [],
        ),
        # a drawn character is nobody
        (
            "This is 'Marco,' an illustrated character from our new heart-health comic. Marco is 52 and just "
            "learned his blood pressure is high.",
            "post",
            [],
        ),
    ],
)
def test_context_decides(
    phi: RuleFamily, nlp: Language, text: str, content_type: str, expected: list[str]
) -> None:
    context: dict[str, Any] = ORG
    assert sorted(blocked_spans(phi, nlp, text, content_type=content_type, context=context)) == sorted(
        expected
    )


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found


def test_our_recognizers_do_not_shadow_presidios_by_name() -> None:
    # presidio's registry finds its predefined recognizers by class name among every loaded
    # subclass: one of ours with the same name ("DateRecognizer") breaks its documented setup.
    from presidio_analyzer import EntityRecognizer, predefined_recognizers

    ours = {c.__name__ for c in _subclasses(EntityRecognizer) if c.__module__.startswith("guardrails.")}
    assert "CalendarDateRecognizer" in ours
    assert not ours & set(predefined_recognizers.__all__)
