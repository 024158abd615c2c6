"""How places and nicknames look in text, for the PHI engine's second reading of what the NER
model found: a school or street ending, a county, a preposition of place, a residence phrase,
a size nickname ("Big Mike"), a schedule's lines ("Dec. 2: Dunmore Heights Library")."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]

# "went home to Dover Falls", "lives in Kittery": what the NER model calls a person here is a place.
PLACE_END = regex.compile(
    r"\s(?-i:Elementary|Middle\s+School|High\s+School|High|Middle|School|Academy|Street|Avenue|Road|Lane|Boulevard"
    r"|Terrace|Circle|Acres|Manor|Gardens|Estates|Senior\s+Living|Assisted\s+Living|Nursing\s+Home"
    r"|County|Counties|Parish|Rd|Ct|Ave|Ln|Blvd|Hwy|Pkwy)\.?$"
)
# "the Greenport High varsity squad", "the Cobb Rd house": the model stops before the last word
PLACE_TAIL = regex.compile(
    r"\s(?-i:High(?:\s+School)?|Middle(?:\s+School)?|Elementary(?:\s+School)?|Academy|Rd|Ct|Ave|Ln|Blvd|Hwy"
    r"|Pkwy|Road|Street|Lane|Avenue|Court|Drive|Boulevard)(?![\p{L}\p{N}])\.?"
)
COUNTY_AFTER = regex.compile(r"(?:\s+(?:and|&)\s+\p{Lu}\p{Ll}+)?\s+[Cc]ount(?:y|ies)\b")
PLACE_PREPOSITION = regex.compile(r"\b(?:in|at|near|outside|across|around|throughout)\s+$", regex.IGNORECASE)
SIZE_NICKNAME = regex.compile(r"(?:Big|Lil|Little)\s+(\p{Lu}\p{Ll}+)")
FROM_BEFORE = regex.compile(r"\bfrom\s+$", regex.IGNORECASE)
RESIDENCE_BEFORE = regex.compile(
    r"\b(?:home\s+(?:to|in)|lives?\s+in|living\s+in|moved\s+(?:to|from|here\s+from)|grew\s+up\s+in"
    r"|native\s+of|residents?\s+of|raised\s+in|born\s+in)\s+$",
    regex.IGNORECASE,
)
# A line that opens with a date and a colon or dash: one stop of a schedule.
SCHEDULE_LINE = regex.compile(
    r"^[ \t]*(?:[•·*-][ \t]*)?(?:\p{L}{3,9}\.?,?\s+)?\p{L}{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?[ \t]*[:–—-]",
    regex.MULTILINE,
)


def on_schedule_line(text: str, position: int) -> bool:
    """ "Dec. 2: Dunmore Heights Library / Dec. 4: Hollins Township Hall": `position` is on one
    of two or more lines that each open with a date, a tour's or a clinic's stops."""
    line_start = text.rfind("\n", 0, position) + 1
    return SCHEDULE_LINE.match(text, line_start) is not None and len(SCHEDULE_LINE.findall(text)) >= 2
