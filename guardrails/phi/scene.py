"""What context knows about one text: sentences, cue words nearby, the organisation's own facts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

import regex  # type: ignore[import-untyped]

from guardrails.context import CheckContext, ContentType
from guardrails.phi.lexicon import PhiLexicon, eponym_after

if TYPE_CHECKING:
    from spacy.tokens import Doc

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")
_DIGITS = re.compile(r"\D")
_LETTERS = regex.compile(r"\p{L}{3,}")
# "ur" and "yr": "your" in a reply typed on a phone ("ur lisinopril refill is ready")
_PERSONAL_NEAR = regex.compile(r"\b(?:your|ur|yr|his|her|their)\b|\w['’]s\b", regex.IGNORECASE)
_HASHTAG = regex.compile(r"#(\w+)")
_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
_THOSE_BEFORE = regex.compile(
    # "we'll take those stitches out", "rest up after that appendix", "so sorry about the bruising"
    r"\b(?:those|these|after\s+that|sorry\s+(?:about|for)\s+(?:the|that))\s+(?:\p{Ll}+\s+)?$",
    regex.IGNORECASE,
)
_WEB_ADDRESS = regex.compile(
    # a known top-level domain: "Hi Maria.Thanks" is a missing space, not an address
    r"(?<![\w@.-])(?:https?://)?(?:www\.)?([a-z0-9][a-z0-9-]*)\.(?:[a-z0-9-]+\.)*"
    r"(?:com|org|net|edu|gov|health|care|clinic|io|co|us|info|app|example)(?![\w-])",
    regex.IGNORECASE,
)
_YOU_BEFORE = regex.compile(r"\b(?:you(?:['’](?:re|ve|ll))?|u)\b", regex.IGNORECASE)


class Cues:
    """A word list compiled once: whole-word, case-insensitive, multi-word entries allowed."""

    def __init__(self, words: Iterable[str], suffixes: Iterable[str] = (), plurals: bool = False) -> None:
        ordered = sorted({w for w in words if w}, key=len, reverse=True)
        body = "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in ordered)
        endings = "|".join(regex.escape(s) for s in sorted(set(suffixes), key=len, reverse=True))
        if endings:
            body += rf"|\p{{L}}{{3,}}(?:{endings})"
        # With `plurals`, a plural counts as the word ("blister packs").
        plural = "(?:e?s)?" if plurals else ""
        self._any = regex.compile(rf"(?<![\w-])(?:{body}){plural}(?![\w-])", regex.IGNORECASE)
        self._last = regex.compile(rf"(?<![\w-])(?:{body}){plural}\W*$", regex.IGNORECASE)
        self._pattern = (body, plural)

    @cached_property
    def _first(self) -> regex.Pattern[str]:
        # Compiled on first use: only a few cue lists are ever asked what a text starts with.
        body, plural = self._pattern
        return regex.compile(rf"^\s*(?:{body}){plural}(?![\w-])", regex.IGNORECASE)

    def search(self, text: str) -> bool:
        return self._any.search(text) is not None

    def finditer(self, text: str) -> list[regex.Match[str]]:
        return list(self._any.finditer(text))

    def starts(self, text: str) -> bool:
        """True when `text` opens with a cue (after white space)."""
        return self._first.match(text) is not None

    def ends(self, text: str) -> bool:
        """True when `text` ends with a cue (punctuation after it allowed)."""
        return self._last.search(text) is not None


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def digits(text: str) -> str:
    return _DIGITS.sub("", text)


class LexiconCues:
    """Every cue list of the lexicon, compiled."""

    def __init__(self, lexicon: PhiLexicon, personal_care_terms: Iterable[str] = ()) -> None:
        self.staff_titles = Cues(lexicon.staff_titles)
        self.honorifics = Cues(lexicon.honorifics)
        self.staff_roles = Cues(lexicon.staff_roles)
        self.staff = Cues(lexicon.staff_cues)
        self.eponym = eponym_after(lexicon)
        self.relations = Cues(lexicon.relation_words)
        self.patient_nouns = Cues(lexicon.patient_nouns)
        self.persona = Cues(lexicon.persona_cues)
        self.public_titles = Cues(lexicon.public_titles)
        self.care = Cues(lexicon.care_cues, lexicon.care_suffixes)
        self.care_iter = self.care.finditer
        # Wider than `care`: only ever read next to "your"/"his"/"'s" (see Scene.personal_care).
        self.personal_care_iter = Cues(
            [*lexicon.care_cues, *lexicon.personal_care_cues, *personal_care_terms],
            lexicon.care_suffixes,
            plurals=True,
        ).finditer
        self.animals = Cues(lexicon.animal_words)
        self.date_life = Cues(lexicon.date_life_cues)
        self.events = Cues(lexicon.event_cues)
        self.residence = Cues(lexicon.residence_cues)
        self.residential_care = Cues(lexicon.residential_care_cues)
        self.org_phone = Cues(lexicon.organisation_phone_cues)
        self.product_codes = Cues(lexicon.product_code_cues)
        self.things = Cues(lexicon.thing_nouns, plurals=True)
        self.credentials = regex.compile(
            r"^\s*,?\s*\(?(?:" + "|".join(regex.escape(c) for c in lexicon.credentials) + r")(?![\w-])"
        )
        self.public_numbers = frozenset(digits(n) for n in lexicon.public_numbers)
        self.public_domains = tuple(lexicon.public_domains)


class Scene:
    """One normalised text with its doc and check context, and helpers to look around a span."""

    def __init__(
        self, text: str, doc: Doc, ctx: CheckContext, cues: LexiconCues, has_personal_numbers: bool = False
    ) -> None:
        self.text = text
        # Does the text carry a record, member, account, licence or similar number?
        self.has_personal_numbers = has_personal_numbers
        self.doc = doc
        self.ctx = ctx
        self.cues = cues
        self._sentences = [(s.start_char, s.end_char) for s in doc.sents] or [(0, len(text))]

    # -- geometry --------------------------------------------------------------------
    def sentence(self, start: int) -> tuple[int, int]:
        for s, e in self._sentences:
            if s <= start < e:
                return s, e
        return 0, len(self.text)

    def before(self, start: int, chars: int = 60) -> str:
        """Text of the same sentence before `start` (at most `chars` characters)."""
        s, _ = self.sentence(start)
        return self.text[max(s, start - chars) : start]

    def after(self, end: int, chars: int = 60) -> str:
        _, e = self.sentence(max(end - 1, 0))
        return self.text[end : min(e, end + chars)]

    def words_before(self, start: int, count: int) -> str:
        return " ".join(self.before(start, 120).split()[-count:])

    def words_after(self, end: int, count: int) -> str:
        return " ".join(self.after(end, 120).split()[:count])

    def sentence_text(self, start: int) -> str:
        s, e = self.sentence(start)
        return self.text[s:e]

    # -- the text as a whole ---------------------------------------------------------
    @property
    def is_reply(self) -> bool:
        return self.ctx.content_type in (ContentType.REVIEW_RESPONSE, ContentType.COMMENT_REPLY)

    @cached_property
    def personal_care(self) -> bool:
        """Care tied to someone in particular: "your refill", "his surgery", "Tobi's ear infection"."""
        for match in self.cues.personal_care_iter(self.text):
            if _PERSONAL_NEAR.search(self.text, max(0, match.start() - 45), match.start()):
                return True
            if _YOU_BEFORE.search(self.text, max(0, match.start() - 25), match.start()):
                return True
            if _THOSE_BEFORE.search(self.text, max(0, match.start() - 24), match.start()):
                return True  # "we'll take those stitches out": one person's, not care in general
        return False

    @cached_property
    def care_linked(self) -> bool:
        """Does the text concern someone's health care at all? A review reply always does, and so
        does a post of a care home (its residents live in its care: "Walt turned ninety-three")."""
        if self.ctx.content_type is ContentType.REVIEW_RESPONSE or self.cues.care.search(self.text):
            return True
        if self.is_care_home:
            return True
        tags = " ".join(_CAMEL.sub(" ", tag) for tag in _HASHTAG.findall(self.text))
        return bool(tags) and self.cues.care.search(tags)

    # -- the organisation's own facts ------------------------------------------------
    @cached_property
    def is_care_home(self) -> bool:
        """An assisted-living, memory-care or nursing home, by its names or its staff's roles."""
        org = self.ctx.organisation
        described = " ".join([*org.names, *(member.role for member in org.staff)])
        return bool(self.cues.residential_care.search(described))

    @cached_property
    def org_phrases(self) -> list[str]:
        """Lower-cased names, location names and addresses (and their parts) of the organisation."""
        org = self.ctx.organisation
        phrases = [*org.names, *org.forbidden_names]
        for location in org.locations:
            phrases.extend((location.name, location.address))
            phrases.extend(part.strip() for part in location.address.split(","))
        return [p.lower() for p in phrases if p.strip()]

    @cached_property
    def _padded_org_phrases(self) -> list[str]:
        return [f" {' '.join(words(p))} " for p in self.org_phrases]

    @cached_property
    def org_words(self) -> frozenset[str]:
        return frozenset(w for phrase in self.org_phrases for w in words(phrase) if not w.isdigit())

    @cached_property
    def org_phones(self) -> frozenset[str]:
        return frozenset(digits(loc.phone)[-7:] for loc in self.ctx.organisation.locations if loc.phone)

    @cached_property
    def org_domains(self) -> tuple[str, ...]:
        domains = []
        for site in self.ctx.organisation.websites:
            host = regex.sub(r"^[a-z]+://", "", site.lower()).split("/")[0]
            domains.append(host.removeprefix("www."))
        return tuple(d for d in domains if d)

    @cached_property
    def org_handles(self) -> frozenset[str]:
        return frozenset(h.lower().lstrip("@") for h in self.ctx.organisation.handles)

    @cached_property
    def product_names(self) -> frozenset[str]:
        names = [n for p in self.ctx.products for n in (p.brand_name, p.established_name) if n]
        return frozenset(" ".join(words(n)) for n in names)

    @cached_property
    def product_words(self) -> frozenset[str]:
        """Words of the products' brand and established names ("Respira" of "Respira-V")."""
        names = [n for p in self.ctx.products for n in (p.brand_name, p.established_name) if n]
        return frozenset(w for n in names for w in _LETTERS.findall(n.lower()))

    def names_product(self, phrase: str) -> bool:
        """A name or place made with a word of a product's name ("Wear Sonavia", "Dapravo")."""
        return bool(self.product_words) and any(
            w in self.product_words for w in _LETTERS.findall(phrase.lower())
        )

    @cached_property
    def staff_names(self) -> list[frozenset[str]]:
        return [frozenset(words(member.name)) for member in self.ctx.organisation.staff]

    def names_organisation(self, text: str) -> bool:
        """`text` holds one of the organisation's names ("Kettleby Memorial turns 100")."""
        lowered = text.lower()
        return any(name.lower() in lowered for name in self.ctx.organisation.names if name)

    def is_org_place(self, phrase: str) -> bool:
        """A place the organisation names as its own (a location name, street or town)."""
        lowered = phrase.lower().strip()
        if not lowered:
            return False
        tokens = words(lowered)
        padded = f" {' '.join(tokens)} "
        if tokens and any(padded in phrase for phrase in self._padded_org_phrases):
            return True
        return bool(tokens) and all(t in self.org_words for t in tokens)

    def names_staff(self, phrase: str) -> bool:
        """Every word of `phrase` belongs to one staff member's name ("Kenji")."""
        tokens = frozenset(words(phrase))
        return bool(tokens) and any(tokens <= staff for staff in self.staff_names)

    @cached_property
    def web_labels(self) -> frozenset[str]:
        """The first label of every web address in the text ("pulsetrack" of pulsetrack.example.com)."""
        return frozenset(m.group(1).lower() for m in _WEB_ADDRESS.finditer(self.text))

    def owns_domain(self, host: str) -> bool:
        host = host.lower().removeprefix("www.")
        return any(host == d or host.endswith("." + d) for d in self.org_domains)
