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
        Pattern(
            "age before years old", rf"\b{_OLD}(?=(?:\s+|-)(?:years?|yrs?)(?:\s+|-)(?:old|young)\b)", 0.85
        ),
        # "At 102, Rosalind ..."
        # "At 93, she ...", "At 91 he's still our most punctual customer"
        Pattern(
            "age opening a clause",
            rf"(?<=(?:^|[.!?]\s+|\s)(?i:at)\s){_OLD}(?=,\s|\s+(?i:he|she|they|he's|she's|they're)\b)",
            0.6,
        ),
        Pattern(
            "age before today",
            rf"(?<=(?:,|\b(?:is|be|was|him|her|now|are|am))\s+){_OLD}(?=\s+(?:today|this|on|tomorrow)\b)",
            0.8,
        ),
        # "Albert Quiñones, 91, finished ...", "Florence (96!)": a name's letters beyond ASCII too
        Pattern("age in apposition", rf"(?<=(?-i:\b\p{{Lu}}[\p{{Ll}}'.-]+),\s){_OLD}(?=\s*[,;)])", 0.75),
        Pattern("age in brackets", rf"(?<=(?-i:\b\p{{Lu}}[\p{{Ll}}'.-]+)\s\(){_OLD}(?=!?\))", 0.75),
        Pattern(
            "age after is",
            rf"(?<=\b(?:is|was|now|he['’]s|she['’]s|i['’]m)\s+){_OLD}(?=\s*(?:and|but|,|\.|!|$))(?!\s*%)",
            0.6,
        ),
        # "96 candles wouldn't fit", "102 candles?? the fire marshal said no"
        Pattern("age in candles", rf"\b{_OLD}(?=\s+candles\b)", 0.8),
        Pattern("ordinal birthday", rf"\b{_OLD}(?=(?:st|nd|rd|th)\s+birthday\b)", 0.85),
        # a form-like line: "Name: Lorne · Age: 91"
        Pattern("age after an age label", rf"(?<=\b(?i:age)\s*:\s*){_OLD}\b", 0.85),
        # a relative in apposition: "his great-grandma, 92, came along"
        Pattern(
            "age after a relative",
            rf"(?<=\b(?i:grandma|grandpa|grandmother|grandfather|great-grandma|great-grandpa|great-grandmother"
            rf"|great-grandfather|mom|mother|dad|father|aunt|uncle|husband|wife|neighbou?r),\s){_OLD}(?=\s*,)",
            0.75,
        ),
        Pattern("happy ordinal", rf"(?<=\b(?i:happy)\s+){_OLD}(?=(?:st|nd|rd|th)\b)", 0.85),
        Pattern("age before y/o", rf"\b{_OLD}(?=\s*(?i:y/o|y\.o\.|yo|yrs?\.?\s+old)(?!\w))", 0.85),
        # "A spry 97, Otto walked out ..."
        Pattern(
            "age before a name",
            rf"(?<=(?:^|[.!?]\s+)(?i:a|an)\s+\p{{Ll}}+\s+){_OLD}(?=,\s+\p{{Lu}}\p{{Ll}})",
            0.6,
        ),
    )


_TENS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_OLD_WORDS = (
    rf"(?:ninety(?:[-\s]{_TENS})?|(?:one|a)\s+hundred(?:\s+(?:and\s+)?(?:{_TENS}|ten|eleven|twelve|"
    rf"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[-\s]{_TENS})?))?)"
)


class SpelledAgeRecognizer(DataRecognizer):
    """Ages of 90 and over in words ("turns ninety-three", "a hundred years old")."""

    ENTITY = "AGE"
    PATTERNS = (
        Pattern(
            "age in words after turns/aged",
            rf"(?<=\b(?:turns|turned|turning|aged?|age\s+of)\s+){_OLD_WORDS}\b",
            0.85,
        ),
        Pattern(
            "age in words before years old",
            rf"\b{_OLD_WORDS}(?=(?:\s+|-)years?(?:\s+|-)(?:old|young)\b)",
            0.85,
        ),
        # "Ninety-four and still the fastest knitter", "she's \"ninety-eight and three-quarters\""
        Pattern(
            "age in words opening a sentence or after is",
            rf"(?:(?<=^|[.!?]\s+)|(?<=\b(?:is|was|she's|he's|she’s|he’s|i'm|i’m)\s+[\"“]?)){_OLD_WORDS}"
            r"(?=\s+and\s+(?:still|three-quarters|a\s+half|counting|going)\b|[,!\"”])",
            0.75,
        ),
        Pattern(
            "age in words before birthday",
            rf"\b{_OLD_WORDS[:-1]}|ninetieth|hundredth)(?=\s+birthday\b)",
            0.85,
        ),
    )
