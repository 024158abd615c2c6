"""A linear text classifier trained on the labelled dev posts: what the phrase rules miss.

The model is TF-IDF over lower-cased words and word pairs with one logistic regression per
category (scikit-learn's `TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` and
`LogisticRegression`, trained by `python -m evals.text_model`). Scoring needs no library:
this module recomputes the same features from the weights file, so the guardrails stay free
of scikit-learn, of any network and of any model download.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guardrails.config import ConfigError
from guardrails.datafiles import read_data_text

TEXT_MODEL = "models/text_classifier.json"
# scikit-learn's default token pattern: words of two or more word characters.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


class CategoryModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(gt=0, lt=1)
    intercept: float
    weights: list[float]


class TextModel(BaseModel):
    """The weights file: one shared vocabulary and idf, one weight vector per category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    trained_on: str = Field(min_length=1)
    vocabulary: list[str] = Field(min_length=1)
    idf: list[float]
    categories: dict[str, CategoryModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _aligned(self) -> TextModel:
        size = len(self.vocabulary)
        if len(self.idf) != size or any(len(c.weights) != size for c in self.categories.values()):
            raise ValueError("idf and every weight vector must have one entry per vocabulary term")
        if len(set(self.vocabulary)) != size:
            raise ValueError("the vocabulary repeats a term")
        return self


def model_input(text: str, content_type: str, platform: str) -> str:
    """The string the classifier reads: the post with its content type and platform as words."""
    return f"__ct_{content_type} __pf_{platform} {text}"


class TextClassifier:
    """Probabilities per category for a text, as the trained pipeline would give them."""

    def __init__(self, model: TextModel) -> None:
        self.trained_on = model.trained_on
        self._index = {term: i for i, term in enumerate(model.vocabulary)}
        self._idf = model.idf
        self._categories = model.categories

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self._categories)

    def threshold(self, category: str) -> float:
        return self._categories[category].threshold

    def probabilities(self, text: str) -> dict[str, float]:
        features = self._features(text)
        return {
            name: _sigmoid(model.intercept + sum(model.weights[i] * value for i, value in features))
            for name, model in self._categories.items()
        }

    def _features(self, text: str) -> list[tuple[int, float]]:
        tokens = _TOKEN.findall(text.lower())
        grams = Counter(tokens)
        grams.update(f"{a} {b}" for a, b in pairwise(tokens))
        weighted = [
            (i, (1.0 + math.log(count)) * self._idf[i])
            for term, count in grams.items()
            if (i := self._index.get(term)) is not None
        ]
        norm = math.sqrt(sum(value * value for _, value in weighted))
        return [(i, value / norm) for i, value in weighted] if norm else []


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def load_text_classifier(name: str = TEXT_MODEL) -> TextClassifier:
    """Read and validate the weights file; a missing or bad file raises ConfigError (fail closed)."""
    try:
        model = TextModel.model_validate(json.loads(read_data_text(name)))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"text model {name!r} is not valid JSON: {exc.msg}") from None
    except ValidationError as exc:
        raise ConfigError(f"text model {name!r} is invalid: {exc}") from None
    return TextClassifier(model)
