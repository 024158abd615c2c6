"""Posts that invite people to share personal medical questions or symptoms in public.

Such a post needs three lines of its own: that the answers are not medical advice, what
to do in an emergency, and a private channel to continue. The wording of each is in
data/lexicons/disclaimers.yaml; the disclaimers family compiles it and calls `missing_lines`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guardrails.rules.literal_gate import Matcher

# "Questions? Ask Samir at the counter", "Ask Grace Liu, PharmD or any of our immunizing
# pharmacists": asked in private, so no post invites them in public.
_IN_PERSON = re.compile(
    r"[^.!?\n]{0,30}?\b(?:in person|at the (?:counter|front desk|pharmacy)|in[- ]store"
    r"|at your (?:next )?(?:visit|appointment)"
    r"|any of our (?:[\w-]+ ){0,2}(?:pharmacists|nurses|doctors|dentists|providers|hygienists|staff))\b",
    re.IGNORECASE,
)
_IN_PERSON_REACH = 60  # characters after the invitation searched for where it is asked
# "a free evaluation with Dr. Greer will tell you if you're a candidate": an exam answers it.
_IN_PERSON_BEFORE = re.compile(
    r"\b(?:evaluation|exam|examination|consult|consultation|screening|assessment|appointment|visit)"
    r"\b(?:[^.!?\n]|(?<=\bdr)\.){0,30}$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class QuestionPatterns:
    invitation: Matcher
    health: Matcher
    not_advice: Matcher
    emergency: Matcher
    private: Matcher


@dataclass(frozen=True, slots=True)
class MissingLines:
    """An invitation to ask in public (its span) and the lines the post lacks."""

    span: tuple[int, int]
    missing: list[str]


def missing_lines(patterns: QuestionPatterns, text: str) -> MissingLines | None:
    """The lines a public invitation to ask about health lacks; None when there is no such
    invitation or it has every line."""
    if not patterns.health.search(text):
        return None
    invitation = next((m for m in patterns.invitation.finditer(text) if not _asked_in_person(text, m)), None)
    if invitation is None:
        return None
    missing = [
        what
        for what, pattern in (
            ("a line saying the answers are not medical advice", patterns.not_advice),
            ("an emergency line (call 911)", patterns.emergency),
            ("a way to continue privately (a phone number or private message)", patterns.private),
        )
        if not pattern.search(text)
    ]
    return MissingLines(invitation.span(), missing) if missing else None


def _asked_in_person(text: str, invitation: re.Match[str]) -> bool:
    start, end = invitation.span()
    return (
        _IN_PERSON.match(text, end, end + _IN_PERSON_REACH) is not None
        or _IN_PERSON_BEFORE.search(text, max(0, start - 50), start) is not None
    )
