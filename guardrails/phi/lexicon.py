"""The validated word lists of the `phi` family (guardrails/data/lexicons/phi*.yaml)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

import regex  # type: ignore[import-untyped]
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guardrails.config import ConfigError

LEXICON_FILE = "lexicons/phi.yaml"
PUBLIC_FIGURES_FILE = "lexicons/phi_public_figures.yaml"


class _Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]


def _lower(values: list[str]) -> list[str]:
    cleaned = [value.strip().lower() for value in values]
    if any(not value for value in cleaned):
        raise ValueError("empty entry")
    return cleaned


class PhiLexicon(_Lexicon):
    """Cue words that let context decide whose an identifier is."""

    dictionary_file: str = Field(min_length=1)
    # Given names (guardrails/data/lexicons/first_names.yaml): a capitalised word that is one
    # is read as a name where an ordinary word would not be capitalised.
    given_names_file: str | None = None
    # A lexicon (under guardrails/data) whose `care_terms` and `condition_terms` also tie
    # care to the person a comment reply addresses ("your eczema", "your touch-up").
    personal_care_file: str | None = None

    honorifics: list[str] = Field(min_length=1)
    staff_titles: list[str] = Field(min_length=1)
    credentials: list[str] = Field(min_length=1)  # case-sensitive
    staff_roles: list[str] = Field(min_length=1)
    staff_cues: list[str] = Field(min_length=1)
    animal_words: list[str] = Field(min_length=1)
    eponym_nouns: list[str] = Field(min_length=1)
    eponym_nouns_bare: list[str] = Field(min_length=1)
    relation_words: list[str] = Field(min_length=1)
    patient_nouns: list[str] = Field(min_length=1)
    hashtag_name_prefixes: list[str] = Field(min_length=1)
    hashtag_name_suffixes: list[str] = Field(min_length=1)
    person_cues: list[str] = Field(min_length=1)
    weak_person_cues: list[str] = Field(min_length=1)
    person_after_cues: list[str] = Field(min_length=1)
    persona_cues: list[str] = Field(min_length=1)
    public_titles: list[str] = Field(min_length=1)
    care_cues: list[str] = Field(min_length=1)
    # Word endings that make a care word ("tonsillectomy", "bronchitis"): letters only.
    care_suffixes: list[str] = Field(default_factory=list)
    # Care words only when they are someone's ("your touch-up", "that appendix", "his physical").
    personal_care_cues: list[str] = Field(default_factory=list)
    date_life_cues: list[str] = Field(min_length=1)
    event_cues: list[str] = Field(min_length=1)
    residence_cues: list[str] = Field(min_length=1)
    # Words in an organisation's names or staff roles that make it a home its residents
    # receive care in: there, a named resident is a patient whatever the post celebrates.
    residential_care_cues: list[str] = Field(default_factory=list)
    organisation_phone_cues: list[str] = Field(min_length=1)
    public_numbers: list[str] = Field(min_length=1)
    public_domains: list[str] = Field(min_length=1)
    product_code_cues: list[str] = Field(min_length=1)
    not_name_words: list[str] = Field(min_length=1)
    # Nouns that, right after a capitalised name, make it a brand, product or programme
    # ("the Pulsetrack band", "Snugglebug sleep sacks", "our Sweet Success class").
    thing_nouns: list[str] = Field(default_factory=list)
    common_words: list[str] = Field(min_length=1)
    large_regions: list[str] = Field(min_length=1)

    @field_validator(
        "honorifics",
        "staff_titles",
        "staff_roles",
        "staff_cues",
        "animal_words",
        "eponym_nouns",
        "eponym_nouns_bare",
        "relation_words",
        "patient_nouns",
        "hashtag_name_prefixes",
        "hashtag_name_suffixes",
        "person_cues",
        "weak_person_cues",
        "person_after_cues",
        "persona_cues",
        "public_titles",
        "care_cues",
        "personal_care_cues",
        "date_life_cues",
        "event_cues",
        "residence_cues",
        "residential_care_cues",
        "organisation_phone_cues",
        "public_domains",
        "product_code_cues",
        "not_name_words",
        "thing_nouns",
        "common_words",
        "large_regions",
    )
    @classmethod
    def _lowercase(cls, values: list[str]) -> list[str]:
        return _lower(values)

    @field_validator("care_suffixes")
    @classmethod
    def _suffixes(cls, values: list[str]) -> list[str]:
        if any(not (value.isalpha() and len(value) >= 3) for value in values):
            raise ValueError("a suffix is three or more letters")
        return [value.lower() for value in values]

    @field_validator("credentials", "public_numbers")
    @classmethod
    def _non_empty(cls, values: list[str]) -> list[str]:
        if any(not value.strip() for value in values):
            raise ValueError("empty entry")
        return [value.strip() for value in values]


class Dictionary(_Lexicon):
    """An English word list (the accessibility family's english_words.yaml format)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    words: str = Field(min_length=1)
    single_words: str = ""  # the unranked rest of the dictionary list


class GivenNames(_Lexicon):
    names: str = Field(min_length=1)  # the 1990 US census list
    world_names: str = ""  # more recent and non-US names (tools/world_names.py)
    nicknames: str = ""  # nicknames that are English words ("Hank", "Pops")


class PublicFigures(_Lexicon):
    names: list[str] = Field(min_length=1)

    @field_validator("names")
    @classmethod
    def _lowercase(cls, values: list[str]) -> list[str]:
        return _lower(values)


def _read(name: str, path: Path | None) -> Any:
    try:
        if path is None:
            raw = resources.files("guardrails.data").joinpath(name).read_text(encoding="utf-8")
        else:
            raw = path.read_text(encoding="utf-8")
        return yaml.safe_load(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read PHI lexicon {name}: {exc}") from None


def load_lexicon(path: Path | None = None) -> PhiLexicon:
    try:
        return PhiLexicon.model_validate(_read(LEXICON_FILE, path))
    except ValidationError as exc:
        raise ConfigError(f"invalid PHI lexicon: {exc}") from None


def load_dictionary(name: str) -> frozenset[str]:
    """The words of the dictionary file a PHI lexicon names (relative to guardrails/data)."""
    try:
        dictionary = Dictionary.model_validate(_read(name, None))
        return frozenset(dictionary.words.split()) | frozenset(dictionary.single_words.split())
    except ValidationError as exc:
        raise ConfigError(f"invalid dictionary {name}: {exc}") from None


def load_given_names(name: str | None) -> frozenset[str]:
    """The lower-case given names of the file a PHI lexicon names; none when it names none."""
    if name is None:
        return frozenset()
    try:
        given = GivenNames.model_validate(_read(name, None))
        return frozenset(f"{given.names} {given.world_names} {given.nicknames}".lower().split())
    except ValidationError as exc:
        raise ConfigError(f"invalid given-names list {name}: {exc}") from None


class _CareTerms(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    care_terms: list[str] = Field(min_length=1)
    condition_terms: list[str] = Field(min_length=1)


def load_care_terms(name: str) -> list[str]:
    """The care and condition words of another lexicon (the patient_status family's)."""
    try:
        terms = _CareTerms.model_validate(_read(name, None))
    except ValidationError as exc:
        raise ConfigError(f"invalid care-term lexicon {name}: {exc}") from None
    return [*terms.care_terms, *terms.condition_terms]


def load_public_figures(path: Path | None = None) -> PublicFigures:
    try:
        return PublicFigures.model_validate(_read(PUBLIC_FIGURES_FILE, path))
    except ValidationError as exc:
        raise ConfigError(f"invalid public-figure lexicon: {exc}") from None


def eponym_after(lexicon: PhiLexicon) -> Any:
    """Matches what follows a name that is an eponym: "'s disease", " syndrome" (used with `.match`)."""

    def alternation(words: list[str]) -> str:
        return "|".join(regex.escape(w) for w in words)

    return regex.compile(
        rf"^(?:['’]s\s+(?:{alternation(lexicon.eponym_nouns)})|\s+(?:{alternation(lexicon.eponym_nouns_bare)}))\b",
        regex.IGNORECASE,
    )
