"""Which detection keeps a stretch of text when several recognizers found it, and names
inside a place's name ("St. Brendan's School") that are part of that place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from guardrails.phi.entities import RANK
from guardrails.phi.place_shapes import PLACE_END

if TYPE_CHECKING:
    from guardrails.phi.engine import Detection


def resolve_overlaps(detections: list[Detection]) -> list[Detection]:
    """Keep one detection per stretch of text: higher rank, then score, then length.

    A street address keeps the unit inside it ("482 Hawthorn Ave Apt 3" is one address,
    not a room number with some words before it).
    """
    streets = [d for d in detections if d.kind == "STREET_ADDRESS"]
    detections = [
        d
        for d in detections
        if d.kind != "ROOM_BED"
        or not any(
            s.start <= d.start and d.end <= s.end and s.end - s.start > d.end - d.start for s in streets
        )
    ]
    ordered = sorted(detections, key=lambda d: (-RANK.get(d.kind, 0), -d.score, -(d.end - d.start), d.start))
    kept: list[Detection] = []
    for detection in ordered:
        if all(detection.end <= other.start or other.end <= detection.start for other in kept):
            kept.append(detection)
    return sorted(kept, key=lambda d: (d.start, d.end))


def without_names_in_places(text: str, detections: list[Detection]) -> list[Detection]:
    """ "a second grader at St. Brendan's School": the saint is part of the school's name, and the
    school, not the saint, is the identifier."""
    places = [
        d for d in detections if d.kind == "LOCATION" and PLACE_END.search(text, d.start, d.end) is not None
    ]
    return [
        d
        for d in detections
        if d.kind != "PERSON"
        or not any(
            p.start <= d.start and d.end <= p.end and p.end - p.start > d.end - d.start for p in places
        )
    ]
