"""Our presidio recognizers, one table each (presidio style): text -> expected spans.

Pattern recognizers are run on their own; recognizers whose weak shapes need a
context word are also run through the configured analyzer (`PhiEngine`).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest
import regex  # type: ignore[import-untyped]

import guardrails.phi  # noqa: F401 - sets the offline tldextract variable before presidio loads
from guardrails.phi.engine import PhiEngine
from guardrails.phi.lexicon import load_lexicon
from guardrails.phi.recognizers.account import AccountNumberRecognizer
from guardrails.phi.recognizers.address import (
    ResidencePlaceRecognizer,
    StreetAddressRecognizer,
    ZipCodeRecognizer,
)
from guardrails.phi.recognizers.age import AgeRecognizer
from guardrails.phi.recognizers.base import FLAGS, DataRecognizer, lead_as_keep
from guardrails.phi.recognizers.biometric import BiometricIdRecognizer
from guardrails.phi.recognizers.dates import CalendarDateRecognizer
from guardrails.phi.recognizers.device import DeviceSerialRecognizer
from guardrails.phi.recognizers.handle import SocialHandleRecognizer
from guardrails.phi.recognizers.health_plan import HealthPlanIdRecognizer
from guardrails.phi.recognizers.licence import LicenceNumberRecognizer
from guardrails.phi.recognizers.local_phone import LocalPhoneRecognizer
from guardrails.phi.recognizers.mrn import MedicalRecordNumberRecognizer
from guardrails.phi.recognizers.npi import NpiRecognizer
from guardrails.phi.recognizers.other_id import OtherIdRecognizer
from guardrails.phi.recognizers.person_cues import PersonCueRecognizer
from guardrails.phi.recognizers.photo import PhotoReferenceRecognizer
from guardrails.phi.recognizers.room_bed import RoomBedRecognizer
from guardrails.phi.recognizers.vehicle import VehicleIdRecognizer

if TYPE_CHECKING:
    from spacy.language import Language

# Scores at or above this survive the analyzer without a context word.
STRONG = 0.4


def found(recognizer: DataRecognizer, text: str) -> list[str]:
    results = recognizer.analyze(text, entities=[recognizer.ENTITY])
    return sorted(text[r.start : r.end] for r in results if r.score >= STRONG)


def case(text: str, *expected: str) -> tuple[str, list[str]]:
    return text, sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("MRN 00482913 on the wristband", "00482913"),
        case("medical record number: A-5521-0093", "A-5521-0093"),
        case("flagged chart no. 7713024 overnight", "7713024"),
        case("the winner is patient #BDS-004417!", "BDS-004417"),
        case("Chart RB-2291-0447 was updated", "RB-2291-0447"),
        case("Our chart review found no issues."),
        case("MRN pending"),
    ],
)
def test_mrn(text: str, expected: list[str]) -> None:
    assert found(MedicalRecordNumberRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("because member ID XJH884512301 shows inactive", "XJH884512301"),
        case("(member WLP 884 201 337) was declined", "WLP 884 201 337"),
        case("Cigna (member U4471-90322) denied it", "U4471-90322"),
        case("Medicare number 1EG4-TE5-MK73 on file", "1EG4-TE5-MK73"),
        # a Medicare Beneficiary Identifier is known by its shape wherever it stands
        case("entered with a typo (1EG4-TE5-MK72 is the correct one)", "1EG4-TE5-MK72"),
        case("Use code 1SL4-TE5-MK72 at checkout"),
        case("we updated your member ID to TXD-55091-4478 today", "TXD-55091-4478"),
        case("Become a member today and save"),
        case("Group 00441 covers the whole team"),
    ],
)
def test_health_plan_id(text: str, expected: list[str]) -> None:
    assert found(HealthPlanIdRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("applied your refund to account 00993817", "00993817"),
        case("whose account (44-10-2287) went to collections", "44-10-2287"),
        case("account number is 4455667788.", "4455667788"),
        case("routing 021000021", "021000021"),
        case("Create an account to get started"),
    ],
)
def test_account_number(text: str, expected: list[str]) -> None:
    assert found(AccountNumberRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("cake in room 512 at noon", "room 512"),
        case("the patient in room 418B", "room 418B"),
        case("Sending love to Bogdan in bed 7", "bed 7"),
        case("leak in unit 4C reported", "unit 4C"),
        case("There is room for everyone"),
        case("bed rest for a week"),
    ],
)
def test_room_bed(text: str, expected: list[str]) -> None:
    assert found(RoomBedRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("pacemaker (serial MCX-774120-LP)", "MCX-774120-LP"),
        case("hearing aid, serial HA-7Q2-55810, was left", "HA-7Q2-55810"),
        case("Your new knee's serial number, AK-2291-77Q, is on the card", "AK-2291-77Q"),
        case("S/N: 3MH0049221K", "3MH0049221K"),
        case("Serial killers are a popular podcast topic"),
        case("your mom's device, serial CRT-D 44A9-0021, was checked", "CRT-D 44A9-0021"),
        case("serial ABC-D and more"),
        case("the serial number of your father's oxygen concentrator (PJN704512H) went to", "PJN704512H"),
        case("the serial number of the recall (see below) is online"),
        case("We checked the serial on your wife's sensor (GS4475-00913) and", "GS4475-00913"),
    ],
)
def test_device_serial(text: str, expected: list[str]) -> None:
    assert found(DeviceSerialRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("commercial license (CDL 7731-0928)", "7731-0928"),
        case("driver's license number: WDL-88K2Q7PL", "WDL-88K2Q7PL"),
        case("they renewed his driver's license (RT448193) on the spot", "RT448193"),
        case("Pharmacist (WA license PH60123456)", "PH60123456"),
        case("Licensed in three states"),
    ],
)
def test_licence_number(text: str, expected: list[str]) -> None:
    assert found(LicenceNumberRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("Dr. Ferreira (NPI 1234567893) is accepting patients", "1234567893"),
        case("NPI: 1234567890 was mistyped"),  # fails the Luhn check
        case("Call 1234567893 for help"),  # ten digits without the keyword stay weak
    ],
)
def test_npi(text: str, expected: list[str]) -> None:
    assert found(NpiRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("VIN 1HGCM82633A004352 on the title", "1HGCM82633A004352"),
        case("VIN 1HGCM82633A004353 on the title"),  # wrong check digit
        case("silver Camry (plate 8FJK221) is blocking", "8FJK221"),
        case("his 1972 Chevy (plate KS 4RT-992)", "KS 4RT-992"),
        case("your car (7KJD221) is parked", "7KJD221"),
        case("A plate of cookies for the nurses"),
    ],
)
def test_vehicle_id(text: str, expected: list[str]) -> None:
    assert found(VehicleIdRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("Rosa Delgado (template ID PV-003391)", "PV-003391"),
        case("fingerprint template FP-0093311 enrolled", "FP-0093311"),
        case("Our fingerprint scanners are new"),
    ],
)
def test_biometric_id(text: str, expected: list[str]) -> None:
    assert found(BiometricIdRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("DOB 03/14/1961, Rx 6604122", "6604122"),
        case("Your case number is CS-0082214.", "CS-0082214"),
        case("booking ref HX9QPL confirmed", "HX9QPL"),
        case("Order by Dec 21 for delivery"),
        case("In case of emergency, call 911"),
    ],
)
def test_other_id(text: str, expected: list[str]) -> None:
    assert found(OtherIdRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("Born November 19 at 3:12 a.m.", "November 19"),
        case("born November 28, 1925.", "November 28, 1925"),
        case("after Mr. Sato's appointment on Wednesday, Nov 25.", "Wednesday, Nov 25"),
        case("DOB 03/14/1961", "03/14/1961"),
        case("before your 12/03 surgery", "12/03"),
        case("cleanings on Saturday the 14th", "Saturday the 14th"),
        case("on the 3rd of April", "3rd of April"),
        case("admitted 2024-11-03", "2024-11-03"),
        case("Open since 1962 with 40 beds"),
        case("Add 1/2 cup of sugar"),
        case("You may need a booster in May."),
        case("your flu shot from 14/09 is on file", "14/09"),
        case("Admit date Apr-09, home date Apr-22.", "Apr-09", "Apr-22"),
        case("Mix 13/4 of the dose"),
        case("his shots on Tues the 17th", "Tues the 17th"),
        case("pushed from June 2nd to the 9th", "June 2nd", "the 9th"),
        case("Thank you to the 2nd graders, and to the 3rd-grade class"),
    ],
)
def test_dates(text: str, expected: list[str]) -> None:
    assert found(CalendarDateRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("Mr. Walter Pruitt turns 101 today!", "101"),
        case("Vera Lindqvist, 98, is being treated", "98"),
        case("That makes him 101 today", "101"),
        case("a 93-year-old grandmother", "93"),
        case("my grandfather is 101 and still plays chess", "101"),
        case("Maria Lopez, 67, walked the gym"),
        case("adults in their 90s face a higher risk"),
        case("people who live past 100"),
        case("we are 100% committed"),
        case("Ruth, 94 y/o, had her hip replaced", "94"),
        case("Happy 100th to Clara!", "100"),
        case("A spry 97, Otto walked out of 3 North", "97"),
        case("A total of 97, Smith said"),
        case("Happy 40th to Clara!"),
        case("Name: Lorne · Age: 91 · Room: 4 East", "91"),
        case("his great-grandma, 92, came along", "92"),
    ],
)
def test_age(text: str, expected: list[str]) -> None:
    assert found(AgeRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("recognizer", "text", "expected"),
    [
        (StreetAddressRecognizer(), "Pavel at 118 Linden Terrace sent a card", ["118 Linden Terrace"]),
        (
            StreetAddressRecognizer(),
            "at 310 Quarry Street, Suite 2, Fenwick",
            ["310 Quarry Street, Suite 2, Fenwick"],
        ),
        (
            StreetAddressRecognizer(),
            "1200 Harbor View Drive, Riverbend, OR 97420.",
            ["1200 Harbor View Drive, Riverbend, OR 97420"],
        ),
        (StreetAddressRecognizer(), "PO Box 2231, Bend", ["PO Box 2231"]),
        (StreetAddressRecognizer(), "We walked 5 miles down the road", []),
        (ZipCodeRecognizer(), "Riverbend, OR 97420", ["97420"]),
        (ZipCodeRecognizer(), "zip code 98101", ["98101"]),
        (ZipCodeRecognizer(), "We served 12000 meals", []),
        (ResidencePlaceRecognizer(), "Ahmad Karimi of Westbury logged in", ["Westbury"]),
        (ResidencePlaceRecognizer(), "Daniel Ochoa, 16, of Pine Ridge, is stable", ["Pine Ridge"]),
        (ResidencePlaceRecognizer(), "Department of Health guidance", []),
    ],
)
def test_places(recognizer: DataRecognizer, text: str, expected: list[str]) -> None:
    assert found(recognizer, text) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("@marcus_runs_again so good to see you", "@marcus_runs_again"),
        case("Thanks to @the_ngata_crew!", "@the_ngata_crew"),
        case("email dana.kwon@example.com today"),
        case("my insta is sunny.bakes on weekends", "sunny.bakes"),
        case("Find us on Instagram for updates"),
    ],
)
def test_social_handle(text: str, expected: list[str]) -> None:
    assert found(SocialHandleRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("See her before/after selfie in slide 2!", "her before/after selfie"),
        case("See his photo with our PT team below.", "his photo with our PT team"),
        case("here's his before-and-after from his treatment", "his before-and-after"),
        case("Our photo booth is open all day"),
        case("Swipe to see his smile in the cap our nurses knitted.", "Swipe to see his smile"),
        case("Swipe for her before & after 💋", "Swipe for her before & after"),
        case("His grin in the last slide says it all.", "His grin in the last slide"),
        case("Her first full smile is in the photo, taken here.", "Her first full smile is in the photo"),
        case("Watch his face at 0:12 😂", "Watch his face at 0:12"),
        case("Swipe to see him in his tiny cap and gown!", "Swipe to see him"),
        case("Pictured above with her great-grandson.", "Pictured above"),
        case("In the photo below, he's teaching us to dance.", "In the photo below"),
        case("That's her in the video, grinning.", "That's her in the video"),
        case("Swipe to see Camille's before and after photos.", "before and after"),
        case(
            "Full-face before/after in slide 2, no filters, same lighting.",
            "Full-face before/after in slide 2",
        ),
        case("Before & after pics in the carousel.", "Before & after pics in the carousel"),
        case("First family photo in the carousel 💛", "First family photo in the carousel"),
        case("That's him front and center in the group photo below.", "in the group photo below"),
        case("Mom finally got a full-face photo of her daughter with no tape.", "full-face photo"),
        # guards: a face or smile that no photo or video shows
        case("Swipe to see our new lobby."),
        case("Our new lobby is in the carousel!"),
        case("Watch their faces light up at our holiday party!"),
        case("Help your child keep their smile healthy this winter."),
    ],
)
def test_photo_reference(text: str, expected: list[str]) -> None:
    assert found(PhotoReferenceRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("ring her back at 555 0183 today", "555 0183"),
        case("call (303) 555-0147 to confirm", "(303) 555-0147"),
        case("The 2023-2024 season"),
        case("Version 4.2.1 is out"),
    ],
)
def test_local_phone(text: str, expected: list[str]) -> None:
    assert found(LocalPhoneRecognizer(), text) == expected


@pytest.fixture(scope="module")
def person_cues() -> PersonCueRecognizer:
    lexicon = load_lexicon()
    return PersonCueRecognizer(
        honorifics=lexicon.honorifics,
        relation_words=lexicon.relation_words,
        person_cues=lexicon.person_cues,
        not_name_words=[*lexicon.not_name_words, *lexicon.honorifics, *lexicon.staff_titles],
        common_words=lexicon.common_words,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("Mrs. Adeyemi, the results are in.", "Adeyemi"),
        case("Her daughter Keisha drove her home.", "Keisha"),
        case("to proud parents Chidi and Ifeoma.", "Chidi", "Ifeoma"),
        case("Happy birthday, Walter!", "Walter"),
        case("Hi Priscilla, we saw your post.", "Priscilla"),
        case("We said goodbye to Dolores ('Dee' to everyone)", "Dolores", "Dee"),
        case("Can someone cover my shift? -Kayla", "Kayla"),
        case("the Ortega family raised $5,000 in honor of their son", "Ortega"),
        case("Thank you to the Hendricks Family Foundation!"),
        case("However, the clinic is closed."),
        case("Happy Birthday to our team!"),
    ],
)
def test_person_cues(person_cues: PersonCueRecognizer, text: str, expected: list[str]) -> None:
    results = person_cues.analyze(text, entities=["PERSON"])
    assert sorted({text[r.start : r.end] for r in results}) == expected


@pytest.fixture(scope="module")
def engine(nlp: Language) -> PhiEngine:
    return PhiEngine(nlp, load_lexicon())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # weak shapes that need a context word nearby
        ("driver's license for Tomas Rivera (S530-4412-9981)", ("LICENSE_NUMBER", "S530-4412-9981")),
        ("Billing note: the SSN on your account, 987 65 4322, doesn't match", ("US_SSN", "987 65 4322")),
        # presidio's defaults read an MRN as a date and "DOB" as an organisation
        ("MRN 00482913, DOB 03/14/1961", ("MRN", "00482913")),
        ("MRN 00482913, DOB 03/14/1961", ("DATE", "03/14/1961")),
        ("we faxed it to her home fax, 555-0196, as asked", ("FAX_NUMBER", "555-0196")),
        ("send it to kwame.o@example.com please", ("EMAIL_ADDRESS", "kwame.o@example.com")),
        ("logged in from 198.51.100.23 today", ("IP_ADDRESS", "198.51.100.23")),
        ("We left a message for her at 5555550175 today", ("PHONE_NUMBER", "5555550175")),
        # written so scrapers miss it, still an address
        ("We sent it to ellen.marsh [at] example.org.", ("EMAIL_ADDRESS", "ellen.marsh [at] example.org")),
        (
            "reach bea (at) mail (dot) example (dot) com",
            ("EMAIL_ADDRESS", "bea (at) mail (dot) example (dot) com"),
        ),
    ],
)
def test_engine_context_and_precedence(engine: PhiEngine, text: str, expected: tuple[str, str]) -> None:
    detections = [(d.kind, text[d.start : d.end]) for d in engine.detect(text)]
    assert expected in detections
    assert ("ORGANIZATION", "DOB") not in detections


def test_engine_one_detection_per_stretch(engine: PhiEngine) -> None:
    text = "Reminder for patient Ingrid Halvard, MRN 00582731, before your 12/03 surgery."
    detections = engine.detect(text)
    for first, second in itertools.pairwise(detections):
        assert first.end <= second.start


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<=\b(?:mrn|chart)\s*[:#]?\s*)\d{6,7}\b", r"\b(?:mrn|chart)\s*[:#]?\s*\K\d{6,7}\b"),
        (r"(?<=\b(?:a[)]b|c\))x)y", r"\b(?:a[)]b|c\))x\Ky"),
        # lookbehinds that do not open with plain keywords are faster as they are
        (r"(?<=,\s)\p{Lu}\p{Ll}+", r"(?<=,\s)\p{Lu}\p{Ll}+"),
        (r"(?<=(?:,|\b(?:is|was))\s+)9\d", r"(?<=(?:,|\b(?:is|was))\s+)9\d"),
        (r"\d{5}(?<=9\d{4})", r"\d{5}(?<=9\d{4})"),
    ],
)
def test_a_keyword_lookbehind_becomes_a_kept_out_prefix(pattern: str, expected: str) -> None:
    assert lead_as_keep(pattern) == expected


@pytest.mark.parametrize(
    "recognizer",
    [MedicalRecordNumberRecognizer(), VehicleIdRecognizer(), HealthPlanIdRecognizer(), OtherIdRecognizer()],
)
def test_kept_out_prefixes_match_what_the_lookbehinds_matched(recognizer: DataRecognizer) -> None:
    text = (
        "MRN: 00482913, chart no. 7713024 and MRN 5521 0093. Plate 7ABC123, tag # XYZ 4521; "
        "member ID XKJ884512033, policy number 99-1234567. Rx #4471920, claim 88123344."
    )
    for original in type(recognizer).PATTERNS:
        kept = lead_as_keep(original.regex)
        before = [m.span() for m in regex.finditer(original.regex, text, FLAGS)]
        assert [m.span() for m in regex.finditer(kept, text, FLAGS)] == before
