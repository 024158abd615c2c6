"""Patient status: text that confirms or implies an identifiable person is or was a patient.

HIPAA forbids confirming a care relationship without authorization, and OCR has
fined practices for review replies that did exactly that, even when the reviewer
had said it first (REGULATORY_RULES PHI-04). Two shapes matter:

* replies (review responses, comment replies): the reader is identifiable, so any
  reference to their own visit, treatment, condition, records, coverage or bill
  confirms status ("your visit last Tuesday", "our records show", "as your dentist");
* any text: an identifiable person (a name, a handle, a room or record number)
  linked to care here ("our patient Maria", "his hip replacement", "in bed 7"),
  unless a valid consent in the context covers that person.

The checks are lexical (the shared spaCy doc has no parser): word lists and
patterns live in data/lexicons/patient_status.yaml. Generic replies and general
education ("patients with diabetes should...") stay clean because every finding
needs either a reply's reader or an identifiable person in the same sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, ContentType
from guardrails.datafiles import load_data_file
from guardrails.findings import Category, Finding, Severity
from guardrails.phi.wording import HANDLE_OF_NAMED, SPONSORED
from guardrails.registry import RuleFamily, RuleResources, RuleSpec
from guardrails.rules.patient_status_lexicon import CompiledLexicon, PatientStatusLexicon
from guardrails.rules.person_mentions import (
    NAMES_LEXICON,
    Mention,
    Token,
    consented,
    is_staff,
    load_name_words,
    people_of,
    singular,
    staff_words,
)

_CITATION = "45 CFR 164.502(a); OCR review-reply settlements (REGULATORY_RULES PHI-04)"
_REPLIES = frozenset({ContentType.REVIEW_RESPONSE, ContentType.COMMENT_REPLY})
# Singular pronouns only: "their" and "them" are too often a generic plural ("patients and their families").
_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "you"})
_THIRD_PERSON_POSSESSIVES = frozenset({"his", "her"})
# "your", and how a reply typed on a phone writes it ("ur visit yesterday")
_YOUR = frozenset({"your", "ur", "yr"})
# After "your twins", "their shots" is the reader's family too.
_FAMILY_POSSESSIVES = _THIRD_PERSON_POSSESSIVES | {"their"}
_Span = tuple[str, int, int]  # rule id, start, end in the normalised text
_SCAN_LIMIT = 5  # words between a possessive and its care term ("his last round of maintenance chemo")
_OF = frozenset({"of"})
_LOOKBACK = 2  # sentences in which a pronoun's name may stand
# Folded to ASCII quotes so one pattern covers both; same length keeps offsets.

_REPLY_FIX = (
    "Reply generically (thank them, say you take every concern seriously) without confirming "
    "that they are a patient or mentioning any care, and move the conversation to a private "
    "channel such as a phone number."
)
_POST_FIX = (
    "Remove the person's name or other identifier, or the care details; if the patient agreed, "
    "reference their signed authorization in the context's consents."
)


class PatientStatusOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lexicon: str = Field(
        default="lexicons/patient_status.yaml",
        description="Lexicon file, relative to guardrails/data or absolute",
    )
    names_lexicon: str = Field(
        default=NAMES_LEXICON,
        description="Name-detection word lists, relative to guardrails/data or absolute",
    )


class _Scene:
    """One text as the rules see it: tokens, sentences and the people who may be patients."""

    def __init__(
        self,
        text: str,
        tokens: list[Token],
        sentences: list[tuple[int, int]],
        patients: list[Mention],
        staff_ends: list[int],
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.sentences = sentences
        self.patients = patients  # not staff, not covered by a valid consent
        self.staff_ends = staff_ends  # where a staff member's name ends (titled, or in the directory)
        self._starts = [start for start, _ in sentences]
        self.token_sentence = [self.sentence_of(t.start) for t in tokens]
        self._by_sentence: list[list[Token]] = [[] for _ in sentences]
        for token, sentence in zip(tokens, self.token_sentence, strict=True):
            self._by_sentence[sentence].append(token)

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect_right(self._starts, offset) - 1)

    def patients_in(self, first: int, last: int) -> list[Mention]:
        return [m for m in self.patients if first <= self.sentence_of(m.start) <= last]

    def tokens_in(self, sentence: int) -> list[Token]:
        return self._by_sentence[sentence] if 0 <= sentence < len(self._by_sentence) else []


class PatientStatusFamily(RuleFamily):
    name = "patient_status"
    specs = (
        RuleSpec(
            "patient_status.record_reference",
            Category.PATIENT_STATUS,
            Severity.BLOCK,
            _CITATION,
            "Refers to the organisation's records, chart or files about the reader or a named person.",
        ),
        RuleSpec(
            "patient_status.care_relationship",
            Category.PATIENT_STATUS,
            Severity.BLOCK,
            _CITATION,
            "A reply that states a care relationship with its reader ('as your dentist').",
        ),
        RuleSpec(
            "patient_status.reply_detail",
            Category.PATIENT_STATUS,
            Severity.BLOCK,
            _CITATION,
            "A reply that mentions the reader's own visit, treatment, condition, coverage or bill.",
        ),
        RuleSpec(
            "patient_status.identified_patient",
            Category.PATIENT_STATUS,
            Severity.BLOCK,
            "45 CFR 164.502(a); 45 CFR 164.508(a)(3) (REGULATORY_RULES PHI-04, PHI-05)",
            "An identifiable person linked to care here, without a valid consent on file.",
        ),
        RuleSpec(
            "patient_status.patient_identifier",
            Category.PATIENT_STATUS,
            Severity.BLOCK,
            "45 CFR 164.502(a); 45 CFR 164.514(b)(2)(i) (REGULATORY_RULES PHI-01, PHI-04)",
            "Points at one patient by room, bed, record, prescription or patient number.",
        ),
    )
    Options = PatientStatusOptions

    _lexicon: CompiledLexicon | None = None

    def prepare(self, resources: RuleResources) -> None:
        assert isinstance(self.options, PatientStatusOptions)
        raw = load_data_file(self.options.lexicon, PatientStatusLexicon)
        self._lexicon = CompiledLexicon.of(raw, load_name_words(self.options.names_lexicon))

    @property
    def lexicon(self) -> CompiledLexicon:
        if self._lexicon is None:
            raise RuntimeError("patient_status family used before prepare()")
        return self._lexicon

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        scene = self._scene(text, ctx)
        reply = ctx.content_type in _REPLIES
        spans = self._reply_spans(scene) if reply else []
        spans += self._identified_spans(scene, reply=reply)
        kept: list[_Span] = []
        for rule_id, start, end in sorted(spans, key=lambda s: (s[1], -s[2])):
            if any(r == rule_id and start < e and s < end for r, s, e in kept):
                continue  # one finding per phrase and rule
            kept.append((rule_id, start, end))
        for rule_id, start, end in kept:
            yield self.finding(
                rule_id,
                _MESSAGES[rule_id],
                span=text.span(start, end),
                suggestion=_REPLY_FIX if reply else _POST_FIX,
            )

    def _scene(self, text: AnalyzedText, ctx: CheckContext) -> _Scene:
        assert isinstance(self.options, PatientStatusOptions)
        people = people_of(text, ctx, self.lexicon.names, self.options.names_lexicon)
        staff = staff_words(ctx)
        patients = [
            m for m in people.mentions if not is_staff(m, staff) and consented(m, ctx.consents, ctx) is None
        ]
        staff_ends = [m.end for m in people.mentions if is_staff(m, staff)]
        for member in ctx.organisation.staff:
            staff_ends += [m.end() for m in re.finditer(re.escape(member.name), people.text)]
        return _Scene(people.text, people.tokens, people.sentences, patients, staff_ends)

    # -- replies: the reader is identifiable -----------------------------------------------

    def _reply_spans(self, scene: _Scene) -> list[_Span]:
        lex = self.lexicon
        spans: list[_Span] = []
        for rule_id, patterns in (
            ("patient_status.record_reference", lex.record),
            ("patient_status.care_relationship", lex.relationship),
            ("patient_status.reply_detail", lex.reply),
        ):
            for pattern in patterns:
                spans += [(rule_id, *m.span()) for m in pattern.finditer(scene.text)]
        terms = lex.care | lex.conditions | lex.reply_terms
        for index, token in enumerate(scene.tokens):
            hit = None
            if token.bare in _YOUR:
                hit = self._scan(scene, index, terms)
                if self._booking(scene, index):
                    hit = None
            elif token.bare in {"the", "those", "these", "that"}:
                # "the color of crowns": "of" ends the phrase "the" opened
                hit = self._scan(scene, index, lex.items, limit=3, stop=_OF)
                if hit is not None and not self._specific(scene, index, hit):
                    hit = None
                if hit is None and self._feeling_before(scene, index):
                    # "glad the brace is helping", "sorry the refill was late": a feeling about
                    # one specific piece of care can only be about the reader's own.
                    hit = self._scan(scene, index, lex.items | lex.care | lex.conditions, limit=3)
            elif token.bare in _FAMILY_POSSESSIVES and self._reader_family(scene, index):
                hit = self._scan(scene, index, lex.care | lex.conditions)
            if hit is not None:
                spans.append(("patient_status.reply_detail", token.start, scene.tokens[hit].end))
        return [span for span in spans if not self._conditional(scene, span[1])]

    def _specific(self, scene: _Scene, determiner: int, hit: int) -> bool:
        """ "those stitches" is always the reader's; "the prescription" unless it names a program."""
        if scene.tokens[determiner].bare != "the":
            return True
        return hit + 1 >= len(scene.tokens) or scene.tokens[hit + 1].bare not in {"drug", "drugs", "savings"}

    def _reader_family(self, scene: _Scene, index: int) -> bool:
        """ "your son ... his stitches": the reader's relative, so still the reader's care."""
        sentence = scene.token_sentence[index]
        nearby = [t for s in (sentence - 1, sentence) for t in scene.tokens_in(s)]
        return any(
            a.bare in _YOUR and singular(b.bare) in self.lexicon.relatives for a, b in pairwise(nearby)
        )

    # -- identifiable people (any content type) ---------------------------------------------

    def _identified_spans(self, scene: _Scene, *, reply: bool) -> list[_Span]:
        lex = self.lexicon
        spans: list[_Span] = []
        for pattern in lex.identifying:
            spans += [("patient_status.patient_identifier", *m.span()) for m in pattern.finditer(scene.text)]
        if any(p.search(scene.text) for p in lex.fiction):
            return spans  # a composite persona or an actor: nobody real to identify
        if not scene.patients:
            return spans  # every rule below needs a person who may be a patient
        public = {
            i
            for i, (s, e) in enumerate(scene.sentences)
            if any(p.search(scene.text, s, e) for p in lex.public)
        }
        # Named-patient phrases need the name beside them; settings may refer back by pronoun.
        groups = [(lex.named, False), (lex.settings, True)]
        if not reply:  # in a reply these already count; in a post they need a person
            groups += [(lex.record, False), (lex.relationship, True)]
        for patterns, lookback in groups:
            for pattern in patterns:
                for m in pattern.finditer(scene.text):
                    sentence = scene.sentence_of(m.start())
                    if sentence not in public and self._person_near(scene, sentence, lookback=lookback):
                        spans.append(("patient_status.identified_patient", *m.span()))
        spans += self._possessive_spans(scene, public, reply=reply)
        spans += self._handle_spans(scene, public)
        return spans

    def _person_near(self, scene: _Scene, sentence: int, *, lookback: bool) -> bool:
        first = sentence - _LOOKBACK if lookback and self._has_pronoun(scene, sentence) else sentence
        return bool(scene.patients_in(max(0, first), sentence))

    def _possessive_spans(self, scene: _Scene, public: set[int], *, reply: bool) -> list[_Span]:
        """ "his hip replacement", "Tobi's ear infection", "Welcome, Kofi! ... your new sensor"."""
        lex = self.lexicon
        terms = lex.care | lex.conditions
        spans: list[_Span] = []
        for index, token in enumerate(scene.tokens):
            sentence = scene.token_sentence[index]
            third = token.bare in _THIRD_PERSON_POSSESSIVES
            second = token.bare in _YOUR and not reply
            named = token.possessive and token.text[0].isupper()
            if sentence in public or not (third or second or named):
                continue
            hit = self._scan(scene, index, terms)
            if hit is None or self._conditional(scene, token.start):
                continue
            if second:
                # Posts speak to everyone; "your" is one person only right after a greeting by name.
                found = not self._booking(scene, index) and any(
                    m.addressed for m in scene.patients_in(max(0, sentence - 1), sentence)
                )
            elif third:
                found = self._person_near(scene, sentence, lookback=True)
            else:
                found = any(m.start <= token.start < m.end for m in scene.patients)
            if found:
                spans.append(("patient_status.identified_patient", token.start, scene.tokens[hit].end))
        return spans

    def _handle_spans(self, scene: _Scene, public: set[int]) -> list[_Span]:
        """A person's handle next to care words ("checkups for all four kids? @the_crew did it!")."""
        spans: list[_Span] = []
        if SPONSORED.search(scene.text):
            return spans  # a collaboration's handles are its creators' and partners'
        for mention in scene.patients:
            sentence = scene.sentence_of(mention.start)
            if not mention.handle or sentence in public or self._staff_handle(scene, mention):
                continue
            nearby = [t for s in range(sentence - 1, sentence + 2) for t in scene.tokens_in(s)]
            if any(self._term(t, self.lexicon.care) for t in nearby):
                spans.append(("patient_status.identified_patient", mention.start, mention.end))
        return spans

    @staticmethod
    def _staff_handle(scene: _Scene, handle: Mention) -> bool:
        """ "Marisol Grant, DPT (@marisol.moves.pt)": the handle of the staff member just named."""
        return any(
            end <= handle.start and HANDLE_OF_NAMED.fullmatch(scene.text, end, handle.start)
            for end in scene.staff_ends
        )

    # -- helpers -------------------------------------------------------------------------

    def _scan(
        self,
        scene: _Scene,
        index: int,
        terms: frozenset[str],
        limit: int = _SCAN_LIMIT,
        stop: frozenset[str] = frozenset(),
    ) -> int | None:
        """Index of a care term in the noun phrase that starts after token `index`, if any."""
        lex = self.lexicon
        tokens = scene.tokens
        upcoming = False  # "your next ...": a future visit says nothing, a named treatment does
        for j in range(index + 1, min(index + 1 + limit, len(tokens))):
            if scene.text[tokens[j - 1].end : tokens[j].start].strip():
                return None  # punctuation ends the phrase
            word = tokens[j].bare
            if self._term(tokens[j], terms):
                blocked = j + 1 < len(tokens) and singular(tokens[j + 1].bare) in lex.blockers
                if upcoming and singular(word) in lex.encounters:
                    blocked = True
                return None if blocked else j
            if word in lex.generic:
                upcoming = True
                continue
            if word in lex.stopwords or word in stop:
                return None
            if word in lex.generic_you and tokens[index].bare in _YOUR:
                return None
        return None

    def _term(self, token: Token, terms: frozenset[str]) -> bool:
        word = token.bare
        if word in terms or singular(word) in terms:
            return True
        # Procedure endings count wherever care terms do ("mastectomy", "angioplasty").
        return not terms.isdisjoint(self.lexicon.care) and singular(word).endswith(self.lexicon.suffixes)

    def _booking(self, scene: _Scene, index: int) -> bool:
        """An invitation ("book your cleaning", "to schedule your visit") in the same clause."""
        sentence = scene.token_sentence[index]
        return any(
            scene.tokens[j].bare in self.lexicon.booking and scene.token_sentence[j] == sentence
            for j in range(max(0, index - 2), index)
        )

    def _feeling_before(self, scene: _Scene, index: int) -> bool:
        sentence = scene.token_sentence[index]
        return any(
            scene.tokens[j].bare in self.lexicon.feelings and scene.token_sentence[j] == sentence
            for j in range(max(0, index - 3), index)
        )

    def _conditional(self, scene: _Scene, offset: int) -> bool:
        """ "If your child has a fever..." is advice to anyone, not a statement about the reader."""
        start, _ = scene.sentences[scene.sentence_of(offset)]
        return any(start <= t.start < offset and t.bare in self.lexicon.conditional for t in scene.tokens)

    def _has_pronoun(self, scene: _Scene, sentence: int) -> bool:
        return any(t.bare in _PRONOUNS for t in scene.tokens_in(sentence))


_MESSAGES = {
    "patient_status.record_reference": (
        "This text refers to the organisation's records about a specific person, which confirms "
        "that they are a patient."
    ),
    "patient_status.care_relationship": (
        "This reply states that the reader has a care relationship with the organisation, which "
        "confirms that they are a patient."
    ),
    "patient_status.reply_detail": (
        "This reply mentions the reader's own care, condition, visit, coverage or bill. That confirms "
        "they are a patient, even if they disclosed it first."
    ),
    "patient_status.identified_patient": (
        "This text links an identifiable person to care here, which discloses that they are a "
        "patient, and no valid consent in the context covers them."
    ),
    "patient_status.patient_identifier": (
        "This text points at one specific patient (a room, bed, record, prescription or patient "
        "number), which discloses that they are a patient."
    ),
}
