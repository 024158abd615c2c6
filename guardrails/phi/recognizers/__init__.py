"""Our presidio recognizers, one module each, and presidio's own that we keep.

`build_recognizers()` is the one list the analyzer gets: only what the PHI rules and
the redactor use, so presidio does no work whose result would be thrown away.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from guardrails.phi.lexicon import PhiLexicon
from guardrails.phi.recognizers.account import AccountNumberRecognizer
from guardrails.phi.recognizers.address import (
    ResidencePlaceRecognizer,
    StreetAddressRecognizer,
    ZipCodeRecognizer,
)
from guardrails.phi.recognizers.age import AgeRecognizer, SpelledAgeRecognizer
from guardrails.phi.recognizers.biometric import BiometricIdRecognizer
from guardrails.phi.recognizers.dates import CalendarDateRecognizer, SpelledDateRecognizer
from guardrails.phi.recognizers.device import DeviceSerialRecognizer
from guardrails.phi.recognizers.given_name import GivenNameRecognizer
from guardrails.phi.recognizers.handle import SocialHandleRecognizer
from guardrails.phi.recognizers.hashtag_name import HashtagNameRecognizer
from guardrails.phi.recognizers.health_plan import HealthPlanIdRecognizer
from guardrails.phi.recognizers.licence import LicenceNumberRecognizer
from guardrails.phi.recognizers.local_phone import LocalPhoneRecognizer
from guardrails.phi.recognizers.mrn import MedicalRecordNumberRecognizer
from guardrails.phi.recognizers.npi import NpiRecognizer
from guardrails.phi.recognizers.other_id import OtherIdRecognizer
from guardrails.phi.recognizers.person_cues import PersonCueRecognizer
from guardrails.phi.recognizers.photo import PhotoReferenceRecognizer
from guardrails.phi.recognizers.presidio_defaults import (
    QuickCreditCardRecognizer,
    QuickEmailRecognizer,
    QuickIbanRecognizer,
    QuickIpRecognizer,
    QuickPhoneRecognizer,
    QuickSsnRecognizer,
    QuickUrlRecognizer,
)
from guardrails.phi.recognizers.room_bed import RoomBedRecognizer
from guardrails.phi.recognizers.vehicle import VehicleIdRecognizer

# spaCy entity labels the analyzer receives, as presidio entity types.
SPACY_LABELS = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
}


def build_recognizers(
    lexicon: PhiLexicon, dictionary: frozenset[str] = frozenset(), given_names: frozenset[str] = frozenset()
) -> list[EntityRecognizer]:
    return [
        SpacyRecognizer(supported_language="en", supported_entities=sorted(set(SPACY_LABELS.values()))),
        PersonCueRecognizer(
            honorifics=lexicon.honorifics,
            relation_words=lexicon.relation_words,
            person_cues=lexicon.person_cues,
            not_name_words=[*lexicon.not_name_words, *lexicon.honorifics, *lexicon.staff_titles],
            common_words=lexicon.common_words,
            person_after_cues=lexicon.person_after_cues,
            dictionary=dictionary,
            given_names=given_names,
            credentials=lexicon.credentials,
        ),
        GivenNameRecognizer(
            given_names,
            excluded=[
                *lexicon.not_name_words,
                *lexicon.common_words,
                *lexicon.honorifics,
                *lexicon.staff_titles,
                *lexicon.large_regions,
            ],
            dictionary=dictionary,
        ),
        HashtagNameRecognizer(lexicon.hashtag_name_prefixes, lexicon.hashtag_name_suffixes, dictionary),
        QuickEmailRecognizer(),
        QuickUrlRecognizer(),
        QuickIpRecognizer(),
        # libphonenumber scans the text once per region, the slowest recognizer: numbers
        # written with "+" parse in any region, so one region is enough; local 7-digit
        # forms are ours (LocalPhoneRecognizer).
        QuickPhoneRecognizer(supported_regions=("US",)),
        QuickSsnRecognizer(),
        QuickCreditCardRecognizer(),
        QuickIbanRecognizer(),
        MedicalRecordNumberRecognizer(),
        HealthPlanIdRecognizer(),
        AccountNumberRecognizer(),
        RoomBedRecognizer(),
        DeviceSerialRecognizer(),
        LicenceNumberRecognizer(),
        NpiRecognizer(),
        VehicleIdRecognizer(),
        BiometricIdRecognizer(),
        OtherIdRecognizer(),
        CalendarDateRecognizer(),
        SpelledDateRecognizer(),
        AgeRecognizer(),
        SpelledAgeRecognizer(),
        StreetAddressRecognizer(),
        ResidencePlaceRecognizer(),
        ZipCodeRecognizer(),
        SocialHandleRecognizer(),
        PhotoReferenceRecognizer(),
        LocalPhoneRecognizer(),
    ]
