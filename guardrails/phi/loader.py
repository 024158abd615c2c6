"""Build the PHI detector and its context judge: the one place that reads the PHI lexicons.

Called from a rule family's `prepare()` or the redactor's factory, never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guardrails.phi.decide import ContextJudge
from guardrails.phi.engine import PhiEngine
from guardrails.phi.lexicon import (
    PhiLexicon,
    load_care_terms,
    load_dictionary,
    load_given_names,
    load_lexicon,
    load_public_figures,
)
from guardrails.phi.people import PeopleJudge
from guardrails.phi.scene import LexiconCues

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True, slots=True)
class PhiModels:
    lexicon: PhiLexicon
    engine: PhiEngine
    judge: ContextJudge


def load_phi(
    nlp: Language, lexicon_path: Path | None = None, public_figures_path: Path | None = None
) -> PhiModels:
    """presidio with our recognizers over `nlp`, and the lexicons context decides with."""
    lexicon = load_lexicon(lexicon_path)
    figures = load_public_figures(public_figures_path)
    engine = PhiEngine(
        nlp, lexicon, load_dictionary(lexicon.dictionary_file), load_given_names(lexicon.given_names_file)
    )
    # The first e-mail makes tldextract parse its public-suffix snapshot (about 0.3 s):
    # pay that here, at start-up, not on the first request.
    engine.detect("Warm-up: write to someone@example.com or call 555-0100 on March 3.")
    personal = load_care_terms(lexicon.personal_care_file) if lexicon.personal_care_file else []
    cues = LexiconCues(lexicon, personal_care_terms=personal)
    judge = ContextJudge(cues, PeopleJudge(frozenset(figures.names)), lexicon)
    return PhiModels(lexicon, engine, judge)
