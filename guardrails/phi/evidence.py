"""Is a capitalised run a person's name? What the text around it says.

The NER model and the slot patterns read capitals as names, so headings, labels and
titles ("Full Prescribing Information", "Boxed Warning", "Swelling, bruising...",
"Ride for Diabetes Research") look like people. A run made only of dictionary words
is kept as a name only with person evidence: a title, kinship or greeting word
before it, a possessive, an age or credential after it, a vocative, a singular
personal pronoun in its sentence, or another mention of the same word that has
evidence. Hashtags and words marked ® or ™ are never names.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex  # type: ignore[import-untyped]

from guardrails.phi.lexicon import PhiLexicon
from guardrails.phi.recognizers.given_name import lone_given_name

_HASHTAG = regex.compile(r"#[\p{L}\p{N}_]+")
# "Cardelle®", "Renavor ™": the word before the mark is a product's.
_MARKED = regex.compile(r"(\p{L}[\p{L}\p{N}'’-]*)\s?[®™]")
_SINGULAR = regex.compile(r"\b(?:he|she|him|his|her|hers|himself|herself)\b", regex.IGNORECASE)
_SECOND = regex.compile(r"\b(?:you|your|yours)\b", regex.IGNORECASE)
# "Jordan's", "Grace, 94,", "Mae, aged 94", "Vera, who ...", "Dolores ('Dee' ...)", "the Ortega family"
_AFTER = regex.compile(
    r"^(?:['’]s\b|,\s*(?:aged?\s+)?\d|,\s*who\b|\s*\(\s*['\"‘“]|\s+(?:family|families|household|twins)\b)",
    regex.IGNORECASE,
)
# "Walt Pomeroy and his wife June": someone with a spouse or children is a person
SPOUSE_AFTER = regex.compile(
    r"\s+and\s+(?:his|her|their)\s+(?:wife|husband|partner|son|daughter|kids|children|grandkids)\b",
    regex.IGNORECASE,
)
_NICKNAME_BEFORE = regex.compile(r"\(\s*['\"‘“]$")
_COMMA_BEFORE = regex.compile(r",\s*$")
_VOCATIVE_END = regex.compile(r"^\s*(?:[!?]|\.(?:\s|$)|$)")
# "Swelling, bruising, and lumps": the first item of a list, not someone addressed.
_LIST = regex.compile(r"^,\s*\p{Ll}[\p{L}-]*(?:,|\s+(?:and|or)\b)")
# Emoji end a sentence in posts as a full stop does ("Ask Dr. Karim anything! 💬 Drop your
# questions", "Volunteer love 💛 Every Thursday"), and may stand before its first word.
_OPENING = regex.compile(r"(?:^|[.!?:;]\s+|\n\s*|\p{So}\s+)[\p{So}\p{Sk}\p{Cf}\p{Mn}\s]*[\"'“‘(]*$")
# "Beatrix is 98 years old", "Ignatius turns ninety-three": a person's age follows
_AGE_AFTER = regex.compile(
    r"^\s+(?:is|was|turns|turned|turning|just\s+turned)\s+(?:\d{1,3}(?!\s*%|\d)|ninety|a\s+hundred|one\s+hundred)",
    regex.IGNORECASE,
)
# "little Mateo, who had his heart surgery": a clause about someone, told by his or her
_WHO_PERSON = regex.compile(r"^,\s*who\s+(?:[\p{L}'’]+\s+){0,3}?(?:he|she|his|her|him)\b", regex.IGNORECASE)
# What follows a name that opens a text and greets its reader
_GREETED = regex.compile(
    r"^\s*[,–—-]\s*(?:sorry|so\s+sorry|thanks|thank\s+you|we|we're|we’re|we've|we’ve|glad|hope|got|please|your"
    r"|you|welcome|congrats|congratulations|great|happy)\b",
    regex.IGNORECASE,
)
_NEXT_WORD = regex.compile(r"\s+([\p{L}'’]+)")
_CAMEL_PART = regex.compile(r"[A-Z][a-z]{2,}")
_TOKEN = regex.compile(r"[\p{L}][\p{L}'’.-]*")


def _alternation(words: Iterable[str]) -> str:
    ordered = sorted({regex.escape(w) for w in words if w}, key=len, reverse=True)
    return "|".join(w.replace(r"\ ", r"\s+") for w in ordered)


def name_words(name: str) -> list[str]:
    return [w.strip(".'’").lower() for w in _TOKEN.findall(name)]


class NameEvidence:
    """Decides whether capitalised dictionary words are used as a person's name."""

    def __init__(
        self, lexicon: PhiLexicon, dictionary: frozenset[str], given_names: frozenset[str] = frozenset()
    ) -> None:
        self._dictionary = dictionary
        self._given_names = given_names
        weak = frozenset(lexicon.weak_person_cues)
        cues = [
            *lexicon.honorifics,
            *lexicon.staff_titles,
            *lexicon.relation_words,
            *(c for c in lexicon.person_cues if c not in weak),
        ]
        self._cue_before = regex.compile(
            rf"(?<![\w-])(?:{_alternation(cues)})[\s.,:;]*(?:(?:to|of|and|&)\s+)?$", regex.IGNORECASE
        )
        self._cue_after = regex.compile(
            rf"^\s*,?\s*(?:(?:was|is|has|had|just)\s+)?(?:{_alternation(lexicon.person_after_cues)})(?![\w-])",
            regex.IGNORECASE,
        )
        self._credential = regex.compile(
            r"^\s*,?\s*\(?(?:" + "|".join(regex.escape(c) for c in lexicon.credentials) + r")(?![\w-])"
        )

    def ordinary(self, name: str) -> bool:
        """Every word of `name` is a capitalised ordinary English word (capitals are all that
        make it a name). A lower-case "mike" was read as a name from its context."""
        found = _TOKEN.findall(name)
        if len(found) == 1 and found[0].islower():
            # "drop pounds": a lower-case plural of a dictionary noun is the noun, not a name
            word = found[0]
            return word.endswith("s") and word in self._dictionary and word[:-1] in self._dictionary
        return bool(found) and all(w[0].isupper() and self._dictionary_word(w.strip(".'’")) for w in found)

    def brand_shaped(self, name: str) -> bool:
        """One word joined from dictionary words, each capitalised: "SoundNest", "GlowDrop".
        Given names are not built that way, brands are, whatever the words around them say."""
        parts = _CAMEL_PART.findall(name)
        return len(parts) > 1 and "".join(parts) == name and all(p.lower() in self._dictionary for p in parts)

    def _dictionary_word(self, word: str) -> bool:
        """A dictionary word, or a brand made of them: "SoundNest", "PureAir", "FrostGuard"
        (a given name joined in two parts, "DeShawn" or "JoAnn", has a part that is none)."""
        return word.lower() in self._dictionary or self.brand_shaped(word)

    def has_evidence(self, text: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
        s, e = sentence
        before = text[max(s, start - 40) : start]
        after = text[end : min(e, end + 40)]
        if self._cue_before.search(before) or _NICKNAME_BEFORE.search(before):
            return True
        if (
            _AFTER.match(after)
            or _AGE_AFTER.match(after)
            or self._cue_after.match(after)
            or self._credential.match(after)
        ):
            return True
        if _COMMA_BEFORE.search(before) and _VOCATIVE_END.match(after):
            return True  # "We're so proud of you, Gloria!"
        if lone_given_name(text, start, end, self._given_names):
            return True  # "Dr. Ortiz says Summer was ...": capitalised inside a sentence
        opening = _OPENING.search(text, max(0, s - 2), start) is not None or start == s
        sentence_text = text[s:e]
        if opening and self._subject_given_name(text, start, end, sentence_text):
            return True  # "Mason did so well with his first filling"
        if opening and after.startswith(",") and not _LIST.match(after) and _SECOND.search(sentence_text):
            return True  # "Colin, the comment came from your address"
        if (
            start == len(text) - len(text.lstrip())
            and _GREETED.match(after)
            and self.given_name(text[start:end])
        ):
            return True  # "Bill, sorry about the mix-up", "Mike - got your message": a reply's greeting
        # A pronoun says a person is in the sentence; a sentence-opening word like
        # "Brush" or "Hope" needs more than that.
        return not opening and _SINGULAR.search(sentence_text) is not None

    def _subject_given_name(self, text: str, start: int, end: int, sentence_text: str) -> bool:
        """A given name opening a sentence, a lower-case word after it, and "he" or "she" later
        in the sentence: the sentence is about that person ("Hope she feels better" is not)."""
        if text[start:end].lower() not in self._given_names:
            return False
        following = _NEXT_WORD.match(text, end)
        return (
            following is not None
            and following.group(1).islower()
            and _SINGULAR.fullmatch(following.group(1)) is None
            and _SINGULAR.search(sentence_text) is not None
        )

    def person_verb_after(self, text: str, end: int) -> bool:
        """A person's verb right after: "turns", "was discharged", "lives", ", who ... his"."""
        after = text[end : end + 60]
        return (
            self._cue_after.match(after) is not None
            or _AGE_AFTER.match(after) is not None
            or _WHO_PERSON.match(after) is not None
        )

    def given_name(self, word: str) -> bool:
        """A given name, or one joined from given names ("Clara-Jean")."""
        return all(part in self._given_names for part in word.lower().split("-"))

    @staticmethod
    def in_hashtag(text: str, start: int, end: int) -> bool:
        if "#" not in text:
            return False
        return any(m.start() < end and start < m.end() for m in _HASHTAG.finditer(text))

    @staticmethod
    def marked_products(text: str) -> frozenset[str]:
        """Words the text marks as trademarks anywhere ("Cardelle®" makes every "Cardelle" a product)."""
        if "®" not in text and "™" not in text:
            return frozenset()
        return frozenset(m.group(1).lower() for m in _MARKED.finditer(text))
