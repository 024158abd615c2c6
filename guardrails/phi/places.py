"""Whose a place is: where a patient lives, works, studies or comes from, or the organisation's
own site, an event's venue, a region too large to identify anyone.

A town or street is PHI beside a patient (named, in the sentence or just before it, or the
reader of a reply) or after a person in care, named or not ("a 94-year-old woman from
Greensburg"); an employer, a school or a care home is one also when the text treats a group of
people from it; a company the model took for a person is decided here when an employer cue
stands before it (guardrails.phi.decide).
"""

from __future__ import annotations

import regex  # type: ignore[import-untyped]

from guardrails.findings import Entity
from guardrails.phi.anchors import (
    any_patient,
    named_before_place,
    named_in_sentence,
    patient_of,
    pronoun_patient,
)
from guardrails.phi.engine import Detection
from guardrails.phi.lexicon import PhiLexicon
from guardrails.phi.people import PersonCall, decision_for
from guardrails.phi.scene import LexiconCues, Scene
from guardrails.phi.verdicts import Decision, Verdict
from guardrails.phi.wording import (
    ACRONYM,
    CARE_HOME,
    EMPLOYER,
    SCHOOL,
    SCHOOL_OR_STREET,
    VENUE,
    treated_group,
)

_YOUR_PLACE = regex.compile(
    r"\byour\b[^.!?]{0,40}\b(?:in|near|outside|from|to)\s+(?:the\s+)?$", regex.IGNORECASE
)
_TECH_WORD = regex.compile(r"\p{Ll}\p{Lu}{2,}")  # "WebRTC": a product the model took for a town

_PERSON_FROM = regex.compile(
    r"\b(?:\d{1,3}-year-old|(?-i:patients?|man|woman|boy|girl|child|kid|teen|toddler|baby|resident|veteran"
    r"|mom|dad|mother|father|grandmother|grandfather))\b[^.!?\n]{0,40}\bfrom\s+(?:the\s+)?$",
    regex.IGNORECASE,
)
# "patients from the Route 1 pileup": the place names an incident, not where anyone lives
_INCIDENT_AFTER = regex.compile(
    r"^\s+(?:bus\s+|car\s+|train\s+|house\s+|apartment\s+)?(?:crash|pile-?up|collision|wreck|accident|fire|blaze"
    r"|explosion|shooting|leak|spill|outbreak|derailment|incident)\b",
    regex.IGNORECASE,
)


class PlaceJudge:
    """Decides each detected place, organisation or address for ContextJudge."""

    def __init__(self, cues: LexiconCues, lexicon: PhiLexicon) -> None:
        self.cues = cues
        self.large_regions = frozenset(lexicon.large_regions)
        # Words that never make a town ("East" of "5 East", "ER", "Campus").
        self.not_places = frozenset(lexicon.not_name_words)

    def decide(self, scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> Decision:
        value = scene.text[d.start : d.end]
        before = scene.before(d.start, 40)
        after_patient = named_before_place(scene, d, calls)
        if after_patient is not None:
            return decision_for(d, Entity.LOCATION, after_patient, "")
        employer = EMPLOYER.search(before) or regex.search(
            r"\bhome\s+(?:to|in)\s*$", before, regex.IGNORECASE
        )
        # "a 94-year-old woman from Greensburg", "the first patient from Lake Quinn County": where
        # a person in care comes from, named or not
        origin = (
            _PERSON_FROM.search(scene.before(d.start, 80)) is not None
            and not _INCIDENT_AFTER.match(scene.after(d.end, 30))
            and scene.care_linked
        )
        # a care home or a school is where someone lives or studies, whatever the model called it
        care_home = CARE_HOME.search(value) is not None or SCHOOL.search(value) is not None
        street = SCHOOL_OR_STREET.search(value) is not None and SCHOOL.search(value) is None
        if (
            d.kind == "ORGANIZATION"
            and not (care_home or street or origin)
            and (not employer or ACRONYM.match(value))
        ):
            return Decision(d, Entity.LOCATION, Verdict.CLEAR, "organisation")
        if scene.names_product(value):
            return Decision(d, Entity.LOCATION, Verdict.CLEAR, "product")
        if value.lower().removeprefix("the ") in self.large_regions:
            return Decision(d, Entity.LOCATION, Verdict.CLEAR, "larger than a state")
        if scene.is_org_place(value):
            return Decision(d, Entity.LOCATION, Verdict.CLEAR, "organisation's own place")
        if d.recognizer == "SpacyRecognizer" and (
            scene.names_staff(value) or self.cues.staff_titles.ends(value.split()[0])
        ):
            # "Margaret and Chaplain Okafor were honored": a titled person the model took for a place
            return Decision(d, Entity.LOCATION, Verdict.CLEAR, "staff")
        # "a fourth grader at Ashby Elementary", "grew up on Tobacco Barn Road", "from the
        # Northgate neighborhood": a school, a street or a neighbourhood in a sentence about a
        # patient is theirs, even after "at" or "on".
        if care_home or SCHOOL_OR_STREET.search(value) or d.recognizer == "ResidencePlaceRecognizer":
            anchor = named_in_sentence(scene, d, calls)
            if anchor is None and self.cues.residence.ends(before):
                anchor = patient_of(scene, d, calls)  # "She lives on Birch Lane": whoever "she" is
            if anchor is None:  # "he was back under the lights for Ridgeview High"
                anchor = pronoun_patient(scene, d, calls)
            if anchor is None and scene.is_reply:
                # a reply's reader: "to your place on Cobblestone Lane", "their camp forms for
                # Lakeview Elementary" (your/their in a reply about care)
                anchor = patient_of(scene, d, calls)
            if anchor is not None:
                return decision_for(d, Entity.LOCATION, anchor, "")
        if (care_home or employer or SCHOOL_OR_STREET.search(value) or d.kind == "STREET_ADDRESS") and (
            treated_group(scene.sentence_text(d.start))
        ):
            # "treating 6 students from Harmon Middle School", "two children from 418 Alder Street
            # remain in our pediatric ICU": where the people in care come from narrows who they are
            return Decision(d, Entity.LOCATION, Verdict.PHI, "patients' school, street or employer")
        if employer:
            anchor = patient_of(scene, d, calls) or any_patient(calls)
            return decision_for(d, Entity.LOCATION, anchor, "no patient")
        if origin and not ACRONYM.match(value):
            return Decision(d, Entity.LOCATION, Verdict.PHI, "where a person in care comes from")
        if d.kind in ("STREET_ADDRESS", "ZIP_CODE"):
            anchor = named_in_sentence(scene, d, calls)
            if anchor is None and self.cues.events.search(scene.sentence_text(d.start)):
                # "our ceremony at the Millbrook VFW Post, 22 Elm St.": the event's venue
                return Decision(d, Entity.LOCATION, Verdict.CLEAR, "event venue")
            anchor = anchor or patient_of(scene, d, calls)
            return decision_for(d, Entity.LOCATION, anchor, "not a patient's address")
        # A town in a sentence about a named patient is where they live, come from or go.
        ordinary = ACRONYM.match(value) or any(w in self.not_places for w in value.lower().split())
        if d.recognizer == "SpacyRecognizer" and not ordinary and not VENUE.search(scene.before(d.start, 25)):
            anchor = named_in_sentence(scene, d, calls)
            if anchor is None and scene.is_reply and _YOUR_PLACE.search(before):
                anchor = patient_of(scene, d, calls)  # a reply's "your feeder in Kettle Ridge"
            if anchor is None and not _TECH_WORD.search(value):
                anchor = pronoun_patient(scene, d, calls)  # "He moved to his daughter's place in Sarasota"
            if anchor is not None:
                return decision_for(d, Entity.LOCATION, anchor, "")
        return Decision(d, Entity.LOCATION, Verdict.CLEAR, "place of an event or the organisation")
