"""Decide whether a text is in a language the rules can check.

The rules and the spaCy pipeline are English; checking Spanish copy with them
would pass it silently, so unsupported text becomes a `rule_error` instead.
py3langid ships its model inside the package (no download) and classifies a
post in well under a millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

_WORD = re.compile(r"[^\W\d_]{2,}")


class LanguageIdentifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...


@dataclass(frozen=True, slots=True)
class LanguageGate:
    """Flags text confidently identified as a language outside `supported`.

    Short texts ("Congrats Dr. Okafor!") carry too little signal to judge, and
    hashtags and handles are not prose, so both are left to the rules.
    """

    identifier: LanguageIdentifier
    supported: frozenset[str] = frozenset({"en"})
    min_words: int = 4
    min_confidence: float = 0.8

    def unsupported_language(self, text: str) -> str | None:
        prose = re.sub(r"[#@]\w+|https?://\S+|www\.\S+", " ", text)
        if len(_WORD.findall(prose)) < self.min_words:
            return None
        language, confidence = self.identifier.classify(prose)
        if language in self.supported or confidence < self.min_confidence:
            return None
        return language


def load_language_gate(supported: frozenset[str] = frozenset({"en"})) -> LanguageGate:
    import py3langid.langid as langid

    model = Path(langid.__file__).parent / langid.MODEL_FILE
    identifier: LanguageIdentifier = langid.LanguageIdentifier.from_model_file(model, norm_probs=True)
    return LanguageGate(identifier=identifier, supported=supported)
