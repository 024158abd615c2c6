"""Room and bed numbers of an inpatient ("room 412B", "bed 7"), a dialysis chair ("chair 14"), a
care-home suite or cottage, a pickup locker: other unique codes (Safe Harbor R)."""

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
        Pattern(
            "dialysis or infusion chair, care-home cottage, pickup locker",
            r"\b(?:chair|cottage|locker)\s*(?:no\.?\s*|#\s*)?(?:\d{1,3}(?:-?(?-i:[A-Z]))?|(?-i:[A-Z])-?\d{1,3})\b",
            0.7,
        ),
        Pattern(
            # "our friend in suite 204", "moved into Suite 114": where someone stays; not an
            # address ("1500 Lakeview Dr, Suite 210", "book at Suite 120")
            "suite someone is in",
            r"(?<=\b(?:in|into|to|from)\s)suite\s*(?:no\.?\s*|#\s*)?(?:\d{1,4}(?:-?(?-i:[A-Z]))?|(?-i:[A-Z])-?\d{1,4})\b",
            0.7,
        ),
    )
