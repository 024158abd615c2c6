"""Dates with a day element ("November 19", "Nov 14", "3/14/1961", "Saturday the 14th") (Safe Harbor C).

A year alone is never matched: Safe Harbor keeps years. Whether a date is a
patient's (a birth, an admission, a visit) or an event's is decided by context
in guardrails.phi.decide, not here.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer

_MONTH = (
    r"(?-i:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?)"
)
_WEEKDAY = r"(?-i:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?:19|20)\d{2})"

MONTH_DAY = rf"\b{_WEEKDAY}?{_MONTH}\s+{_DAY}\b{_YEAR}?"
DAY_MONTH = rf"\b{_WEEKDAY}?{_DAY}\s+(?:of\s+)?{_MONTH}(?:\b|(?<=\.)){_YEAR}?"
# Not a fraction of a measure ("1/2 cup", "3/4 inch").
_MEASURE = (
    r"(?!\s*(?:cups?|tsp|tbsp|teaspoons?|tablespoons?|inch(?:es)?|in\.|miles?|oz|ounces?|lbs?|pounds?"
    r"|hours?|hrs?|mg|ml|kg|g\b|of\s+(?:a|an|the)\b"
    # a range of a count: "results develop over 2-3 months", "1-2 sessions"
    r"|(?:days|weeks|months|years|times|sessions|visits|treatments|doses|minutes|mins)\b))"
)
NUMERIC = rf"(?<![$€£\d.,])\b(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])(?:[/.-](?:19|20)?\d{{2}})?\b(?![/.-]\d){_MEASURE}"
ISO = r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"
# "14/09", "25/12/2025": day first, where the day cannot be a month
DAY_FIRST = (
    rf"(?<![$€£\d.,])\b(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2])(?:/(?:19|20)?\d{{2}})?\b(?![/.-]\d){_MEASURE}"
)
# "Admit date Apr-09": a form's short month and day
MONTH_DASH_DAY = rf"\b{_MONTH}-(?:0[1-9]|[12]\d|3[01])\b(?!-)"
# "on the 19th", "for the 3rd", "from June 2nd to the 9th": a day of the month alone, after a
# preposition, and not "the 3rd floor" or "the 2nd time".
DAY_ALONE = (
    r"(?<=\b(?:on|for|since|by|until|till|to)\s+)the\s+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b(?![-‐])"
    r"(?!\s+(?:floor|grade|graders?|time|times|day|week|month|year|round|dose|try|attempt|visit|place|row|pick|"
    r"anniversary|birthday|inning|period|level|edition|annual|of)\b)"
)
# "Saturday the 14th", "Tues the 17th", "Fri. the 20th"
WEEKDAY_ORDINAL = (
    r"\b(?-i:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?)"
    r"\s+the\s+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b"
)
# "Tues. 10/8", "Fri 3/14": an abbreviated weekday belongs to the date it names
WEEKDAY_NUMERIC = (
    r"\b(?-i:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?\s+(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])"
    r"(?:/(?:19|20)?\d{2})?\b(?![/.-]\d)"
)


_ROUND_THE_CLOCK = frozenset({"24/7", "24/7/365", "24-7"})


class CalendarDateRecognizer(DataRecognizer):
    ENTITY = "DATE"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern("month and day", MONTH_DAY, 0.6),
        Pattern("day and month", DAY_MONTH, 0.6),
        Pattern("numeric date", NUMERIC, 0.5),
        Pattern("iso date", ISO, 0.7),
        Pattern("day-first date", DAY_FIRST, 0.5),
        Pattern("month-dash-day", MONTH_DASH_DAY, 0.6),
        Pattern("weekday the nth", WEEKDAY_ORDINAL, 0.6),
        Pattern("weekday and numeric date", WEEKDAY_NUMERIC, 0.6),
        Pattern("the nth alone", DAY_ALONE, 0.5),
    )
    CONTEXT = ("born", "dob", "birth", "birthday", "admitted", "discharged", "surgery", "date", "died")

    def validate_result(self, pattern_text: str) -> bool | None:
        # "May 2" and "March 4" read as dates; "May be" never reaches here. A dotted short
        # form is more often a decimal ("6.5", "2.25"): only month.day with a two-digit day
        # ("12.05", "3.09") is kept, and context then decides whether it is a patient's.
        stripped = pattern_text.strip()
        if stripped in _ROUND_THE_CLOCK:
            return False  # "our 24/7 nurse line": hours a day and days a week
        if stripped.count(".") >= 1 and stripped.replace(".", "").isdigit() and len(stripped) <= 5:
            month, _, day = stripped.partition(".")
            return None if len(day) == 2 and day != "00" and len(month) <= 2 and day[0] in "0123" else False
        return None


_ORDINAL_WORD = (
    r"(?:twenty-|thirty-|twenty\s|thirty\s)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
    r"|nineteenth|twentieth|thirtieth"
)


_MONTH_ALONE = (
    r"(?<=\b(?:in|since|during|until|(?-i:early|late|mid)-?)\s)"
    r"(?-i:January|February|March|April|June|July|August|September|October|November|December)"
    r"\b(?![\s,]+\d)(?!\s+(?:is|was|will|has|had)\b)"
)


_MONTH_OWNED = (
    r"(?<=(?:\b(?:your|his|her|their)|['’]s)\s)"
    r"(?-i:January|February|March|April|June|July|August|September|October|November|December)"
    r"(?=\s+\p{Ll})"
)


# Context decides whose: "went home from the NICU on Christmas Eve" is a patient's, "closed on
# Christmas Day" the organisation's.
_HOLIDAY_EVENT = (
    r"(?<=\bon\s+)"
    r"(?-i:New\s+Year['’]s(?:\s+(?:Day|Eve))?|Christmas(?:\s+(?:Day|Eve))?|Valentine['’]s\s+Day|Halloween"
    r"|Thanksgiving(?:\s+Day)?|Independence\s+Day|the\s+Fourth\s+of\s+July|Easter(?:\s+Sunday)?)"
)


class SpelledDateRecognizer(DataRecognizer):
    """Dates written in words ("the fourteenth of February", "March the third"): no digit needed."""

    ENTITY = "DATE"
    PATTERNS = (
        Pattern(
            "ordinal word of month", rf"\b(?:the\s+)?(?:{_ORDINAL_WORD})\s+of\s+{_MONTH}(?:\b|(?<=\.))", 0.6
        ),
        Pattern("month and ordinal word", rf"\b{_MONTH}\s+(?:the\s+)?(?:{_ORDINAL_WORD})\b", 0.6),
        # "discharged on the fifth.": an ordinal word alone, only where no noun follows it
        # ("on the first try", "since the third grade" are not dates)
        Pattern(
            "the nth word alone",
            rf"(?<=\b(?:on|since|until|till|by)\s+)the\s+(?:{_ORDINAL_WORD})"
            r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:at|and|or|when|so|but|if|because|with|we|you|she|he|they)\b)",
            0.5,
        ),
        # "his surgery in January": a month alone is a date element too; context decides whose
        Pattern("month alone", _MONTH_ALONE, 0.5),
        # "your June hip replacement": a month someone's event is named by (not "May", a verb as often)
        Pattern("month after a possessive", _MONTH_OWNED, 0.5),
        # "born on New Year's Day": a holiday names a day; context decides whose
        Pattern("holiday of a life event", _HOLIDAY_EVENT, 0.6),
    )
