"""The `missing_disclaimer` family's lexicon (data/lexicons/disclaimers.yaml), validated at
start-up (a pattern that does not compile refuses to start), and compiled once into one
alternation per list."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guardrails.rules.literal_gate import GatedUnion
from guardrails.rules.question_invitations import QuestionPatterns


class DisclaimerLexicon(BaseModel):
    """The validated contents of data/lexicons/disclaimers.yaml (every entry a regular expression)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    results_statements: list[str] = Field(min_length=1)
    before_after_patterns: list[str] = Field(min_length=1)
    outcome_patterns: list[str] = Field(min_length=1)
    story_change: list[str] = Field(min_length=1)
    story_care: list[str] = Field(min_length=1)
    staff_feature: list[str] = Field(min_length=1)
    quote_first_person: list[str] = Field(min_length=1)
    testimonial_speaker_patterns: list[str] = Field(min_length=1)
    attribution_verbs: list[str] = Field(min_length=1)
    connection_patterns: list[str] = Field(min_length=1)
    disclosure_patterns: list[str] = Field(min_length=1)
    ambiguous_tags: list[str]
    voice_connection_patterns: list[str]
    # thanks for a gift; a connection when the text names the organisation as the giver
    gift_thanks_patterns: list[str] = Field(default_factory=list)
    influencer_voice: list[str]
    question_invitations: list[str] = Field(min_length=1)
    health_context: list[str] = Field(min_length=1)
    not_advice_statements: list[str] = Field(min_length=1)
    emergency_statements: list[str] = Field(min_length=1)
    private_channel_statements: list[str] = Field(min_length=1)

    @field_validator("*", mode="after")
    @classmethod
    def _patterns_compile(cls, value: object) -> object:
        if isinstance(value, list):
            for pattern in value:
                try:
                    re.compile(pattern, re.IGNORECASE)
                except re.error as exc:
                    raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None
        return value


class DisclaimerPatterns:
    """The lexicon compiled once: each list matches as one alternation would, and a list's
    patterns whose literals a text lacks are not run on it (most of them, on most texts)."""

    def __init__(self, raw: DisclaimerLexicon) -> None:
        def union(patterns: list[str]) -> GatedUnion:
            return GatedUnion(patterns, re.IGNORECASE)

        self.results = union(raw.results_statements)
        self.before_after = union(raw.before_after_patterns)
        self.outcome = union(raw.outcome_patterns)
        self.story_change = union(raw.story_change)
        self.story_care = union(raw.story_care)
        self.staff_feature = union(raw.staff_feature)
        self.first_person = union(raw.quote_first_person)
        self.speaker = union(raw.testimonial_speaker_patterns)
        self.attribution = union(raw.attribution_verbs)
        self.connection = union(raw.connection_patterns)
        self.disclosure = union(raw.disclosure_patterns)
        self.ambiguous = union(raw.ambiguous_tags)
        self.voice_connection = union(raw.voice_connection_patterns)
        self.gift_thanks = union(raw.gift_thanks_patterns)
        self.influencer = union(raw.influencer_voice)
        self.questions = QuestionPatterns(
            invitation=union(raw.question_invitations),
            health=union(raw.health_context),
            not_advice=union(raw.not_advice_statements),
            emergency=union(raw.emergency_statements),
            private=union(raw.private_channel_statements),
        )
