"""Context decides: which detected identifiers belong to a patient (or relative) in this text.

Names go through `PeopleJudge`. Other identifiers follow the people and cues
around them: a date is a patient's when a care or life event or a patient sits
next to it (not when the sentence announces an event); a phone, e-mail, website or
handle is the organisation's own when its facts or "call us" say so; a place is a
patient's when it is where they live, work or come from, not where the clinic is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

import regex  # type: ignore[import-untyped]

from guardrails.context import CheckContext
from guardrails.findings import Entity
from guardrails.phi.anchors import (
    NOT_PATIENT_PEOPLE,
    SECOND,
    any_patient,
    named_in_sentence,
    only_patient,
    patient_of,
    photo_owner,
    pronoun_patient,
    same_name,
)
from guardrails.phi.dates import calendar_reason, names_a_life_event
from guardrails.phi.engine import Detection
from guardrails.phi.entities import ALWAYS_PERSONAL
from guardrails.phi.lexicon import PhiLexicon
from guardrails.phi.people import PeopleJudge, PersonCall, decision_for
from guardrails.phi.places import PlaceJudge
from guardrails.phi.scene import LexiconCues, Scene, digits
from guardrails.phi.verdicts import Decision, Verdict
from guardrails.phi.wording import (
    EMPLOYER,
    EVENT_ROOM,
    FOLLOW,
    HANDLE_OF_NAMED,
    MONTH_ONLY,
    ONE_PERSONS_AGE,
    PERSONAL,
    PERSONAL_IN_POST,
    READERS_NUMBER,
    SPONSORED,
    linked,
    staff_licence,
    writes_home_address,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

_OPENING_HANDLE = regex.compile(r"^\s*@([\w.]+)")
_INVITATION = regex.compile(
    r"\b(?:join|register|registration|rsvp|sign\s+up|event|class(?:es)?|fair|festival|webinar|walk|run|race"
    r"|screenings?|open\s+house|seminar|workshop|talk|hours|closed|opens?|holiday|sale|tickets?)\b",
    regex.IGNORECASE,
)
_POSSESSIVE = regex.compile(r"(?:\b(?:your|his|her|their)|['’]s)\s*$", regex.IGNORECASE)
_NOT_PATIENTS = frozenset({"public figure"})
_BREAK = regex.compile(r"[.!?;\n]")
_APPOSED_AGE_GAP = regex.compile(r",\s*(?:aged?\s+)?")
# "At 91, Dr. Everett Lundqvist is ...": the age opens the clause of the person it belongs to
_AGE_BEFORE_GAP = regex.compile(r",\s*(?:\p{Lu}\p{L}{0,3}\.?\s+)?")
_OWNER_GAP = 30
# North American toll-free codes: a business line (a company's support or information number),
# never a person's own phone.
_TOLL_FREE = regex.compile(r"1?8(?:00|33|44|55|66|77|88)\d{7}")
_HOST = regex.compile(r"^(?:[a-z]+://)?(?:www\.)?([^/\s:]+)", regex.IGNORECASE)


class ContextJudge:
    def __init__(self, cues: LexiconCues, people: PeopleJudge, lexicon: PhiLexicon) -> None:
        self.cues = cues
        self.people = people
        self.places = PlaceJudge(cues, lexicon)

    def decide(
        self, text: str, doc: Doc, ctx: CheckContext, detections: Iterable[Detection]
    ) -> list[Decision]:
        found = [d for d in detections if d.entity is not None or d.kind == "ORGANIZATION"]
        numbers = any(d.entity in ALWAYS_PERSONAL for d in found)
        scene = Scene(text, doc, ctx, self.cues, has_personal_numbers=numbers)
        if scene.is_reply and not numbers:
            # "Hi Bea! Your note said 'text me at 555-014-5519'": a reply that repeats someone's own
            # phone number ties them to the organisation as surely as a record number does.
            scene.has_personal_numbers = any(
                self._personal_phone(scene, d) or writes_home_address(scene, d) for d in found
            )
        persons = [d for d in found if d.kind == "PERSON"]
        calls = self.people.judge(scene, persons)
        decisions: list[Decision] = []
        for d in found:
            if d.kind == "PERSON":
                call = calls[d]
                if call.reason == "organisation" and EMPLOYER.search(scene.before(d.start, 40)):
                    # "a lineman for Canyon Electric Co-op", "41 yrs at Corliss Paper Mill": the
                    # model's person is a company, and the patient's employer
                    decisions.append(self.places.decide(scene, replace(d, kind="ORGANIZATION"), calls))
                    continue
                decisions.append(Decision(d, Entity.PERSON, call.verdict, call.reason, call.consent_id))
                continue
            same = same_name(scene, d, calls)
            if same is not None:
                decisions.append(Decision(d, Entity.PERSON, same.verdict, same.reason, same.consent_id))
                continue
            decision = self._other(scene, d, calls)
            if decision is not None:
                decisions.append(decision)
        return decisions

    def _personal_phone(self, scene: Scene, d: Detection) -> bool:
        if d.entity not in (Entity.PHONE, Entity.FAX):
            return False
        if self._public_number(scene, digits(scene.text[d.start : d.end])):
            return False
        return not self.cues.org_phone.search(scene.words_before(d.start, 6))

    def _public_number(self, scene: Scene, number: str) -> bool:
        return (
            number[-7:] in scene.org_phones
            or number in self.cues.public_numbers
            or _TOLL_FREE.fullmatch(number) is not None
        )

    @staticmethod
    def _apposed_to_cleared(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> bool:
        """An age in apposition ("Betty Sloane, 92,", "At 91, Dr. Lundqvist") to a person context
        cleared (staff, public)."""
        return any(
            call.verdict is Verdict.CLEAR
            and call.reason in NOT_PATIENT_PEOPLE
            and (
                _APPOSED_AGE_GAP.fullmatch(scene.text[person.end : d.start])
                or _AGE_BEFORE_GAP.fullmatch(scene.text[d.end : person.start])
            )
            for person, call in calls.items()
        )

    def _named_just_before(
        self, scene: Scene, d: Detection, calls: dict[Detection, PersonCall]
    ) -> PersonCall | None:
        """ "Call our patient Dana at 555-014-2231": a number right after a patient's name, with
        nothing between them that makes it the organisation's ("Dana, call our front desk at")."""
        for person, call in calls.items():
            gap = scene.text[person.end : d.start]
            if (
                call.verdict is not Verdict.CLEAR
                and person.end <= d.start
                and len(gap) <= _OWNER_GAP
                and not _BREAK.search(gap)
                and not self.cues.org_phone.search(gap)
            ):
                return call
        return None

    def _other(self, scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> Decision | None:
        entity = d.entity or Entity.LOCATION
        value = scene.text[d.start : d.end]
        before = scene.words_before(d.start, 6)
        patient = PersonCall(Verdict.PHI, "patient's identifier")
        if entity is Entity.DATE:
            return self._date(scene, d, calls)
        if entity is Entity.AGE:
            return self._age(scene, d, calls)
        if entity is Entity.LOCATION:
            return self.places.decide(scene, d, calls)
        if entity in (Entity.PHONE, Entity.FAX):
            if self._public_number(scene, digits(value)):
                return Decision(d, entity, Verdict.CLEAR, "organisation's or public number")
            owner = self._named_just_before(scene, d, calls)
            if owner is not None:
                return decision_for(d, entity, owner, "named person's number")
            lead = scene.before(d.start, 40)
            personal = PERSONAL.search(lead) or READERS_NUMBER.search(lead)
            if not personal and self.cues.org_phone.search(before):
                return Decision(d, entity, Verdict.CLEAR, "organisation's number")
            return decision_for(d, entity, patient if linked(scene, d) else None, "not linked to care")
        if entity in (Entity.EMAIL, Entity.URL):
            host_match = _HOST.match(value.split("@")[-1])
            host = host_match.group(1).lower() if host_match else ""
            if scene.owns_domain(host) or any(
                host == p or host.endswith("." + p) for p in self.cues.public_domains
            ):
                return Decision(d, entity, Verdict.CLEAR, "organisation's or public site")
            personal = PERSONAL if scene.is_reply else PERSONAL_IN_POST
            if entity is Entity.URL and not personal.search(scene.sentence_text(d.start)):
                return decision_for(d, entity, named_in_sentence(scene, d, calls), "no person")
            return decision_for(d, entity, patient if linked(scene, d) else None, "not linked to care")
        if entity is Entity.SOCIAL_HANDLE:
            if value.lower().lstrip("@") in scene.org_handles or FOLLOW.search(scene.before(d.start, 80)):
                return Decision(d, entity, Verdict.CLEAR, "organisation's or partner's handle")
            consent = self.people.handle_consent(scene, value)
            if consent is not None:
                return Decision(d, entity, consent.verdict, consent.reason, consent.consent_id)
            if SPONSORED.search(scene.text):
                return Decision(d, entity, Verdict.CLEAR, "a sponsored post's partner or creator")
            if any(
                call.reason == "staff" and HANDLE_OF_NAMED.fullmatch(scene.text, p.end, d.start)
                for p, call in calls.items()
            ):
                return Decision(d, entity, Verdict.CLEAR, "staff member's handle")
            return decision_for(d, entity, patient if linked(scene, d) else None, "not linked to care")
        if entity is Entity.PHOTO:
            return decision_for(d, entity, photo_owner(scene, d, calls), "no person")
        if entity in ALWAYS_PERSONAL:
            if self.cues.product_codes.ends(scene.words_before(d.start, 3)):
                return Decision(d, entity, Verdict.CLEAR, "product code")
            if entity is Entity.LICENSE_NUMBER and staff_licence(scene, d, calls):
                return Decision(d, entity, Verdict.CLEAR, "staff licence")
            if d.kind == "ROOM_BED" and EVENT_ROOM.search(scene.sentence_text(d.start)):
                return Decision(d, entity, Verdict.CLEAR, "event room")
            anchor = patient_of(scene, d, calls) or (patient if scene.care_linked else None)
            return decision_for(d, entity, anchor, "not linked to care")
        return None

    # -- ages -------------------------------------------------------------------------
    def _age(self, scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> Decision:
        entity = Entity.AGE
        if self._apposed_to_cleared(scene, d, calls):
            # "volunteer Betty Sloane, 92, has led ...": the age of the person just named
            return Decision(d, entity, Verdict.CLEAR, "age of someone who is not a patient")
        if scene.names_organisation(scene.before(d.start, 60)):
            return Decision(d, entity, Verdict.CLEAR, "organisation")  # "Kettleby Memorial turns 100"
        if self.cues.persona.search(scene.text) and all(c.verdict is Verdict.CLEAR for c in calls.values()):
            # "a composite character based on many of our residents: he's 94": nobody real
            return Decision(d, entity, Verdict.CLEAR, "persona")
        # "Ninety-four and still the fastest knitter! Philippa has ...": the one patient named
        anchor = patient_of(scene, d, calls) or only_patient(calls)
        if anchor is None and scene.care_linked and ONE_PERSONS_AGE.match(scene.text, d.start):
            # "a 95-year-old retired mail carrier came in after a fall", "the gentleman in room 710
            # turns 103 today": the age is the person
            anchor = PersonCall(Verdict.PHI, "one person's age")
        return decision_for(d, entity, anchor, "no person")

    # -- dates ------------------------------------------------------------------------
    def _date(self, scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> Decision:
        reason = calendar_reason(scene, d)
        if reason is not None:
            return Decision(d, Entity.DATE, Verdict.CLEAR, reason)
        life = names_a_life_event(scene, d)
        # "Tomasz, your flu shot on 10/2": a date in a sentence about a named patient is
        # theirs, whatever event words the sentence also has.
        named = named_in_sentence(scene, d, calls)
        if named is not None and named.verdict is Verdict.PHI:
            return decision_for(d, Entity.DATE, named, "")
        # "Thanks, Hector. Glad we could fit you in the same day (June 4)": a reply's date about
        # "you" is its reader's, unless the sentence invites them to something.
        reader = self._reader(scene, calls) if scene.is_reply else None
        s, _ = scene.sentence(d.start)
        sentence = scene.sentence_text(d.start)
        # the sentence before too: "... confirm your birthday. We have 02/29/1960, is that right?"
        around = scene.sentence_text(max(0, s - 2)) + " " + sentence if s > 0 else sentence
        if reader is not None and SECOND.search(around) and not _INVITATION.search(sentence):
            return decision_for(d, Entity.DATE, reader, "")
        if scene.is_reply and life and SECOND.search(sentence) and not _INVITATION.search(sentence):
            # "We're sorry the detox unit felt short-staffed during your stay in March": a reply
            # unnamed still answers one reviewer, whose care the date then dates
            return decision_for(d, Entity.DATE, PersonCall(Verdict.PHI, "the reply's reader"), "")
        # "his 12/9 memory screening", "your June hip replacement": the date names someone's care
        owned_care = bool(
            _POSSESSIVE.search(scene.before(d.start, 30))
            and self.cues.care.search(scene.words_after(d.end, 3))
        )
        if MONTH_ONLY.fullmatch(scene.text[d.start : d.end]) and not owned_care:
            # A month alone ("in June") is a patient's only beside a named patient.
            return Decision(d, Entity.DATE, Verdict.CLEAR, "month not tied to a named patient")
        s, e = scene.sentence(d.start)
        here = [c for p, c in calls.items() if s <= p.start < e]
        # "Nina sat with her husband through his ablation on Oct. 28": the care of the patient
        # named before, whatever event words ("day", "group") the sentence has
        owner = pronoun_patient(scene, d, calls) if not here else None
        if owner is not None and self.cues.care.search(sentence):
            return decision_for(d, Entity.DATE, owner, "")
        if not (life or owned_care) and self.cues.events.search(sentence):
            return Decision(d, Entity.DATE, Verdict.CLEAR, "event date")
        if here and all(c.verdict is Verdict.CLEAR and c.reason in _NOT_PATIENTS for c in here):
            # "Florence Nightingale was born on 12 May 1820": the only person here is a public figure
            return Decision(d, Entity.DATE, Verdict.CLEAR, "date of someone who is not a patient")
        if (
            here
            and all(c.verdict is Verdict.CLEAR and c.reason == "staff" for c in here)
            and not SECOND.search(sentence)
            and not self.cues.care.search(sentence)
        ):
            # "Kofi celebrates on Dec. 1", "our PA Gwen Hartley, who married on Oct. 10": staff's own
            # day (not "Dr. Lee moved your surgery to May 3": someone's care is in that sentence)
            return Decision(d, Entity.DATE, Verdict.CLEAR, "staff member's date")

        anchor = patient_of(scene, d, calls)
        if anchor is None and self.cues.care.search(sentence) and not scene.names_organisation(sentence):
            # "Welcome back Coach Ames! Out of our ortho boot as of Sept 5th": care dated in a
            # post about one patient is that patient's (not "on Feb 2, 1996, Harborlight made its
            # first home visit": the organisation's own history)
            anchor = only_patient(calls)
        if anchor is None and (life or _POSSESSIVE.search(scene.before(d.start, 30))) and scene.care_linked:
            anchor = PersonCall(Verdict.PHI, "patient's date")
        return decision_for(
            d, Entity.DATE, anchor if (life or anchor) else None, "date not tied to a patient"
        )

    def _reader(self, scene: Scene, calls: dict[Detection, PersonCall]) -> PersonCall | None:
        """Who a reply answers: a patient it names, or the handle it opens with."""
        named = any_patient(calls)
        handle = _OPENING_HANDLE.match(scene.text)
        if named is None and handle is not None and handle.group(1).lower() not in scene.org_handles:
            return PersonCall(Verdict.PHI, "the reply's reader")
        return named
