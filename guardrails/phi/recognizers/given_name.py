"""Capitalised given names the NER model passes over: "Hector picks up his neighbor's meds",
"Dr. Ortiz says Summer was the bravest patient".

A word is taken when it is in the given-names list, stands alone (not inside a
Title Case run such as "Jackson Memorial" or "Summer Safety Fair") and is not a
cue, month or ordinary opener from the PHI lexicon. A name that is also an English
word ("Summer", "Mason") is kept afterwards only with the evidence that
guardrails.phi.evidence looks for; capitalised inside a sentence, where an
ordinary word would not be, is such evidence. The judge decides whose name it is.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex  # type: ignore[import-untyped]
from presidio_analyzer import LocalRecognizer, RecognizerResult

from guardrails.phi.recognizers.base import explained_result

GIVEN_NAME_RECOGNIZER = "GivenNameRecognizer"
_TITLE_WORD = regex.compile(r"(?<![\p{L}\p{N}'’@#./_-])\p{Lu}\p{Ll}+(?![\p{L}\p{N}_@-]|['’]\p{Ll}{2,})")
_SURNAME = regex.compile(r" (\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)?)(?![\p{L}\p{N}_@-])")
_INITIAL = regex.compile(r" \p{Lu}\.(?!\w)")
_WORD_BEFORE = regex.compile(r"(\p{L}[\p{L}'’-]*)[ \t]+$")
_WORD_AFTER = regex.compile(r"[ \t]+(\p{L})")
_SENTENCE_BEFORE = regex.compile(r"(?:^|[.!?:;]\s+|\n\s*)[\"'“‘(]*$")
# "this Summer", "every Winter": a season, even capitalised
_TIME_BEFORE = frozenset({"this", "next", "last", "every", "each", "during", "early", "late", "mid", "all"})
_TITLE_JOINERS = frozenset({"for", "of", "and", "&", "the", "with"})
_LOOKBEHIND = 40


def opens_sentence(text: str, start: int) -> bool:
    return _SENTENCE_BEFORE.search(text, max(0, start - 4), start) is not None


def stands_alone(text: str, start: int, end: int) -> bool:
    """No capitalised word joined to it by a space, except a sentence's first word before it."""
    after = _WORD_AFTER.match(text, end)
    if after is not None and after.group(1).isupper():
        return False
    before = _WORD_BEFORE.search(text, max(0, start - _LOOKBEHIND), start)
    if before is None:
        return True
    word = before.group(1)
    if word.lower() in _TIME_BEFORE:
        return False
    if word.lower() in _TITLE_JOINERS:
        # "Walk for Hope", "Sisters of Mercy": the end of a title
        title = _WORD_BEFORE.search(text, max(0, before.start() - _LOOKBEHIND), before.start())
        return title is None or not title.group(1)[0].isupper() or opens_sentence(text, title.start(1))
    return not word[0].isupper() or opens_sentence(text, before.start(1))


def lone_given_name(text: str, start: int, end: int, given_names: frozenset[str]) -> bool:
    """A single capitalised given name inside a sentence, on its own."""
    word = text[start:end]
    return (
        word.lower() in given_names
        and _TITLE_WORD.fullmatch(word) is not None
        and not opens_sentence(text, start)
        and stands_alone(text, start, end)
    )


class GivenNameRecognizer(LocalRecognizer):
    ENTITY = "PERSON"
    SCORE = 0.55

    def __init__(
        self, given_names: frozenset[str], excluded: Iterable[str], dictionary: frozenset[str] = frozenset()
    ) -> None:
        never = frozenset(word.lower() for word in excluded)
        self._given = given_names - never
        # A surname is joined to a given name only when it is no ordinary or cue word.
        self._not_surnames = dictionary | never
        super().__init__(
            supported_entities=[self.ENTITY], supported_language="en", name=GIVEN_NAME_RECOGNIZER
        )

    def load(self) -> None:
        """The names are given to __init__; nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        if not self._given:
            return []
        results = []
        for match in _TITLE_WORD.finditer(text):
            # A name that is also an English word ("Mason") is kept afterwards only with person
            # evidence (guardrails.phi.evidence), as every ordinary-word name is.
            if match.group().lower() not in self._given:
                continue
            start, end = match.span()
            surname = _SURNAME.match(text, end)
            if surname is not None and surname.group(1).lower() not in self._not_surnames:
                end = surname.end()  # "Marguerite Oyelaran (93)": the small model said NORP
            elif (initial := _INITIAL.match(text, end)) is not None:
                end = initial.end()  # "Edna R. (92)": a surname's initial is part of the name
            if stands_alone(text, start, end):
                results.append(self._result(start, end))
        return results

    def _result(self, start: int, end: int) -> RecognizerResult:
        return explained_result(
            entity=self.ENTITY, start=start, end=end, score=self.SCORE,
            recognizer=GIVEN_NAME_RECOGNIZER, recognizer_id=self.id, why="a given name on its own",
        )  # fmt: skip
