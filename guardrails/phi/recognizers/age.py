"""Ages of 90 and over (Safe Harbor C: such ages are identifiers; younger ages are not)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer

_OLD = r"(?:9\d|1[01]\d|12[0-2])"


class AgeRecognizer(DataRecognizer):
    ENTITY = "AGE"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern(
            "age after turns/aged",
            rf"(?<=\b(?:turns|turned|turning|aged?|age\s+of)\s+){_OLD}\b(?!\s*%)",
            0.85,
        ),
        Pattern("age before years old", rf"\b{_OLD}(?=(?:\s+|-)(?:years?|yrs?)(?:\s+|-)old\b)", 0.85),
        Pattern(
            "age before today",
            rf"(?<=(?:,|\b(?:is|be|was|him|her|now|are|am))\s+){_OLD}(?=\s+(?:today|this|on|tomorrow)\b)",
            0.8,
        ),
        Pattern("age in apposition", rf"(?<=(?-i:\b[A-Z][a-z'.-]+),\s){_OLD}(?=\s*[,;)])", 0.75),
        Pattern("age in brackets", rf"(?<=(?-i:\b[A-Z][a-z'.-]+)\s\(){_OLD}(?=\))", 0.75),
        Pattern("age after is", rf"(?<=\b(?:is|was|now)\s+){_OLD}(?=\s*(?:and|but|,|\.|!|$))(?!\s*%)", 0.6),
        Pattern("ordinal birthday", rf"\b{_OLD}(?=(?:st|nd|rd|th)\s+birthday\b)", 0.85),
    )
