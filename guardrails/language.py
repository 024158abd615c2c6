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
    def rank(self, text: str) -> list[tuple[str, float]]:
        """Every language with its probability, most likely first (probabilities sum to 1)."""
        ...


@dataclass(frozen=True, slots=True)
class LanguageGate:
    """Flags text confidently identified as a language outside `supported`.

    Short texts ("Congrats Dr. Okafor!") carry too little signal to judge, and
    hashtags and handles are not prose, so both are left to the rules.

    A text is unsupported when its most likely language is not supported and
    either that language is likely (`min_confidence`) or every supported
    language is all but ruled out (`max_supported_probability`): a Spanish
    notice full of English street and clinic names spreads its probability over
    Romance languages, yet English stays near zero.
    """

    identifier: LanguageIdentifier
    supported: frozenset[str] = frozenset({"en"})
    min_words: int = 4
    min_confidence: float = 0.8
    max_supported_probability: float = 0.005
    # The second test needs more words: a short English line packed with Spanish
    # names ("Dr. José Hernández joins Clínica Santa María") can score English low.
    min_words_low_support: int = 12

    def unsupported_language(self, text: str) -> str | None:
        prose = re.sub(r"[#@]\w+|https?://\S+|www\.\S+", " ", text)
        words = len(_WORD.findall(prose))
        if words < self.min_words:
            return None
        ranked = self.identifier.rank(prose)
        language, confidence = ranked[0]
        if language in self.supported:
            return None
        supported = sum(probability for name, probability in ranked if name in self.supported)
        if confidence >= self.min_confidence:
            return language
        if words >= self.min_words_low_support and supported <= self.max_supported_probability:
            return language
        return None


def load_language_gate(supported: frozenset[str] = frozenset({"en"})) -> LanguageGate:
    import py3langid.langid as langid

    model = Path(langid.__file__).parent / langid.MODEL_FILE
    identifier: LanguageIdentifier = langid.LanguageIdentifier.from_model_file(model, norm_probs=True)
    return LanguageGate(identifier=identifier, supported=supported)
