"""presidio's engine pieces adapted to a pipeline the checker already ran.

`SharedSpacyNlpEngine` turns the checker's spaCy doc into presidio's `NlpArtifacts`;
`WeakResultEnhancer` applies presidio's context scoring only where a result needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex  # type: ignore[import-untyped]
from presidio_analyzer import EntityRecognizer, LemmaContextAwareEnhancer, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from guardrails.phi.recognizers import SPACY_LABELS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# A result below this score is dropped; weak shapes reach it only with a context word.
SCORE_THRESHOLD = 0.4
_PUNCT = regex.compile(r"[\p{P}\p{S}]+")


class SharedSpacyNlpEngine(SpacyNlpEngine):
    """presidio's spaCy engine around an already loaded pipeline (no download, no second load)."""

    def __init__(self, nlp: Language, context_words: frozenset[str] = frozenset()) -> None:
        # spaCy counts "call" as a stop word, and presidio drops stop words before it looks for a
        # recognizer's context words: "call you at 5550142266" would never find its "call".
        self._stop_words = frozenset(STOP_WORDS) - context_words
        configuration = NerModelConfiguration(
            model_to_presidio_entity_mapping=dict(SPACY_LABELS),
            labels_to_ignore=[],
        )
        super().__init__(
            models=[{"lang_code": "en", "model_name": str(nlp.meta.get("name", "shared"))}],
            ner_model_configuration=configuration,
        )
        # presidio declares `nlp` as None until load(); ours is loaded already.
        self.nlp = {"en": nlp}  # type: ignore[assignment]

    def load(self) -> None:
        """The pipeline was loaded by guardrails.nlp; nothing to do."""

    def artifacts(self, doc: Doc) -> NlpArtifacts:
        """presidio's view of a doc the checker already computed.

        New spans carry presidio's labels, so the shared doc's own entities are never
        relabelled. The pipeline has no lemmatizer: lower-cased words stand in for
        lemmas in context matching.
        """
        entities = [
            Span(doc, ent.start, ent.end, label=SPACY_LABELS[ent.label_])
            for ent in doc.ents
            if ent.label_ in SPACY_LABELS
        ]
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lower_ for token in doc],
            nlp_engine=self,
            language="en",
            scores=[float(self.ner_model_configuration.default_score or 0.85)] * len(entities),
        )

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        return self.artifacts(doc)

    # presidio asks these for every token when it builds context keywords; a set
    # lookup is much cheaper than a vocabulary lookup.
    def is_stopword(self, word: str, language: str) -> bool:
        return word in self._stop_words

    def is_punct(self, word: str, language: str) -> bool:
        return _PUNCT.fullmatch(word) is not None


class WeakResultEnhancer(LemmaContextAwareEnhancer):
    """presidio's lemma context enhancer, applied only to results that need it.

    A result already at or above the threshold is kept whatever its context, so
    only the weak ones are deep-copied and scored (presidio copies every result).
    """

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        weak = [r for r in raw_results if r.score < SCORE_THRESHOLD]
        if not weak:
            return raw_results
        strong = [r for r in raw_results if r.score >= SCORE_THRESHOLD]
        enhanced: list[RecognizerResult] = super().enhance_using_context(
            text, weak, nlp_artifacts, recognizers, context
        )
        return strong + enhanced
