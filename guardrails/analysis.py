"""One text prepared once for every rule: normalised form, offset map and a shared spaCy doc."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from guardrails.normalize import NormalizedText, normalize

if TYPE_CHECKING:
    from spacy.tokens import Doc

NlpCallable = Callable[[str], "Doc"]


class AnalyzedText:
    """The text a rule sees. Match on `text` (normalised); report spans with `span()`.

    The spaCy doc is computed at most once, on first use, and shared by all rules;
    a batch caller may pass docs it already computed with `nlp.pipe`.
    """

    def __init__(self, original: str, nlp: NlpCallable | None = None, doc: Doc | None = None) -> None:
        self.normalized: NormalizedText = normalize(original)
        self._nlp = nlp
        if doc is not None:
            self.__dict__["doc"] = doc

    @property
    def original(self) -> str:
        return self.normalized.original

    @property
    def text(self) -> str:
        return self.normalized.text

    @cached_property
    def doc(self) -> Doc:
        if self._nlp is None:
            raise RuntimeError("this checker was built without an NLP pipeline")
        return self._nlp(self.text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the submitted text."""
        return self.normalized.to_original(start, end)
