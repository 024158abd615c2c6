"""The identifier detector: every identifier in a text, whoever it belongs to, with placeholders.

Context-free on purpose: it serves the PHI firewall that masks a brief before a
model sees it, and `POST /v1/redact`. A staff member's name is masked like a
patient's; the drafting side restores what the organisation's own facts allow.
Spans in the result point into the text as submitted (before normalisation).

    redactor = build_redactor()          # loads spaCy, presidio and our recognizers
    result = redactor.redact("Call Maria Lopez at 555-0142")
    result.text      -> "Call [PERSON_1] at [PHONE_1]"
    result.entities  -> [{entity: PERSON, start: 5, end: 16}, {entity: PHONE, start: 20, end: 28}]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from guardrails.analysis import AnalyzedText
from guardrails.findings import Entity
from guardrails.phi.engine import Detection, PhiEngine
from guardrails.phi.lexicon import PhiLexicon, eponym_after

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class RedactedEntity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    entity: Entity
    start: int
    end: int


class RedactionResult(BaseModel):
    """`text` with typed placeholders ([PERSON_1], [PHONE_2]); `entities` index the submitted text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    entities: list[RedactedEntity]


class Redactor:
    """Masks identifiers of every kind. Build it with `build_redactor()`; it holds models."""

    def __init__(self, engine: PhiEngine, lexicon: PhiLexicon) -> None:
        self._engine = engine
        self._regions = frozenset(lexicon.large_regions)
        self._eponym = eponym_after(lexicon)

    def redact(self, text: str) -> RedactionResult:
        return self._redact(AnalyzedText(text, nlp=self._engine.nlp))

    def redact_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[RedactionResult]:
        """Redact in order, running spaCy over each batch with `nlp.pipe`."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, texts: list[str]) -> Iterator[RedactionResult]:
        analyzed = [AnalyzedText(text) for text in texts]
        docs: Iterable[Doc] = self._engine.nlp.pipe(a.text for a in analyzed)
        for text, doc in zip(texts, docs, strict=True):
            yield self._redact(AnalyzedText(text, doc=doc))

    def identifiers(self, text: AnalyzedText) -> list[Detection]:
        """The identifiers to mask in `text`, spans over its normalised form."""
        kept = []
        for detection in self._engine.detect(text.text, text.doc):
            if detection.entity is None:
                continue  # an organisation's name is not an identifier of a person
            value = text.text[detection.start : detection.end]
            if detection.kind == "LOCATION" and value.lower().removeprefix("the ") in self._regions:
                continue  # states and countries are larger than Safe Harbor's units
            if detection.kind == "PERSON" and self._eponym.match(
                text.text[detection.end : detection.end + 30]
            ):
                continue  # "Parkinson's disease" names a disease
            kept.append(detection)
        return kept

    def _redact(self, text: AnalyzedText) -> RedactionResult:
        original = text.original
        numbers: dict[tuple[Entity, str], int] = {}
        counts: dict[Entity, int] = {}
        pieces: list[str] = []
        entities: list[RedactedEntity] = []
        cursor = 0
        for detection in self.identifiers(text):
            entity = detection.entity
            assert entity is not None
            start, end = text.span(detection.start, detection.end)
            if start < cursor:
                continue
            # The same value gets the same placeholder, so a model can still tell people apart.
            key = (entity, text.text[detection.start : detection.end].lower())
            if key not in numbers:
                counts[entity] = counts.get(entity, 0) + 1
                numbers[key] = counts[entity]
            pieces.append(original[cursor:start])
            pieces.append(f"[{entity.value}_{numbers[key]}]")
            entities.append(RedactedEntity(entity=entity, start=start, end=end))
            cursor = end
        pieces.append(original[cursor:])
        return RedactionResult(text="".join(pieces), entities=entities)


def build_redactor(nlp: Language | None = None, lexicon_path: Path | None = None) -> Redactor:
    """Load the spaCy pipeline (unless given the checker's), presidio and our recognizers."""
    from guardrails.nlp import load_pipeline
    from guardrails.phi.lexicon import load_dictionary, load_given_names, load_lexicon

    lexicon = load_lexicon(lexicon_path)
    pipeline = nlp if nlp is not None else load_pipeline()
    engine = PhiEngine(
        pipeline,
        lexicon,
        load_dictionary(lexicon.dictionary_file),
        load_given_names(lexicon.given_names_file),
    )
    return Redactor(engine, lexicon)
