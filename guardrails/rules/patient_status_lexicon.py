"""The patient-status lexicon: its file format (validated) and its compiled, ready form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guardrails.rules.literal_gate import GatedUnion, Matcher
from guardrails.rules.person_mentions import NameWords


class PatientStatusLexicon(BaseModel):
    """The validated contents of data/lexicons/patient_status.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    care_terms: list[str] = Field(min_length=1)
    care_suffixes: list[str]
    condition_terms: list[str] = Field(min_length=1)
    reply_terms: list[str] = Field(min_length=1)
    care_term_blockers: list[str]
    specific_items: list[str] = Field(min_length=1)
    scan_stopwords: list[str] = Field(min_length=1)
    generic_modifiers: list[str]
    encounter_terms: list[str]
    feeling_words: list[str]
    second_person_generic: list[str]
    booking_verbs: list[str]
    conditional_words: list[str]
    relatives: list[str]
    record_patterns: list[str] = Field(min_length=1)
    relationship_patterns: list[str] = Field(min_length=1)
    named_patient_patterns: list[str] = Field(min_length=1)
    care_setting_patterns: list[str] = Field(min_length=1)
    self_identifying_patterns: list[str] = Field(min_length=1)
    reply_patterns: list[str] = Field(min_length=1)
    fiction_patterns: list[str]
    not_a_patient_patterns: list[str]

    @field_validator(
        "care_terms",
        "care_suffixes",
        "condition_terms",
        "reply_terms",
        "care_term_blockers",
        "specific_items",
        "scan_stopwords",
        "generic_modifiers",
        "encounter_terms",
        "feeling_words",
        "second_person_generic",
        "booking_verbs",
        "conditional_words",
        "relatives",
    )
    @classmethod
    def _single_lower_words(cls, words: list[str]) -> list[str]:
        for word in words:
            if not word or word != word.lower() or not re.fullmatch(r"[^\W_]+(?:['\-][^\W_]+)*", word):
                raise ValueError(f"{word!r} must be one lower-case word")
        return words

    @field_validator(
        "record_patterns",
        "relationship_patterns",
        "named_patient_patterns",
        "care_setting_patterns",
        "self_identifying_patterns",
        "reply_patterns",
        "fiction_patterns",
        "not_a_patient_patterns",
    )
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None
        return patterns


def _compile(patterns: list[str]) -> tuple[Matcher, ...]:
    """One alternation per list, whose patterns run only on texts holding their literals."""
    if not patterns:
        return ()
    return (GatedUnion(patterns, re.IGNORECASE),)


@dataclass(frozen=True, slots=True)
class CompiledLexicon:
    care: frozenset[str]
    suffixes: tuple[str, ...]
    conditions: frozenset[str]
    reply_terms: frozenset[str]
    blockers: frozenset[str]
    items: frozenset[str]
    stopwords: frozenset[str]
    generic: frozenset[str]
    encounters: frozenset[str]
    feelings: frozenset[str]
    generic_you: frozenset[str]
    booking: frozenset[str]
    conditional: frozenset[str]
    relatives: frozenset[str]
    record: tuple[Matcher, ...]
    relationship: tuple[Matcher, ...]
    named: tuple[Matcher, ...]
    settings: tuple[Matcher, ...]
    identifying: tuple[Matcher, ...]
    reply: tuple[Matcher, ...]
    fiction: tuple[Matcher, ...]
    public: tuple[Matcher, ...]
    names: NameWords

    @classmethod
    def of(cls, raw: PatientStatusLexicon, names: NameWords) -> CompiledLexicon:
        return cls(
            care=frozenset(raw.care_terms),
            suffixes=tuple(raw.care_suffixes),
            conditions=frozenset(raw.condition_terms),
            reply_terms=frozenset(raw.reply_terms),
            blockers=frozenset(raw.care_term_blockers),
            items=frozenset(raw.specific_items),
            stopwords=frozenset(raw.scan_stopwords),
            generic=frozenset(raw.generic_modifiers),
            encounters=frozenset(raw.encounter_terms),
            feelings=frozenset(raw.feeling_words),
            generic_you=frozenset(raw.second_person_generic),
            booking=frozenset(raw.booking_verbs),
            conditional=frozenset(raw.conditional_words),
            relatives=frozenset(raw.relatives),
            record=_compile(raw.record_patterns),
            relationship=_compile(raw.relationship_patterns),
            named=_compile(raw.named_patient_patterns),
            settings=_compile(raw.care_setting_patterns),
            identifying=_compile(raw.self_identifying_patterns),
            reply=_compile(raw.reply_patterns),
            fiction=_compile(raw.fiction_patterns),
            public=_compile(raw.not_a_patient_patterns),
            names=names,
        )
