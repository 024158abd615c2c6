"""Room and bed numbers of an inpatient ("room 412B", "bed 7"): other unique codes (Safe Harbor R)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DIGIT, DataRecognizer


class RoomBedRecognizer(DataRecognizer):
    ENTITY = "ROOM_BED"
    REQUIRES = DIGIT
    PATTERNS = (
        Pattern(
            "room or bed number",
            # not where vehicles stand ("ambulance bay 2", "loading bay 4")
            r"(?<!\b(?:ambulance|loading|parking|delivery|service|drive-through)\s)"
            r"\b(?:room|rm\.?|bed|bay|crib|bassinet|isolette|cubicle|unit|apt\.?|apartment)\s*(?:no\.?\s*|#\s*)?"
            r"(?:\d{1,4}(?:-\d{1,4})?(?:-?(?-i:[A-Z]))?|(?-i:[A-Z])-?\d{1,4})\b",
            0.7,
        ),
    )
