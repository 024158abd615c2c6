"""First names inside supportive hashtags: "#TeamLuca", "#PrayersForMaddie", "#JonahStrong".

Names and places in hashtags are otherwise topics, never people ("#NursesWeek"); these
hashtag shapes exist to rally around one person. Only the CamelCase word beside a known
prefix or suffix is taken, and only when it is not an English word ("#TeamWork",
"#BraveHeart" stay topics). The affixes are PHI lexicon data.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex  # type: ignore[import-untyped]
from presidio_analyzer import LocalRecognizer, RecognizerResult

from guardrails.phi.recognizers.base import explained_result

HASHTAG_RECOGNIZER = "HashtagNameRecognizer"
_HASHTAG = regex.compile(r"(?<![\w#])#(\w+)")
_CAMEL_WORD = regex.compile(r"\p{Lu}\p{Ll}+|\p{Lu}+(?!\p{Ll})|\d+")


class HashtagNameRecognizer(LocalRecognizer):
    ENTITY = "PERSON"
    SCORE = 0.6

    def __init__(self, prefixes: Iterable[str], suffixes: Iterable[str], dictionary: frozenset[str]) -> None:
        self._prefixes = frozenset(p.lower() for p in prefixes)
        self._suffixes = frozenset(s.lower() for s in suffixes)
        self._dictionary = dictionary
        super().__init__(supported_entities=[self.ENTITY], supported_language="en", name=HASHTAG_RECOGNIZER)

    def load(self) -> None:
        """The affixes are given to __init__; nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        if "#" not in text:
            return []
        results = []
        for tag in _HASHTAG.finditer(text):
            parts = list(_CAMEL_WORD.finditer(tag.group(1)))
            if len(parts) < 2:
                continue
            offset = tag.start(1)
            for index, part in enumerate(parts):
                word = part.group()
                if not word[:1].isupper() or not word[1:].islower() or word.lower() in self._dictionary:
                    continue
                before = "".join(p.group() for p in parts[:index]).lower()
                after = "".join(p.group() for p in parts[index + 1 :]).lower()
                if (before in self._prefixes and not after) or (after in self._suffixes and not before):
                    results.append(self._result(offset + part.start(), offset + part.end()))
        return results

    def _result(self, start: int, end: int) -> RecognizerResult:
        return explained_result(
            entity=self.ENTITY, start=start, end=end, score=self.SCORE,
            recognizer=HASHTAG_RECOGNIZER, recognizer_id=self.id, why="first name in a supportive hashtag",
        )  # fmt: skip
