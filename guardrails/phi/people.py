"""Whose name is it? Staff, public figures, personas and consented patients are told apart here.

Every other private person in a text about someone's care is a patient or a
patient's relative: their name is PHI (45 CFR 164.514(b)(2)(i)(A)).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import regex  # type: ignore[import-untyped]

from guardrails.context import Consent, ContentType
from guardrails.findings import Entity
from guardrails.phi.engine import Detection
from guardrails.phi.scene import Scene, words
from guardrails.phi.verdicts import Decision, Verdict
from guardrails.phi.wording import care_for_addressee

_QUOTED = regex.compile(r"['\"‘“]\s*(\p{Lu}[\p{L}'-]*(?:\s\p{Lu}[\p{L}'-]*){0,2})\s*[,.!?]?\s*['\"’”]")
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)s?\b")
_APPOSITION = regex.compile(
    r"\s*(?:,|\()\s*(?:(?:our|the|a|an|is\s+our|is\s+a|my|his|her)\s+)?((?:[\w-]+\s+){0,3}[\w-]+)(?=\s*(?:[,.;:!?)]|$))"
)
# A volunteer or an employee who is also a patient: the care relationship is what matters.
_ALSO_A_PATIENT = regex.compile(
    r"\b(?:a\s+patient\s+of\s+ours|(?:also|herself|himself)\s+(?:a|our)\s+patient|(?:a|our)\s+patient\s+"
    r"(?:here\s+)?(?:since|for\s+(?:\d+|many|over)))\b",
    regex.IGNORECASE,
)
_OF_THE_MONTH = regex.compile(
    r"\bof\s+the\s+(?:month|year|quarter|week)(?:\s+(?:is|goes\s+to|award\s+goes\s+to))?\s*[:,-]?\s*$",
    regex.IGNORECASE,
)
_OWNER_BEFORE = regex.compile(r"\b(?:their|his|her|my)\s+(?:[\p{L}'’-]+\s+){0,2}$", regex.IGNORECASE)
_DONATED_AFTER = regex.compile(
    r"^\s*(?:(?:and\s+\p{L}+\s+)?famil(?:y|ies)\s+|,?\s*who\s+(?:have\s+|has\s+)?)?(?:(?:generously|kindly)\s+)?"
    r"(?:(?:have|has)\s+(?:given|pledged|contributed)|donated|donates|gave|gifted|funded|funds|sponsored"
    r"|sponsors|raised|pledged|endowed)\b",
    regex.IGNORECASE,
)
_CONTACT_BEFORE = regex.compile(
    r"\b(?:call|ask\s+for|contact|speak\s+(?:with|to)|talk\s+(?:with|to)|reach\s+out\s+to|text|email|e-mail)\s+$",
    regex.IGNORECASE,
)
_CONTACT_AFTER = regex.compile(
    r"\s*,?\s*(?:at|on|in)\s+(?:(?:our|the)\b|\(?\+?\d[\d\s().-]{5,}|[\w.+-]+@)", regex.IGNORECASE
)
# In a reply, "Farida will call you at ...", "Noor wants to see you Thursday": someone who acts
# for the organisation towards the reader.
_ROLE_CLAUSE = regex.compile(
    r"\s*,\s*who\b[^.!?;]{0,60}?\bas\s+(?:a|an|our)\s+((?:[\w-]+\s+){0,2}?[\w-]+)(?=\s+(?:for|since|in|at|on)\b|\s*[,.;:!?)]|$)",
    regex.IGNORECASE,
)
_ACTS_FOR_US = regex.compile(
    r"^\s*(?:will|would|can|could|(?:would\s+)?(?:wants|likes?|loves?)\s+to|is\s+(?:going|happy|glad)\s+to|['’]ll)"
    r"\s+(?:(?:personally|gladly|happily|also)\s+)?"
    r"(?:call|text|e-?mail|see|reach\s+out\s+to|contact|follow\s+up\s+with|get\s+back\s+to|meet)\s+you\b",
    regex.IGNORECASE,
)
_PRESENT = regex.compile(
    r"\b(?:today|tonight|now|still|currently|this\s+(?:week|month|year)|turns?|birthday|years?\s+old)\b",
    regex.IGNORECASE,
)
_SINCE = regex.compile(r"\bsince\s+$", regex.IGNORECASE)
_FIRST_PERSON = regex.compile(r"\b(?:our|we|us)\b", regex.IGNORECASE)
# Reasons strong enough to be inherited by other mentions of the same name.
STRONG_REASONS = frozenset({"staff", "public figure", "persona", "consent", "organisation", "eponym"})


def _short_form(mention: frozenset[str], tokens: frozenset[str]) -> bool:
    """ "Meet Samuel Odhiambo, RN ... Thank you, Sam!": a first name's short form (its first three
    letters or more) is the same person."""
    if len(mention) != 1:
        return False
    (word,) = mention
    return len(word) >= 3 and any(t != word and t.startswith(word) for t in tokens)


@dataclass(frozen=True, slots=True)
class PersonCall:
    verdict: Verdict
    reason: str
    consent_id: str | None = None


def decision_for(d: Detection, entity: Entity, anchor: PersonCall | None, reason: str) -> Decision:
    """The decision an identifier takes from the person it belongs to; clear, for `reason`, when
    it belongs to no one."""
    if anchor is None:
        return Decision(d, entity, Verdict.CLEAR, reason)
    return Decision(d, entity, anchor.verdict, anchor.reason, anchor.consent_id)


_COMPANY_BEFORE = regex.compile(
    r"\b(?:(?:friends|folks|team|partners|people)\s+(?:at|from)"
    # "Paid partnership with Calmly", "brought to you by Pulsetrack": the sponsor
    r"|(?:partnership|partnering|partnered|collaboration|collab)\s+with"
    r"|(?:sponsored|brought\s+to\s+you|presented|powered|made\s+possible)\s+by)\s+$",
    regex.IGNORECASE,
)
# "Thanks to Tumbletot for sending us a box of their new teething rings", "to PureAir Home for
# partnering with us": a company thanked for what companies do
_COMPANY_AFTER = regex.compile(
    r"^\s+for\s+(?:partnering|teaming\s+up|sending\s+(?:us|our\s+[\w-]+)\b[^.!?\n]{0,40}?"
    r"\b(?:their|its)\s+new)\b",
    regex.IGNORECASE,
)
_TEAM_AFTER = regex.compile(
    r"\s+(?:from|of|on)\s+our\s+(?:[\w-]+\s+){0,2}(?:team|staff|crew)\b", regex.IGNORECASE
)
_CAMEL_HUMP = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")


def _tokens(name: str) -> list[str]:
    return [t for t in words(name.replace(".", " ")) if t]


def _hint_names(consent: Consent) -> list[list[str]]:
    """'Benicio Alvarado (parent: Marisol Alvarado)' -> [[benicio, alvarado], [marisol, alvarado]]."""
    hint = consent.subject_hint
    names = [regex.sub(r"\([^)]*\)", " ", hint)]
    names += [inner.split(":", 1)[1] for inner in regex.findall(r"\(([^)]*:[^)]*)\)", hint)]
    # "Okonkwo family (parents Ngozi and Emeka; twins Ada and Obi)": everyone the hint names
    names += [
        part for inner in regex.findall(r"\(([^)]*)\)", hint) for part in regex.split(r"[;,]|\band\b", inner)
    ]
    return [_tokens(name) for name in names if _tokens(name)]


def _token_match(mention: str, hint: str) -> bool:
    if mention == hint:
        return True
    # An initial ("Maria L.") matches the full word it abbreviates, either way round.
    return (len(hint) == 1 and mention.startswith(hint)) or (len(mention) == 1 and hint.startswith(mention))


def _matches_hint(mention: list[str], hint: list[str]) -> bool:
    return bool(mention) and all(any(_token_match(m, h) for h in hint) for m in mention)


class PeopleJudge:
    """Classifies every PERSON detection of a scene."""

    def __init__(self, public_figures: frozenset[str]) -> None:
        self._figures = public_figures
        self._figure_tokens = [frozenset(_tokens(name)) for name in public_figures]

    def judge(self, scene: Scene, persons: list[Detection]) -> dict[Detection, PersonCall]:
        personas = self._persona_names(scene)
        calls = {d: self._judge_one(scene, d, personas) for d in persons}
        # A later "Walter" or "Dr. Aasen" is the same person as an earlier full mention:
        # a strong call (staff, consent...) carries over to mentions that lack the cue.
        strong = [(frozenset(_tokens(scene.text[d.start : d.end])), c) for d, c in calls.items()]
        strong = [(t, c) for t, c in strong if c.reason in STRONG_REASONS]
        for detection, call in list(calls.items()):
            if call.reason in STRONG_REASONS:
                continue
            mention = frozenset(_tokens(scene.text[detection.start : detection.end]))
            for tokens, other in strong:
                if mention and (mention <= tokens or _short_form(mention, tokens)):
                    calls[detection] = other
                    break
        return calls

    def _judge_one(self, scene: Scene, d: Detection, personas: set[str]) -> PersonCall:
        name = scene.text[d.start : d.end]
        tokens = _tokens(name)
        if scene.cues.eponym.match(scene.text[d.end : d.end + 30]):
            return PersonCall(Verdict.CLEAR, "eponym")
        if " ".join(tokens) in scene.product_names or scene.names_product(name):
            return PersonCall(Verdict.CLEAR, "product")
        if self._is_persona(scene, d, tokens, personas):
            return PersonCall(Verdict.CLEAR, "persona")
        if self._is_staff(scene, d, tokens):
            return PersonCall(Verdict.CLEAR, "staff")
        if self._is_public(scene, d, tokens):
            return PersonCall(Verdict.CLEAR, "public figure")
        if self._is_donor(scene, d):
            return PersonCall(Verdict.CLEAR, "donor")
        if self._names_a_thing(scene, d, tokens):
            return PersonCall(Verdict.CLEAR, "organisation")  # "our friends at Kinetix Tape"
        # "MyOakhaven": the organisation's name inside a product's one word
        camel = _tokens(_CAMEL_HUMP.sub(" ", name)) if len(tokens) == 1 else []
        if not scene.cues.honorifics.ends(scene.words_before(d.start, 1)) and (
            scene.is_org_place(name)
            or (d.score < 0.7 and any(t in scene.org_words for t in tokens))
            or (len(camel) > 1 and any(t in scene.org_words for t in camel))
        ):
            return PersonCall(Verdict.CLEAR, "organisation")
        consent = self._name_consent(scene, tokens)
        if consent is not None:
            return consent
        if self._is_animal(scene, d):
            return PersonCall(Verdict.CLEAR, "animal")
        # A comment reply answers someone in public: they are a patient only when the
        # reply ties care to them ("your refill"), not when it answers a general question.
        linked = scene.care_linked
        if scene.ctx.content_type is ContentType.COMMENT_REPLY:
            addressed_formally = scene.cues.honorifics.ends(scene.words_before(d.start, 1))
            linked = (
                scene.personal_care
                or addressed_formally
                or scene.has_personal_numbers
                or care_for_addressee(scene, d)
            )
        if linked:
            return PersonCall(Verdict.PHI, "patient or relative")
        return PersonCall(Verdict.CLEAR, "not linked to care")

    @staticmethod
    def _names_a_thing(scene: Scene, d: Detection, tokens: list[str]) -> bool:
        """ "our friends at Kinetix Tape", "Paid partnership with Calmly", "the Pulsetrack Band",
        "Snugglebug sleep sacks", "pulsetrack.example.com": a company, a brand, a product or a
        programme. A person's name is not followed by such a noun (a possessive is: "Maya's
        app"), nor is it the first label of a web address in the same text. One such mention
        makes every mention of the name a brand ("... with Calmly. Calmly's prompts")."""
        name = scene.text[d.start : d.end]
        if len(tokens) == 1 and tokens[0] in scene.web_labels:
            return True
        if len(tokens) > 1 and scene.cues.things.ends(name):
            return True
        for mention in regex.finditer(rf"(?<!\w){regex.escape(name)}(?!\w)", scene.text):
            after = scene.text[mention.end() : mention.end() + 80]
            if (
                _COMPANY_BEFORE.search(scene.before(mention.start(), 30))
                or scene.cues.things.starts(after[:30])
                or _COMPANY_AFTER.match(after)
            ):
                return True
        return False

    @staticmethod
    def _is_animal(scene: Scene, d: Detection) -> bool:
        """ "Biscuit, our therapy dog", and "her rescue dog, Biscuit" or "our therapy dog Luna"."""
        after = _APPOSITION.match(scene.after(d.end, 60))
        if after is not None and scene.cues.animals.ends(after.group(1)):
            return True
        return scene.cues.animals.ends(scene.words_before(d.start, 1))

    # -- staff -----------------------------------------------------------------------
    def _is_staff(self, scene: Scene, d: Detection, tokens: list[str]) -> bool:
        cues = scene.cues
        before = scene.before(d.start, 40)
        if cues.staff_titles.ends(before) and not cues.honorifics.ends(before):
            return True
        if cues.credentials.match(scene.text[d.end : d.end + 24]):
            return True
        if tokens and any(set(tokens) <= staff for staff in scene.staff_names):
            return True
        if _ALSO_A_PATIENT.search(scene.sentence_text(d.start)):
            return False  # "Edna, our longest-serving volunteer... and a patient of ours since 1988"
        # "Our volunteer of the month is Gary Holt": an award the organisation gives its people
        if _OF_THE_MONTH.search(before) and cues.staff_roles.search(before):
            return True
        # "our pharmacist Lena Ortiz", "Carmen, our intake coordinator"
        if cues.staff_roles.ends(scene.words_before(d.start, 2)) and "patient" not in before.lower()[-12:]:
            return True
        after = scene.after(d.end, 60)
        apposition = regex.match(
            r"\s*,\s*(?:(?:our|the|a|an|is\s+our|is\s+a|one\s+of\s+our|one\s+of\s+the)\s+)?((?:[\w-]+\s+){0,3}[\w-]+)"
            r"(?=\s*(?:[,.;:!?)]|$))",
            after,
        )
        if apposition:
            role = apposition.group(1)
            # "one of our surgical techs": a plural role names one of them
            if cues.staff_roles.ends(role) or (role.endswith("s") and cues.staff_roles.ends(role[:-1])):
                return True
        # "Hal Jensen, who greeted visitors at our front desk as a volunteer for 22 years"
        role_clause = _ROLE_CLAUSE.match(scene.after(d.end, 120))
        if role_clause and cues.staff_roles.ends(role_clause.group(1)):
            return True
        if scene.is_reply and _ACTS_FOR_US.match(scene.after(d.end, 60)):
            return True
        # "Teresa from our psychiatry team", "Luis on our night-shift crew"
        if _TEAM_AFTER.match(scene.after(d.end, 60)):
            return True
        # "Please call Carmen at 555-0150", "ask for Tori at our front desk": the
        # organisation's contact person, named so the reader can reach them.
        if _CONTACT_BEFORE.search(scene.before(d.start, 30)) and _CONTACT_AFTER.match(scene.after(d.end, 40)):
            return True
        sentence = scene.sentence_text(d.start)
        return (
            cues.staff.search(sentence)
            and not cues.relations.search(sentence)
            and not cues.date_life.search(sentence)
            and not cues.patient_nouns.search(sentence)
        )

    @staticmethod
    def _is_donor(scene: Scene, d: Detection) -> bool:
        """ "The Johnson family donated a new playroom": a donor, unless the sentence also tells of
        someone's care ("... after their son's stay in our NICU")."""
        if not _DONATED_AFTER.match(scene.after(d.end, 40)):
            return False
        sentence = scene.sentence_text(d.start)
        if scene.cues.patient_nouns.search(sentence):
            return False
        # "after their son's stay", "after his own surgery here": someone's care is in the story
        kin = scene.cues.relations.finditer(sentence)
        care = scene.cues.care_iter(sentence)
        return not any(_OWNER_BEFORE.search(sentence, 0, match.start()) for match in [*kin, *care])

    # -- public and historical figures -----------------------------------------------
    def _is_public(self, scene: Scene, d: Detection, tokens: list[str]) -> bool:
        lowered = " ".join(tokens)
        if lowered in self._figures or " ".join(words(scene.text[d.start : d.end])) in self._figures:
            return True
        if scene.cues.public_titles.ends(scene.words_before(d.start, 2)):
            return True
        if len(tokens) >= 2 and any(set(tokens) <= figure for figure in self._figure_tokens):
            return True
        # A name in a sentence about a past year, with no care cue and no "our/we":
        # history, not a patient story.
        sentence = scene.sentence_text(d.start)
        # not "hadn't seen the ocean since 1974": a life that runs until now
        years = [
            int(m.group(1)) for m in _YEAR.finditer(sentence) if not _SINCE.search(sentence, 0, m.start())
        ]
        old = any(y <= scene.ctx.check_date.year - 30 for y in years)
        return (
            old
            and not scene.cues.care.search(sentence)
            and not _FIRST_PERSON.search(sentence)
            and not _PRESENT.search(sentence)
        )

    # -- fictional personas ----------------------------------------------------------
    def _persona_names(self, scene: Scene) -> set[str]:
        if not scene.cues.persona.search(scene.text):
            return set()
        return {" ".join(_tokens(m)) for m in _QUOTED.findall(scene.text)}

    def _is_persona(self, scene: Scene, d: Detection, tokens: list[str], personas: set[str]) -> bool:
        if not personas and not scene.cues.persona.search(scene.text):
            return False
        joined = " ".join(tokens)
        if any(joined == p or set(tokens) <= set(p.split()) for p in personas):
            return True
        return scene.cues.persona.search(scene.sentence_text(d.start))

    # -- consent ---------------------------------------------------------------------
    def handle_consent(self, scene: Scene, handle: str) -> PersonCall | None:
        """The consent whose hint gives this handle ("Maya Lin (@mindful.maya)"), if any."""
        # the whole handle: a consent for "@mayalin" does not cover "@maya"
        given = regex.compile(rf"@{regex.escape(handle.lstrip('@'))}(?![\w.])", regex.IGNORECASE)
        return self._consent(scene, lambda c: given.search(c.subject_hint) is not None)

    def _name_consent(self, scene: Scene, tokens: list[str]) -> PersonCall | None:
        return self._consent(scene, lambda c: any(_matches_hint(tokens, hint) for hint in _hint_names(c)))

    @staticmethod
    def _consent(scene: Scene, names: Callable[[Consent], bool]) -> PersonCall | None:
        """The verdict of the consents whose hint `names` this person: valid, or on file but not
        valid for this use."""
        ctx = scene.ctx
        matched_invalid = False
        for consent in ctx.consents:
            if not names(consent):
                continue
            if consent.covers(on=ctx.check_date, platform=ctx.platform, content_type=ctx.content_type):
                return PersonCall(Verdict.CONSENTED, "consent", consent.id)
            matched_invalid = True
        if matched_invalid:
            return PersonCall(Verdict.PHI, "consent not valid for this use")
        return None
