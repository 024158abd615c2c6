"""Who a text is about: person-like names and social handles, with their offsets.

The patient-status and disclaimer rules need to know whether an identifiable
person is in a sentence, not exactly who. spaCy's small model misses many names
(and tags some as ORG or GPE), so a mention is any run of Title-case words that
is not a known non-name word, plus spaCy's PERSON entities, minus the
organisation's own names, places and staff. Staff are recognised from the
directory in the context, from a title before the name ("Dr.") or from a
credential after it ("RN", "PA-C").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, Consent
from guardrails.datafiles import load_data_file

NAMES_LEXICON = "lexicons/person_names.yaml"

# Words with internal hyphens or apostrophes are one token ("Ben-David", "O'Neil",
# "x-ray"); a handle keeps its "@". Letters are Unicode letters ("Núñez").
# Combining marks stay inside a word: normalisation folds characters one by one,
# so a decomposed "José" keeps its U+0301.
_LETTERS = r"(?:[^\W_]|[\u0300-\u036f])+"
# A handle's "@" must not follow a word: "training@clinic.org" is an e-mail address.
_TOKEN = re.compile(rf"(?<![\w.])@[\w.]*\w|{_LETTERS}(?:['\-]{_LETTERS})*")
_POSSESSIVE = re.compile(r"'s$|'$", re.IGNORECASE)
_CLOSING_TAGS = re.compile(r"(?:[\W_]*#\w+)*[\W_]*")
# A brand name is followed by its generic name in brackets, or by a trademark sign.
_PRODUCT_AFTER = re.compile(r"\s*\([a-z][a-zA-Z-]{5,}\)|[®™]")
_NAME_GAP = re.compile(r" |\. ")  # "Maria Lopez", "A. Subedi" (after an initial only)


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    bare: str  # lower case, possessive "'s" removed

    @property
    def possessive(self) -> bool:
        return self.text.lower().endswith(("'s", "s'"))


@dataclass(frozen=True, slots=True)
class Mention:
    """A person-like name or a handle in the normalised text."""

    start: int
    end: int
    words: tuple[str, ...]  # lower case, possessive removed
    handle: bool = False
    staff: bool = False  # a title, credential or role names them as staff
    addressed: bool = False  # followed by "!", ",", ":" or "(": spoken to, or labelled


@dataclass(frozen=True, slots=True)
class NameWords:
    """Word lists (lower case) that steer name detection; they come from a lexicon file."""

    stopwords: frozenset[str]
    honorifics: frozenset[str]
    staff_titles: frozenset[str]
    credentials: frozenset[str]
    institutions: frozenset[str]  # "Council", "Center": the Title-case words before them name a body
    # Never a name on their own; built once here, not per token (the union copies every list).
    not_names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        # A credential is never a name either ("Dr. Priya Raman, PhD": not a person called "PhD").
        not_names = self.stopwords | self.staff_titles | self.honorifics | self.credentials
        object.__setattr__(self, "not_names", not_names)


class NameLexicon(BaseModel):
    """The validated contents of data/lexicons/person_names.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    name_stopwords: list[str]
    institution_words: list[str]
    honorifics: list[str]
    staff_titles: list[str]
    credentials: list[str]

    @field_validator("*", mode="after")
    @classmethod
    def _single_lower_words(cls, value: object) -> object:
        if isinstance(value, list):
            for word in value:
                if word != word.lower() or not re.fullmatch(r"[^\W_]+(?:['\-][^\W_]+)*", word):
                    raise ValueError(f"{word!r} must be one lower-case word")
        return value

    def words(self) -> NameWords:
        return NameWords(
            stopwords=frozenset(self.name_stopwords),
            honorifics=frozenset(self.honorifics),
            staff_titles=frozenset(self.staff_titles),
            credentials=frozenset(self.credentials),
            institutions=frozenset(self.institution_words),
        )


def load_name_words(name: str = NAMES_LEXICON) -> NameWords:
    """Read and validate the name lexicon (a bad file raises ConfigError)."""
    return load_data_file(name, NameLexicon).words()


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.start(), m.end(), m.group(), _POSSESSIVE.sub("", m.group().lower()))
        for m in _TOKEN.finditer(text)
    ]


def singular(word: str) -> str:
    """A crude singular for lexicon lookups: "refills" -> "refill", "glasses" -> "glass"."""
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _nameish(token: Token, words: NameWords) -> bool:
    text = token.text
    if text.startswith("@") or not text[0].isupper():
        return False
    if len(text) == 1:
        return True  # an initial; only kept when followed by "."
    if not any(ch.islower() for ch in text):
        return False  # acronyms: "ICU", "CGM", "DOT"
    excluded = words.not_names
    return token.bare not in excluded and singular(token.bare) not in excluded  # "Thursdays"


def known_words(ctx: CheckContext) -> frozenset[str]:
    """Lower-case words of the organisation's names, locations, staff and products: never a patient."""
    pieces: list[str] = list(ctx.organisation.names) + list(ctx.organisation.forbidden_names)
    for location in ctx.organisation.locations:
        pieces += [location.name, location.address]
    pieces += [member.name for member in ctx.organisation.staff]
    # Product names look like names ("Lumiva") but are not people.
    pieces += [name for product in ctx.products for name in (product.brand_name, product.established_name)]
    return _words_of(tuple(pieces))


def staff_words(ctx: CheckContext) -> frozenset[str]:
    return _words_of(tuple(member.name for member in ctx.organisation.staff))


@lru_cache(maxsize=256)
def _words_of(pieces: tuple[str, ...]) -> frozenset[str]:
    # Cached: one organisation's facts come with every text it checks.
    return frozenset(t.bare for piece in pieces for t in tokenize(piece))


def find_mentions(
    text: str,
    tokens: Sequence[Token],
    sentence_starts: frozenset[int],
    person_spans: Iterable[tuple[int, int]],
    ctx: CheckContext,
    words: NameWords,
) -> list[Mention]:
    """Names and handles that may be a patient's (staff and the organisation's own removed)."""
    known = known_words(ctx)
    org_handles = {h.lower().lstrip("@") for h in ctx.organisation.handles}
    persons = list(person_spans)
    mentions: list[Mention] = []
    index = 0
    # A name once introduced as staff ("Julia Ames, NP") stays staff when repeated ("Julia").
    while index < len(tokens):
        token = tokens[index]
        if token.text.startswith("@"):
            if token.text[1:].lower() not in org_handles:
                mentions.append(Mention(token.start, token.end, (token.bare,), handle=True))
            index += 1
            continue
        if (
            not _nameish(token, words)
            or (len(token.text) == 1 and not _initial(text, token))
            or _phrase_hashtag(text, token)
        ):
            index += 1
            continue
        group = [index]
        while group[-1] + 1 < len(tokens):
            nxt = tokens[group[-1] + 1]
            gap = text[tokens[group[-1]].end : nxt.start]
            after_initial = len(tokens[group[-1]].text) == 1
            if not _nameish(nxt, words) or not _NAME_GAP.fullmatch(gap) or (gap != " " and not after_initial):
                break
            if tokens[group[-1]].possessive:
                break
            group.append(group[-1] + 1)
        index = group[-1] + 1
        mention = _as_mention(text, tokens, group, sentence_starts, persons, known, words)
        if mention is not None:
            mentions.append(mention)
    # A title covers names joined to it ("firefighters Joe and Ben").
    for i in range(1, len(mentions)):
        before, this = mentions[i - 1], mentions[i]
        if before.staff and not this.handle and text[before.end : this.start] in (" and ", " & "):
            mentions[i] = Mention(this.start, this.end, this.words, staff=True, addressed=this.addressed)
    staff_named = {word for m in mentions if m.staff for word in m.words}
    return [
        Mention(m.start, m.end, m.words, m.handle, True, m.addressed)
        if not m.staff and not m.handle and all(w in staff_named for w in m.words)
        else m
        for m in mentions
    ]


def clause_starts(text: str, tokens: Sequence[Token]) -> frozenset[int]:
    """Tokens that open a clause without a full stop: after a line break or an emoji
    ("... practically gone 😍 Results like these"), where any word may be capitalised."""
    return frozenset(
        i
        for i in range(1, len(tokens))
        if "\n" in (gap := text[tokens[i - 1].end : tokens[i].start])
        or any(unicodedata.category(ch) == "So" for ch in gap)
    )


def _phrase_hashtag(text: str, token: Token) -> bool:
    """ "... #nightshift #ThankYouNurses": a hashtag of several capitalised words among the tags
    that close a post is a phrase, not a name (inline, "#BraveHarper got her cast off" is one)."""
    return (
        text[token.start - 1 : token.start] == "#"
        and sum(ch.isupper() for ch in token.text) > 1
        and _CLOSING_TAGS.fullmatch(text, token.end) is not None
    )


def _initial(text: str, token: Token) -> bool:
    return text[token.end : token.end + 1] == "."


def _as_mention(
    text: str,
    tokens: Sequence[Token],
    group: list[int],
    sentence_starts: frozenset[int],
    persons: list[tuple[int, int]],
    known: frozenset[str],
    words: NameWords,
) -> Mention | None:
    first, last = tokens[group[0]], tokens[group[-1]]
    names = tuple(tokens[i].bare for i in group if len(tokens[i].text) > 1)
    if not names or all(name in known for name in names):
        return None
    in_person = any(start <= first.start < end for start, end in persons)
    if len(group) == 1 and group[0] in sentence_starts and not in_person:
        return None  # any capitalised word starts a sentence
    following = group[-1] + 1
    if following < len(tokens):
        after = tokens[following]
        # "Patient Voices council", "Riverside Park": the run names a body or a place;
        # "Patient Experience Director": a department before a job title.
        institution = singular(after.bare) in words.institutions or _role(after, words)
        if institution and text[last.end : after.start] == " ":
            return None
    if _PRODUCT_AFTER.match(text, last.end):
        return None  # "Botox (onabotulinumtoxinA)", "Lumiva®": a product, not a person
    # The span covers an initial's full stop but not a possessive "'s".
    end = last.end + 1 if len(last.text) == 1 else last.start + len(_POSSESSIVE.sub("", last.text))
    staff = _titled(tokens, group, words) or _credentialed(text, tokens, group[-1], words)
    addressed = text[end : end + 2].lstrip(" ")[:1] in ("!", ",", ":", "(") and not last.possessive
    return Mention(first.start, end, names, staff=staff, addressed=addressed)


def _role(token: Token, words: NameWords) -> bool:
    return singular(token.bare.split("-")[0]) in words.staff_titles or token.bare in words.credentials


def _titled(tokens: Sequence[Token], group: list[int], words: NameWords) -> bool:
    """A title before the name: "Dr. Haddad", "dietitian Anna Park", "Pharmacist-in-charge Lena"."""
    return group[0] > 0 and singular(tokens[group[0] - 1].bare.split("-")[0]) in words.staff_titles


def _credentialed(text: str, tokens: Sequence[Token], last: int, words: NameWords) -> bool:
    """A credential or role after the name: "Jess Whitaker, RN", "Carmen, our intake coordinator"."""
    following = tokens[last + 1 : last + 5]
    if not following or text[tokens[last].end : following[0].start] not in (" ", ", "):
        return False
    if following[0].bare in words.credentials:
        return True
    if text[tokens[last].end : following[0].start] != ", ":
        return False
    rest = following[1:] if following[0].bare in {"our", "the", "a", "an"} else following
    return any(_role(token, words) for token in rest[:3])


def is_staff(mention: Mention, staff: frozenset[str]) -> bool:
    """Staff by a title or credential in the text, or by the directory in the context."""
    return not mention.handle and (mention.staff or all(word in staff for word in mention.words))


def consented(mention: Mention, consents: Iterable[Consent], ctx: CheckContext) -> Consent | None:
    """The valid consent whose subject hint names this person, if any."""
    for consent in consents:
        if not consent.covers(on=ctx.check_date, platform=ctx.platform, content_type=ctx.content_type):
            continue
        hint = [t.bare for t in tokenize(consent.subject_hint)]
        if hint and all(_word_in_hint(word, hint) for word in mention.words):
            return consent
    return None


def _word_in_hint(word: str, hint: list[str]) -> bool:
    return any(word == h or (len(h) == 1 and word.startswith(h)) for h in hint)


STRAIGHT_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True, slots=True)
class People:
    """Who a text names, as the patient-status and testimonial rules both read it."""

    text: str  # the normalised text, curly quotes straightened (same length)
    tokens: list[Token]
    sentences: list[tuple[int, int]]
    first_tokens: frozenset[int]  # tokens that open a sentence or a clause
    mentions: tuple[Mention, ...]


def people_of(text: AnalyzedText, ctx: CheckContext, words: NameWords, lexicon: str) -> People:
    """`find_mentions` over the whole text, once per check for the families reading the
    name-word file `lexicon`."""
    return text.shared(("people", lexicon), ctx, lambda: _people(text, ctx, words))


def _people(text: AnalyzedText, ctx: CheckContext, words: NameWords) -> People:
    matchable = text.text.translate(STRAIGHT_QUOTES)
    doc = text.doc
    sentences = [(s.start_char, s.end_char) for s in doc.sents] or [(0, len(matchable))]
    starts = [start for start, _ in sentences]
    tokens = tokenize(matchable)
    first = frozenset(
        i
        for i, t in enumerate(tokens)
        if i == 0 or bisect_right(starts, t.start) != bisect_right(starts, tokens[i - 1].start)
    ) | clause_starts(matchable, tokens)
    persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    mentions = find_mentions(matchable, tokens, first, persons, ctx, words)
    return People(matchable, tokens, sentences, first, tuple(mentions))
