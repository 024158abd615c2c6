"""Whose is an identifier: the patient (or relative) a detection belongs to, if any.

Each function takes the person calls already made on the text (`calls`: name detection ->
verdict) and answers with the call the identifier inherits, or None when it is nobody's.
"""

from __future__ import annotations

import regex  # type: ignore[import-untyped]

from guardrails.phi.engine import Detection
from guardrails.phi.people import PersonCall
from guardrails.phi.scene import Scene, words
from guardrails.phi.verdicts import Verdict
from guardrails.phi.wording import RESIDENCE_AFTER_NAME

PRONOUN = regex.compile(r"\b(?:he|she|him|her|his|hers|they|them|their)\b", regex.IGNORECASE)
SECOND = regex.compile(r"\b(?:you|your|yours|ur|u)\b", regex.IGNORECASE)
# People whose own details (an age beside their name, a photo of them) are no patient's.
NOT_PATIENT_PEOPLE = frozenset({"staff", "public figure", "donor", "persona"})


def same_name(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> PersonCall | None:
    """ "Hollis Mbeki ... Hollis finished his infusion": the NER model often reads a later
    first-name mention as an organisation or a place; it is the patient named before."""
    if d.kind not in ("ORGANIZATION", "LOCATION") or d.recognizer != "SpacyRecognizer":
        return None
    mention = set(words(scene.text[d.start : d.end]))
    for person, call in calls.items():
        if (
            call.verdict is not Verdict.CLEAR
            and mention
            and mention <= set(words(scene.text[person.start : person.end]))
        ):
            return call
    return None


def patient_of(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> PersonCall | None:
    """The patient this identifier's sentence is about, if any."""
    s, e = scene.sentence(d.start)
    in_sentence = [c for p, c in calls.items() if s <= p.start < e and c.verdict is not Verdict.CLEAR]
    for call in in_sentence:
        if call.verdict is Verdict.PHI:
            return call
    if in_sentence:
        return in_sentence[0]
    patients = [c for c in calls.values() if c.verdict is not Verdict.CLEAR]
    sentence = scene.text[s:e]
    mentions_someone = PRONOUN.search(sentence) or (scene.is_reply and SECOND.search(sentence))
    if mentions_someone and (scene.care_linked or scene.personal_care):
        if patients and all(c.verdict is Verdict.CONSENTED for c in patients):
            return patients[0]
        return PersonCall(Verdict.PHI, "patient in context")
    return None


def named_in_sentence(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> PersonCall | None:
    s, e = scene.sentence(d.start)
    for p, call in calls.items():
        if s <= p.start < e and call.verdict is not Verdict.CLEAR:
            return call
    return None


def named_before_place(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> PersonCall | None:
    """ "Priya from Lakewood", "Daniel Ochoa, 16, of Pine Ridge", "Pavel Novák at 118 Linden Terrace"."""
    for p, call in calls.items():
        if call.verdict is Verdict.CLEAR or p.end > d.start or d.start - p.end > 16:
            continue
        if RESIDENCE_AFTER_NAME.match(scene.text[p.end : d.start]):
            return call
    return None


def only_patient(calls: dict[Detection, PersonCall]) -> PersonCall | None:
    patients = [call for call in calls.values() if call.verdict is Verdict.PHI]
    return patients[0] if len(patients) == 1 else None


def any_patient(calls: dict[Detection, PersonCall]) -> PersonCall | None:
    patients = [c for c in calls.values() if c.verdict is not Verdict.CLEAR]
    return next((c for c in patients if c.verdict is Verdict.PHI), patients[0] if patients else None)


def last_named(d: Detection, calls: dict[Detection, PersonCall]) -> PersonCall | None:
    """Whom a pronoun before `d` may mean: the last patient named before it. Staff and public
    figures do not count, and with no patient named there is nobody: "She grew up in Bellport"
    of a new hire is hers, not a patient's."""
    named = [p for p, call in calls.items() if p.end <= d.start and call.verdict is not Verdict.CLEAR]
    return calls[max(named, key=lambda p: p.start)] if named else None


def pronoun_patient(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> PersonCall | None:
    """The patient a pronoun in `d`'s sentence refers to ("He moved to his son's place in
    Tucson"): the last patient named before `d`; none when the sentence has no pronoun."""
    return last_named(d, calls) if PRONOUN.search(scene.sentence_text(d.start)) else None


def photo_owner(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> PersonCall | None:
    """Whose picture a post points to: a patient named in the sentence or before it ("Keisha
    rang our bell ... Swipe to see the moment", even with her nurse named in between); when
    only staff are named before it, theirs ("Meet Dr. Lee ... Pictured above with her team");
    with nobody named, a pronoun in a post about care."""
    owner = named_in_sentence(scene, d, calls) or last_named(d, calls)
    if owner is not None or any(
        p.end <= d.start and c.reason in NOT_PATIENT_PEOPLE for p, c in calls.items()
    ):
        return owner
    return patient_of(scene, d, calls)
