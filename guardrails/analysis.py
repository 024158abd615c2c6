"""One text prepared once for every rule: normalised form, offset map and a shared spaCy doc."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from guardrails.normalize import NormalizedText, normalize

if TYPE_CHECKING:
    from spacy.tokens import Doc

NlpCallable = Callable[[str], "Doc"]
T = TypeVar("T")


class AnalyzedText:
    """The text a rule sees. Match on `text` (normalised); report spans with `span()`.

    The spaCy doc is computed at most once, on first use, and shared by all rules;
    a batch caller may pass docs it already computed with `nlp.pipe`.
    """

    def __init__(self, original: str, nlp: NlpCallable | None = None, doc: Doc | None = None) -> None:
        self.normalized: NormalizedText = normalize(original)
        self._nlp = nlp
        self._shared: dict[Hashable, tuple[object, Any]] = {}
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

    def shared(self, key: Hashable, source: object, compute: Callable[[], T]) -> T:
        """A value several rule families derive alike from this text and `source`, computed once.

        `key` names how the value is made (e.g. which lexicon file); `source` is the other
        input, such as the context's products. A hit needs the very same `source` object,
        which the cache keeps alive, so a recycled id can never return another input's value.
        Callers must treat the value as read-only.
        """
        cached = self._shared.get(key)
        if cached is not None and cached[0] is source:
            value: T = cached[1]
            return value
        value = compute()
        self._shared[key] = (source, value)
        return value

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the submitted text."""
        return self.normalized.to_original(start, end)
