"""presidio's analyzer, configured explicitly, over the spaCy pipeline the checker shares.

spaCy runs once per text: the checker's `AnalyzedText.doc` becomes presidio's
`NlpArtifacts` here, and `AnalyzerEngine.analyze(..., nlp_artifacts=...)` never calls
the pipeline again. `AnalyzerEngine()` without an NLP engine would try to download a
model, so it is never built that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex  # type: ignore[import-untyped]
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guardrails.findings import Entity
from guardrails.phi.emoji_split import NAME_KINDS, split_at_emoji
from guardrails.phi.entities import ENTITY_OF
from guardrails.phi.evidence import SPOUSE_AFTER, NameEvidence, name_words
from guardrails.phi.lexicon import PhiLexicon
from guardrails.phi.overlaps import resolve_overlaps, without_names_in_places
from guardrails.phi.place_shapes import (
    COUNTY_AFTER,
    FROM_BEFORE,
    PLACE_END,
    PLACE_PREPOSITION,
    PLACE_TAIL,
    RESIDENCE_BEFORE,
    SIZE_NICKNAME,
    on_schedule_line,
)
from guardrails.phi.presidio_engine import SCORE_THRESHOLD, SharedSpacyNlpEngine, WeakResultEnhancer
from guardrails.phi.recognizers import build_recognizers
from guardrails.phi.recognizers.given_name import GIVEN_NAME_RECOGNIZER, lone_given_name
from guardrails.phi.recognizers.hashtag_name import HASHTAG_RECOGNIZER
from guardrails.phi.recognizers.person_cues import CAPS_RECOGNIZER, MONTH_NAME_RECOGNIZER, PAIR_RECOGNIZER

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_BEFORE_AND = regex.compile(r"(?<![\p{L}'’.-])(\p{Lu}\p{Ll}+)(?:,\s|\s(?:and|&)\s)$")
_AFTER_AND = regex.compile(r"(?:,\s|\s(?:and|&)\s)(\p{Lu}\p{Ll}+)(?![\p{L}'’-])(?!\s\p{Lu})")
_TITLE_WORD = regex.compile(r"(\w+)\.?\s+")
_TRAILING = regex.compile(r"[\s,;:(\[{\"'“‘\p{So}\p{Sk}\p{Cf}-]+$")  # emoji too: "Rollo 👋"
# The NER model takes emoji before a name into it ("💛 Baby Amara"), and the variation
# selector of "✉️" (a combining mark) with them.
_LEADING = regex.compile(r"^[\s,;:)\]}\"'”’\p{So}\p{Sk}\p{Cf}\p{Mn}-]+")
_INITIAL_END = regex.compile(r"\b\p{Lu}\.$")
_ACRONYM = regex.compile(r"[A-Z&]{1,5}\.?")
_ORG_ACRONYM = regex.compile(r"[A-Z]{2,4}")
# "Sedation-free", "Kid-friendly": a hyphen then a lower-case English word makes an
# adjective, not a name ("Min-ji" stays a name).
_COMPOUND_ADJECTIVE = regex.compile(r"\p{L}-(\p{Ll}+)")
_PUNCT = regex.compile(r"[\p{P}\p{S}]+")
_JOINED = regex.compile(r",?\s+(?:and|&)\s+|,\s+")
# Kinds the NER model reads from capitals alone.
_MONTH_NAMES = frozenset({"april", "may", "june", "august"})
_FAX = regex.compile(r"\bfax(?:ed|ing)?\b[^.!?\n]{0,40}$", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Detection:
    """One identifier found in the normalised text (`start`/`end` index `AnalyzedText.text`)."""

    kind: str  # presidio entity type, e.g. "ROOM_BED", "STREET_ADDRESS", "ORGANIZATION"
    start: int
    end: int
    score: float
    recognizer: str

    @property
    def entity(self) -> Entity | None:
        """The Safe Harbor kind; None for organisations (context only, never an identifier)."""
        return ENTITY_OF.get(self.kind)


class PhiEngine:
    """Finds identifiers of every kind in a normalised text; context decides elsewhere."""

    def __init__(
        self,
        nlp: Language,
        lexicon: PhiLexicon,
        dictionary: frozenset[str] = frozenset(),
        given_names: frozenset[str] = frozenset(),
    ) -> None:
        self.nlp = nlp
        self._dictionary = dictionary
        self._given_names = given_names
        self.lexicon = lexicon
        self._recognizers = build_recognizers(lexicon, dictionary, given_names)
        context = frozenset(word.lower() for r in self._recognizers for word in (r.context or ()))
        self.nlp_engine = SharedSpacyNlpEngine(nlp, context)
        self._enhancer = WeakResultEnhancer(
            context_similarity_factor=0.35,
            min_score_with_context_similarity=SCORE_THRESHOLD,
            context_prefix_count=6,
            context_suffix_count=1,
            context_matching_mode="whole_word",
        )
        # The presidio analyzer these recognizers make; `detect` runs the same steps itself.
        self.analyzer = AnalyzerEngine(
            registry=RecognizerRegistry(recognizers=self._recognizers, supported_languages=["en"]),
            nlp_engine=self.nlp_engine,
            supported_languages=["en"],
            default_score_threshold=SCORE_THRESHOLD,
            context_aware_enhancer=self._enhancer,
        )
        self._entities = sorted({e for r in self._recognizers for e in r.supported_entities})
        self._titles = frozenset(lexicon.honorifics) | frozenset(lexicon.staff_titles)
        # "Grandma Rose", "Aunt Mae": a kinship word before a name is not part of it.
        self._leading = self._titles | frozenset(lexicon.relation_words) | frozenset(lexicon.common_words)
        self._not_names = frozenset(lexicon.not_name_words) | frozenset(lexicon.staff_roles)
        self._regions = frozenset(lexicon.large_regions)
        self._common = frozenset(lexicon.common_words)
        self._evidence = NameEvidence(lexicon, dictionary, given_names)

    def detect(self, text: str, doc: Doc | None = None) -> list[Detection]:
        """Identifiers in `text` (already normalised); `doc` is the shared spaCy doc of `text`."""
        if doc is None:
            doc = self.nlp(text)
        results = split_at_emoji(text, self._analyze(text, self.nlp_engine.artifacts(doc)))
        sentences = [(sent.start_char, sent.end_char) for sent in doc.sents] or [(0, len(text))]
        detections: list[Detection] = []
        products = self._evidence.marked_products(text)
        places = {(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")}
        for result in results:
            kind = str(result.entity_type)
            start, end = int(result.start), int(result.end)
            recognizer = str((result.recognition_metadata or {}).get("recognizer_name", ""))
            if not any(ch.isalnum() for ch in text[start:end]):
                continue  # "🏡": the NER model sometimes tags an emoji as a place
            if kind in NAME_KINDS and "\n" in text[start:end]:
                # "Marlowe St YMCA\n\nScreening": no name or place runs over a line break
                end = start + len(text[start:end].split("\n", 1)[0].rstrip())
                if end <= start:
                    continue
            if kind == "PERSON" and on_schedule_line(text, start):
                kind = "LOCATION"  # "Dec. 9: St. Casimir Parish, Lincoln Park": a stop's venue
            if (
                recognizer == GIVEN_NAME_RECOGNIZER
                and (start, end) in places
                and PLACE_PREPOSITION.search(text, max(0, start - 12), start)
            ):
                continue  # "the annual meeting in Denver": a place that is also a given name
            if kind in NAME_KINDS and products and not products.isdisjoint(name_words(text[start:end])):
                continue  # "Cardelle®" is a product: not a person or a place
            if (
                kind == "PERSON"
                and recognizer == "SpacyRecognizer"
                and RESIDENCE_BEFORE.search(text, max(0, start - 30), start)
            ):
                kind = "LOCATION"
            if recognizer == "SpacyRecognizer" and kind in NAME_KINDS:
                tail = PLACE_TAIL.match(text, end)
                if tail is not None:
                    end = tail.end()
            if kind in ("ORGANIZATION", "LOCATION") and self._named_person(text, start, end, sentences):
                kind = "PERSON"  # "Mason did so well with his first filling": the small model said ORG
            if kind == "PERSON" and COUNTY_AFTER.match(text, end):
                kind = "LOCATION"  # "serving Harlan and Pike counties"
            if kind == "PERSON" and PLACE_END.search(text, start, end):
                kind = "LOCATION"  # "Lakeview Elementary", "Cobblestone Lane": a school or street
            elif (
                kind == "ORGANIZATION"
                and recognizer == "SpacyRecognizer"
                and FROM_BEFORE.search(text, max(0, start - 6), start)
                and " " not in text[start:end]
                and text[start:end].lower() not in self._dictionary
            ):
                kind = "LOCATION"  # "drive back from Fairview": where someone comes from
            if kind == "PERSON":
                trimmed = self._trim_person(
                    text,
                    start,
                    end,
                    caps_name=recognizer == CAPS_RECOGNIZER,
                    month_name=recognizer == MONTH_NAME_RECOGNIZER,
                )
                if trimmed is None:
                    continue
                start, end = trimmed
                if text[start:end].islower() and not self._given_names.issuperset(
                    name_words(text[start:end])
                ):
                    continue  # "keratitis", "jollof rice", "ovalimab": lower case, and no given name
            elif kind == "ORGANIZATION" and _ORG_ACRONYM.fullmatch(text[start:end]):
                continue  # "DOB", "MRN", "ICU": record keywords and units, not organisations
            elif kind in ("LOCATION", "ORGANIZATION") and text[start:end].lower() in self._not_names:
                continue  # "in JSON format", "the ICU": a word that never names a place or a person
            elif kind in ("LOCATION", "ORGANIZATION") and self._capitalised_word(doc, text, start, end):
                continue  # "Fingerprint template ...": a sentence's first word, capitalised as such
            elif kind == "PHONE_NUMBER" and _FAX.search(text, 0, start):
                kind = "FAX_NUMBER"
            detections.append(Detection(kind, start, end, float(result.score), recognizer))
        detections = self._drop_ordinary_words(text, without_names_in_places(text, detections), sentences)
        groups = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("NORP", "LANGUAGE")]
        return resolve_overlaps(self._conjoined(text, detections, groups))

    def _analyze(self, text: str, artifacts: NlpArtifacts) -> list[RecognizerResult]:
        """What `AnalyzerEngine.analyze` does for our fixed recognizers, without its per-call
        bookkeeping (about 0.25 ms a post: recognizer lookup, and a pass over every result
        for each recognizer to offer it a context hook none of ours implements). Every
        recognizer, context for the weak results, presidio's threshold and de-duplication.
        """
        results: list[RecognizerResult] = []
        for recognizer in self._recognizers:
            found = recognizer.analyze(text=text, entities=self._entities, nlp_artifacts=artifacts)
            for result in found or ():
                metadata = result.recognition_metadata
                if metadata is None:
                    metadata = result.recognition_metadata = {}
                metadata.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, getattr(recognizer, "name", ""))
                metadata.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, recognizer.id)
                results.append(result)
        results = self._enhancer.enhance_using_context(text, results, artifacts, self._recognizers)
        # A name the NER model reads in a hashtag is a topic ("#NursesWeek"); dropped before
        # de-duplication so it does not swallow a first name found in a supportive hashtag.
        results = [
            result
            for result in results
            if result.score >= SCORE_THRESHOLD
            and not (
                result.entity_type in NAME_KINDS
                and (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY)
                != HASHTAG_RECOGNIZER
                and self._evidence.in_hashtag(text, result.start, result.end)
            )
        ]
        deduplicated: list[RecognizerResult] = EntityRecognizer.remove_duplicates(results)
        return deduplicated

    def _named_person(self, text: str, start: int, end: int, sentences: list[tuple[int, int]]) -> bool:
        """A single name the NER model read as a place or an organisation: a given name with person
        evidence, or a word that is not English before a person's verb ("Kenji lives on ...")."""
        word = text[start:end]
        nickname = SIZE_NICKNAME.fullmatch(word)
        if nickname is not None:
            return self._evidence.given_name(nickname.group(1))  # "Big Mike stops by", "Lil Sal"
        parts = word.split()
        if len(parts) == 2 and all(p.istitle() and p.lower() not in self._dictionary for p in parts):
            # "Walt Pomeroy and his wife June": a name and a surname the model read as a place
            return SPOUSE_AFTER.match(text, end) is not None
        if " " in word or not word.istitle() or word.lower() in self._regions:
            return False
        if not self._evidence.given_name(word):
            return word.lower() not in self._dictionary and self._evidence.person_verb_after(text, end)
        if PLACE_PREPOSITION.search(text, max(0, start - 12), start):
            return False  # "the annual meeting in Denver": the model's place stands
        sentence = next(((s, e) for s, e in sentences if s <= start < e), (0, len(text)))
        return self._evidence.has_evidence(text, start, end, sentence)

    def _drop_ordinary_words(
        self, text: str, detections: list[Detection], sentences: list[tuple[int, int]]
    ) -> list[Detection]:
        """Drop "names" made of dictionary words that nothing around them shows to be a person
        ("Boxed Warning", "Swelling, bruising, ...", "Tooth Fairy"); see guardrails.phi.evidence.

        A mention without evidence of its own is kept when the same words are a name with
        evidence elsewhere ("Dolores ('Dee' to everyone) ... Dee, the station is quiet").
        """
        persons = [d for d in detections if d.kind == "PERSON"]
        if not persons:
            return detections
        doubtful: set[Detection] = set()
        names: set[str] = set()
        for d in persons:
            span = text[d.start : d.end]
            if (
                d.recognizer == "SpacyRecognizer"
                and span.islower()
                and all(word in self._dictionary for word in span.split())
            ):
                # "counter's open till 8", "gym memberships": lower-case words the model called a name
                doubtful.add(d)
                continue
            if all(self._evidence.brand_shaped(word) for word in span.split()):
                doubtful.add(d)  # "Thanks to SoundNest for sending ...": a brand, evidence or not
                continue
            if not self._evidence.ordinary(span):
                names.update(name_words(span))
                continue
            sentence = next(((s, e) for s, e in sentences if s <= d.start < e), (0, len(text)))
            if d.recognizer != PAIR_RECOGNIZER and self._evidence.has_evidence(
                text, d.start, d.end, sentence
            ):
                names.update(name_words(span))
            else:
                doubtful.add(d)
        doubtful = {d for d in doubtful if not set(name_words(text[d.start : d.end])) <= names}
        # "Love, Jess, Tom & the boys": a word listed with a name is a name too.
        changed = True
        while changed:
            changed = False
            for d in list(doubtful):
                if d.recognizer != PAIR_RECOGNIZER and any(
                    _JOINED.fullmatch(text[min(d.end, k.end) : max(d.start, k.start)])
                    for k in persons
                    if k not in doubtful
                ):
                    doubtful.discard(d)
                    changed = True
        return [d for d in detections if d not in doubtful]

    def _conjoined(
        self, text: str, detections: list[Detection], groups: list[tuple[int, int]]
    ) -> list[Detection]:
        """ "Ana and Luis", "Chidi, Ifeoma and Ada": a capitalised word joined to a name is a name
        (not a people or a language in `groups`: "English, Spanish and Diné")."""
        extra: list[Detection] = []
        doubtful: list[Detection] = []
        for d in detections:
            if d.kind != "PERSON":
                continue
            before = _BEFORE_AND.search(text, 0, d.start)
            after = _AFTER_AND.match(text, d.end)
            for match in (before, after):
                if match is None:
                    continue
                word = match.group(1)
                if word.lower() in self._not_names or word.lower() in self._common:
                    continue
                if (match.start(1), match.end(1)) in groups:
                    doubtful.append(d)  # "Spanish and Diné": a language or a people, like its neighbour
                    continue
                if any(
                    o.kind == "LOCATION" and o.start < match.end(1) and match.start(1) < o.end
                    for o in detections
                ):
                    continue  # "Visiting from Florida, Hazel": already a place
                extra.append(Detection("PERSON", match.start(1), match.end(1), d.score * 0.8, "conjunction"))
        return [d for d in detections if d not in doubtful] + extra

    def _capitalised_word(self, doc: Doc, text: str, start: int, end: int) -> bool:
        """One English word that the NER model calls a place or organisation only because it
        opens a sentence."""
        word = text[start:end]
        if " " in word or word.lower() not in self._dictionary or not word[:1].isupper():
            return False
        return any(sent.start_char == start for sent in doc.sents)

    def _trim_person(
        self, text: str, start: int, end: int, *, caps_name: bool = False, month_name: bool = False
    ) -> tuple[int, int] | None:
        """Cut a name span to the name: no title ("Mr.", "Dr."), greeting or possessive.

        None when what is left is not name-like: a word that is never a name ("Lane",
        "Center"), or only ordinary words ("Healthy Steps").
        """
        span = text[start:end]
        leading = _LEADING.match(span)
        if leading is not None:
            start += leading.end()
            span = span[leading.end() :]
        for suffix in ("'s", "’s"):
            if span.endswith(suffix):
                span = span[: -len(suffix)]
        while True:
            match = _TITLE_WORD.match(span)
            if match is None:
                break
            word = match.group(1).lower()
            if word not in self._leading:
                break
            start += match.end()
            span = span[match.end() :]
        span = _TRAILING.sub("", span)
        span = span.rstrip(".") if not _INITIAL_END.search(span) else span
        words = [word.strip(".,'’").lower() for word in span.split()]
        if not words or not any(char.isalpha() for char in span):
            return None
        if all(word in self._titles for word in words):
            return None
        # "June Albright", "April Moss": a month opening a full name is a first name.
        checked = words[1:] if (len(words) > 1 or month_name) and words[0] in _MONTH_NAMES else words
        # "Nguyen Van An": in a full name of three or more words, a short syllable is a name
        full = len(words) >= 3 and all(token[:1].isupper() for token in span.split())
        if any(word in self._not_names and not (full and len(word) <= 2) for word in checked):
            return None
        if " ".join(words) in self._regions:
            return None
        if any(char.isdigit() for char in span) or any(
            m.group(1) in self._dictionary for m in _COMPOUND_ADJECTIVE.finditer(span)
        ):
            return None
        if not caps_name and all(_ACRONYM.fullmatch(token) for token in span.split()):
            return None  # an acronym ("CV", "ICU"), not a name
        if all(word in self._common or len(word) < 2 for word in words) and not lone_given_name(
            text, start, start + len(span), self._given_names
        ):
            return None  # "Healthy Steps"; but "Dr. Ortiz says Summer was the bravest"
        return start, start + len(span)
