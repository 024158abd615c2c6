"""Dates that are nobody's record whatever the text around them (an X thread's "1/3", a
schedule's lines, a day more than a lifetime ago), and whether the words around a date name
a life or care event ("born", "admitted", "surgery") rather than an offer to every reader."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]

from guardrails.phi.engine import Detection
from guardrails.phi.place_shapes import on_schedule_line
from guardrails.phi.scene import Scene
from guardrails.phi.wording import GENERIC_CARE, IN_A_NAME, WEB_ADDRESS, thread_counter

_FULL_YEAR = regex.compile(r"\b(1\d{3})\b")
# Older than anyone alive: a date with such a year is history, not a record.
_LIFETIME_YEARS = 110


def calendar_reason(scene: Scene, d: Detection) -> str | None:
    """Why this date is nobody's, from its shape and line alone; None when context must decide."""
    if thread_counter(scene.text, d.start, d.end):
        return "thread counter"
    if on_schedule_line(scene.text, d.start):
        return "schedule"  # "Dec. 2: Dunmore Heights Library / Dec. 4: Hollins Township Hall"
    oldest = scene.ctx.check_date.year - _LIFETIME_YEARS
    if any(int(year) < oldest for year in _FULL_YEAR.findall(scene.text, d.start, d.end)):
        return "historical date"  # "Dr. Virginia Apgar, born June 7, 1909"
    return None


def names_a_life_event(scene: Scene, d: Detection) -> bool:
    """A birth, admission, visit or death cue near the date: five words before, three after."""
    window = WEB_ADDRESS.sub(" ", scene.words_before(d.start, 5) + " " + scene.words_after(d.end, 3))
    return any(
        # "Our new Riverbend Birth Center opens March 2": a cue inside a name is the name's
        not IN_A_NAME.match(window, m.start())
        and (scene.is_reply or not GENERIC_CARE.search(window, 0, m.start()))
        for m in scene.cues.date_life.finditer(window)
    )
