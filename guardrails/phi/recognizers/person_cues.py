"""Names in the slots where social posts put people, which a small NER model often misses.

"Mrs. Adeyemi", "her daughter Keisha", "proud parents Chidi and Ifeoma", "Thanks,
Priya!", "Happy birthday, Walter!", "Jordan's partner". The cue words come from the
PHI lexicon (YAML); this recognizer only turns them into patterns.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex  # type: ignore[import-untyped]
from presidio_analyzer import LocalRecognizer, RecognizerResult

from guardrails.phi.recognizers.base import explained_result

# A name token: a capital then lower-case letters, with inner hyphens or apostrophes
# ("Moreno-Haile", "O'Neil"), or one inner capital ("McKinley", "DeShawn"); or initials ("A.", "R.J.").
NAME = r"(?:\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:[-'’]\p{Lu}?\p{Ll}+)*|\p{Lu}\.(?:\p{Lu}\.)*)"
# A name ends at a word's end: never "Mc" of "McKINLEY" or "Rob" of "Rob2".
FULL_NAME = rf"{NAME}(?:\s{NAME}){{0,2}}(?![\p{{L}}\p{{N}}])"
# The recognizer name on results that rest only on two capitalised words.
PAIR_RECOGNIZER = "PersonCueRecognizer.pair"
# The recognizer name on an ALL-CAPS name in a greeting or vocative ("Hi HANNAH,"): such a
# short all-caps word is otherwise taken for an acronym.
CAPS_RECOGNIZER = "PersonCueRecognizer.caps"
# A month that is a given name in a relation slot ("his wife, June,"): the engine keeps it though
# months are otherwise never names.
MONTH_NAME_RECOGNIZER = "PersonCueRecognizer.month"
_CAPS = r"\p{Lu}{3,}(?![\p{L}'’-])"
# Irregular plurals that address a group ("Children, wash your hands!").
_GROUP_NOUNS = frozenset({"children", "people", "men", "women", "folks", "everyone", "everybody"})
# A list item opens a sentence too: "• Yusuf, 5 years (Nov 3)".
_SENTENCE_START = r"(?:^|(?<=[.!?:;]\s{1,3})|(?<=\n)|(?<=(?:^|\n)[ \t]*[•·▪◦‣*-][ \t]{1,2}))"
# "We've shared", "She's finished": a pronoun's contraction, not a name.
_CONTRACTION = r"(?i:we|you|they|i|it|that|there|here|let|she|he|who|what)['’]"


def _alternation(words: Iterable[str]) -> str:
    ordered = sorted({regex.escape(word) for word in words}, key=len, reverse=True)
    return "(?:" + "|".join(w.replace(r"\ ", r"\s+") for w in ordered) + ")"


class PersonCueRecognizer(LocalRecognizer):
    """PERSON candidates from honorifics, relation words, greetings and vocatives."""

    ENTITY = "PERSON"
    STRONG = 0.75
    WEAK = 0.55
    CAPS = 0.9

    def __init__(
        self,
        honorifics: Iterable[str],
        relation_words: Iterable[str],
        person_cues: Iterable[str],
        not_name_words: Iterable[str],
        common_words: Iterable[str] = (),
        person_after_cues: Iterable[str] = (),
        dictionary: frozenset[str] = frozenset(),
        given_names: frozenset[str] = frozenset(),
        credentials: Iterable[str] = (),
    ) -> None:
        self._not_names = frozenset(not_name_words)
        self._credentials = frozenset(credentials)  # case-sensitive, as written ("RDH")
        self._common = frozenset(common_words)
        self._dictionary = dictionary
        # "thanks maria!": a given name is a name in lower case too, though the word list has it
        self._lower_names = given_names
        hon = _alternation(honorifics)
        rel = _alternation(relation_words)
        cue = _alternation(person_cues)
        flags = regex.VERSION1 | regex.MULTILINE
        # A cue inside a hashtag or handle is a topic, not a slot: "#partner Honest review:".
        # A relation word may have a comma after it: "Her son, Tunde, flew in".
        # the slot after a relation word, and after a list of names that follows one
        relation_slot = rf"(?<=(?<![#@])\b(?i:{rel}),?\s+)"
        listed_after = rf"{FULL_NAME}(?:,\s{FULL_NAME})*,?\s+(?:and|&)\s+"
        strong = [
            rf"(?<=\b(?i:{hon})\.?\s+){FULL_NAME}",
            # a form-like line: "Name: Lorne · Age: 91"
            rf"(?<=\b(?i:name|patient)\s*:\s*){FULL_NAME}",
            rf"{relation_slot}{FULL_NAME}",
            rf"(?<=(?<![#@])\b(?i:{rel})\s+{listed_after}){FULL_NAME}",
            # "the Nakashima family" (lower case: "the Hendricks Family Foundation" is a name)
            rf"(?<=\b(?i:the)\s){NAME}(?=\s+(?:family|families|household|twins)\b)",
            # a nickname in brackets after a name: "Dolores ('Dee' to everyone)"
            rf"{FULL_NAME}(?=\s*\(\s*['\"‘“]\p{{Lu}})",
            rf"(?<=\(\s*['\"‘“]){NAME}(?=['\"’”])",
            # a nickname in quotes inside a name, and the surname after it: Wilhelmina "Billie" Ostrowski
            rf"(?<={NAME}\s[\"“‘']){NAME}(?=[\"”’']\s{NAME})",
            rf"(?<={NAME}\s[\"“‘']{NAME}[\"”’']\s){NAME}",
        ]
        after = _alternation(person_after_cues) if person_after_cues else None
        weak = [
            rf"(?<=(?<![#@])\b(?i:{cue}),?\s+(?:(?i:to|for|of)\s+)?){FULL_NAME}",
            rf"{_SENTENCE_START}{FULL_NAME}(?=,\s)",
            rf"(?<=,\s){FULL_NAME}(?=\s*(?:[!?]|\.(?:\s|$)|,\s(?i:for|thank|thanks|we|you|your|the|our|please)\b))",
            rf"{FULL_NAME}(?=['’]s\b)",
            # a signature: "- Kayla", "~ Eli" at the end of a line
            rf"(?<=(?:^|\s)[-–—~]\s?){FULL_NAME}(?=\s*$)",
            # a relative clause only a person takes: "goes to Aarav, who turned one"
            # (not a place: "Ahmad Karimi of Westbury, who logged in")
            rf"(?<!\b(?i:of|from|in|at|near|to)\s){FULL_NAME}(?=,\s+who\s)",
            # an age in apposition: "Otis, 88, who ..."
            rf"{FULL_NAME}(?=,\s\d{{1,3}}\s*,)",
            # "Ilse in Rm 7-214 rang the chemo bell"
            rf"{_SENTENCE_START}{FULL_NAME}(?=\s+in\s+(?i:room|rm\.?|bed|bay|suite)\s*\d)",
            # "Liam from the Northgate neighborhood got his shots"
            rf"{_SENTENCE_START}{FULL_NAME}(?=\s+from\s+(?:the\s+)?\p{{Lu}})",
        ]
        if after is not None:
            # a sentence opening with a name and a life event: "Ignatius turns 93"
            weak.append(
                rf"{_SENTENCE_START}(?!{_CONTRACTION}){FULL_NAME}(?=\s+(?:(?:was|is|has|had|just)\s+)?(?i:{after})\b)"
            )
        # a lower-case name after a kinship word ("his mom keisha"): only a word that is not English
        # or after a greeting or thanks in a post written in lower case ("high fives for sophie who")
        self._lower = (
            regex.compile(
                rf"(?<=\b(?i:{rel})\s+)\p{{Ll}}{{3,}}(?![\p{{L}}'’-])"
                r"|(?<=\b(?:for|to|thanks|thank\s+you|congrats|congratulations|hi|hey|welcome)\s+)"
                r"\p{Ll}{3,}(?=\s+who\b|\s*[!,])"
                r"|(?<=^\s*)\p{Ll}{3,}(?=,?\s+(?:we|we're|we’re|so|thank|thanks|glad|sorry|your|you|hope)\b)",
                flags,
            )
            if dictionary
            else None
        )
        # "Hi HANNAH,", "So sorry, JAMES.", "WELCOME HOME, TEDDY!": a name typed in capitals
        # (after a greeting only a word that is not English: "WELCOME HOME," is no name)
        self._caps_after_cue = regex.compile(rf"(?<=\b(?i:{cue}),?\s+){_CAPS}(?=\s*[,!.?])", flags)
        self._caps_vocative = regex.compile(rf"(?<=,\s){_CAPS}(?=\s*(?:[!?]|\.(?:\s|$)|$))", flags)
        self._pair = regex.compile(
            r"(?<![\p{L}'’.-])\p{Lu}\p{Ll}+\s\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?![\p{L}'’-])", flags
        )
        # "his wife, June, holding his hand", "twins, Ivy and June": a month that is also a given
        # name is a name in a relation slot (the months are otherwise never names here)
        month = r"(?-i:April|May|June)(?![\p{L}'’-])(?!\s*\d)"
        self._month_names = [
            regex.compile(rf"{relation_slot}{month}", flags),
            regex.compile(rf"(?<=(?<![#@])\b(?i:{rel}),?\s+{listed_after}){month}", flags),
        ]
        self._strong = [regex.compile(p, flags) for p in strong]
        self._weak = [regex.compile(p, flags) for p in weak]
        super().__init__(
            supported_entities=[self.ENTITY], supported_language="en", name="PersonCueRecognizer"
        )

    def load(self) -> None:
        """Patterns are compiled in __init__; nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for patterns, score in ((self._strong, self.STRONG), (self._weak, self.WEAK)):
            for pattern in patterns:
                for match in pattern.finditer(text):
                    span = self._trim(text, match.start(), match.end(), strict=score < self.STRONG)
                    if span is not None and not (
                        score < self.STRONG and self._ordinary_word(text[slice(*span)])
                    ):
                        results.append(self._result(*span, score))
        for pattern in self._month_names:
            for match in pattern.finditer(text):
                results.append(self._result(match.start(), match.end(), self.STRONG, MONTH_NAME_RECOGNIZER))
        results.extend(self._pairs(text, nlp_artifacts))
        for pattern, english_ok in ((self._caps_after_cue, False), (self._caps_vocative, True)):
            for match in pattern.finditer(text):
                word = match.group().lower()
                if word in self._not_names or word in self._common or match.group() in self._credentials:
                    continue
                if english_ok or word not in self._dictionary:
                    # Scored above the NER model's 0.85 so that this reading (a name, not an
                    # acronym) survives presidio's de-duplication of the same span.
                    results.append(self._result(match.start(), match.end(), self.CAPS, CAPS_RECOGNIZER))
        if self._lower is not None:
            for match in self._lower.finditer(text):
                word = match.group()
                ordinary = word in self._dictionary and word not in self._lower_names
                # "his mom texted me": a verb's past or -ing form, which the word list may lack
                ordinary = ordinary or (word.endswith(("ed", "ing")) and word not in self._lower_names)
                if not ordinary and word not in self._common and word not in self._not_names:
                    results.append(self._result(match.start(), match.end(), self.WEAK))
        return results

    def _pairs(self, text: str, nlp_artifacts: object) -> list[RecognizerResult]:
        """Two capitalised words that are not ordinary words ("Giorgos Papadakis"), unless the
        NER model read them as something else (an organisation, a place, an event)."""
        doc = getattr(nlp_artifacts, "tokens", None)
        # An organisation's two-word name is caught by the not-name words ("Center",
        # "Pharmacy"); the small model often calls a two-word personal name an organisation.
        skip = ("PERSON", "ORG")
        other = (
            [(e.start_char, e.end_char) for e in doc.ents if e.label_ not in skip] if doc is not None else []
        )
        found = []
        for match in self._pair.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in other):
                continue
            span = self._trim(text, start, end, strict=True)
            if span == (start, end):
                found.append(self._result(start, end, self.WEAK, PAIR_RECOGNIZER))
        return found

    def _trim(self, text: str, start: int, end: int, *, strict: bool) -> tuple[int, int] | None:
        """Drop leading words that are not names; reject the match if a later one is not."""
        tokens = [(m.start() + start, m.end() + start) for m in regex.finditer(r"\S+", text[start:end])]
        while tokens and self._rejects(text[tokens[0][0] : tokens[0][1]], strict):
            tokens.pop(0)
        if not tokens or any(self._rejects(text[s:e], strict) for s, e in tokens):
            return None
        if len(tokens) == 1 and len(text[tokens[0][0] : tokens[0][1]].rstrip(".")) < 2:
            return None  # a lone initial
        return tokens[0][0], tokens[-1][1]

    def _ordinary_word(self, span: str) -> bool:
        """ "Caregivers, this one's for you", "Children's Way": a plural English noun in a slot a
        name could fill. (Not any English word: "Pip", "Tank" are nicknames.)"""
        word = span.lower().removesuffix("'s").removesuffix("’s")
        if " " in word or word in self._lower_names:
            return False
        plural = word.endswith("s") and word[:-1] in self._dictionary and word in self._dictionary
        return plural or word in _GROUP_NOUNS

    def _rejects(self, token: str, strict: bool) -> bool:
        word = token.rstrip(".").lower()
        if word in self._not_names:
            return True
        return strict and len(word) > 1 and word in self._common

    def _result(
        self, start: int, end: int, score: float, name: str = "PersonCueRecognizer"
    ) -> RecognizerResult:
        return explained_result(
            entity=self.ENTITY, start=start, end=end, score=score,
            recognizer=name, recognizer_id=self.id, why="name in a person slot",
        )  # fmt: skip
