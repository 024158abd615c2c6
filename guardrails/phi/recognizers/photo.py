"""References to a person's photo: full-face photographs are identifiers (Safe Harbor Q)."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]
from presidio_analyzer import Pattern

from guardrails.phi.recognizers.base import DataRecognizer

_NOUN = (
    r"(?:photos?|pictures?|pics?|selfies?|portraits?|headshots?|snapshots?|mugshots?|images?"
    r"|before[- /]and[- /]afters?|before/afters?|before-afters?)"
)

# What a photo or video shows of a person's face.
_SHOWN = r"(?:smiles?|grins?|faces?|reactions?|transformation|glow[- ]?up|before\s*(?:&|and|/)\s*after)"


class PhotoReferenceRecognizer(DataRecognizer):
    ENTITY = "PHOTO"
    REQUIRES = regex.compile(
        r"(?i)photo|picture|pic|selfie|portrait|headshot|snapshot|mugshot|image|before|smile|grin|face"
        r"|reaction|transformation|glow|swipe|scroll"
    )
    PATTERNS = (
        Pattern(
            "possessive photo reference",
            rf"\b(?:his|her|their|your)\s+(?:[\w'/-]+\s+){{0,3}}?{_NOUN}(?:\s+{_NOUN})?\b"
            r"(?:\s+(?:with|from)\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}?(?:team|staff|crew|nurses|doctors))?",
            0.7,
        ),
        # "Swipe to see his smile", "Swipe for her before & after": the post shows the person.
        Pattern(
            "swipe to see a person",
            rf"\b(?:swipe|scroll|tap)\s+(?:(?:right|left|through)\s+)?(?:to\s+(?:see|meet|watch)|for)\s+"
            rf"(?:his|her|their)\s+(?:[\w'-]+\s+){{0,2}}?(?:{_SHOWN}|{_NOUN})\b",
            0.7,
        ),
        # "His grin in the last slide", "Her first full smile is in the photo", "Watch his face at 0:12"
        Pattern(
            "a person's face in the media",
            rf"\b(?:his|her|their)\s+(?:[\w'-]+\s+){{0,3}}?{_SHOWN}\s+(?:(?:is|are)\s+)?(?:in|on)\s+"
            r"(?:the|this|our)\s+(?:[\w-]+\s+)?(?:photos?|pictures?|pics?|slides?|videos?|clips?|carousel|reel)\b",
            0.7,
        ),
        Pattern(
            "a person's face at a video time",
            rf"\b(?:watch|see)\s+(?:his|her|their)\s+{_SHOWN}\s+at\s+\d{{1,2}}:\d\d\b",
            0.7,
        ),
        # "Swipe to see him", "Pictured above with", "In the photo below", "That's her in the video":
        # a pointer to the post's own picture; whose picture it is, the context decides.
        Pattern(
            "pointer to the post's picture",
            r"\b(?:swipe|scroll)\s+(?:(?:right|left|through)\s+)?(?:to\s+see|for)\s+"
            r"(?:him|her|them|the\s+(?:big\s+)?moment)\b"
            r"|\bpictured(?:\s+(?:above|below|here|left|right))?\b"
            r"|\b(?:in\s+)?the\s+(?:(?:group|family)\s+)?(?:photos?|pictures?|pics?|video)\s+(?:above|below)\b"
            r"|\bthat['’]s\s+(?:him|her|them)\s+in\s+the\s+(?:photos?|pictures?|pics?|video)\b",
            0.6,
        ),
        # "Full-face before/after in slide 2", "Before & after pics in the carousel", "First family
        # photo in the carousel": a photo the post itself carries
        Pattern(
            "a photo in the post's slides",
            # (not the tail of "her before/after selfie in slide 2": the possessive pattern has it)
            rf"(?<!\b(?:his|her|their|your|[\w'’]+['’]s)\s+(?:[\w'/-]+\s+){{0,3}})"
            rf"\b(?:full[- ]face\s+)?(?:(?:first|family|group|new)\s+){{0,2}}"
            rf"(?:{_NOUN}|before\s*(?:&|and)\s*after\s+(?:pics?|photos?))\s+(?:(?:is|are)\s+)?(?:in|on)\s+"
            r"(?:the\s+)?(?:(?:last|next|first|second)\s+)?(?:slide(?:\s+\d+)?|carousel)\b",
            0.6,
        ),
        Pattern("a full-face photo", rf"\bfull[- ]face\s+{_NOUN}", 0.6),
        # "Camille's before and after photos": the name stays a name of its own
        Pattern(
            "a named person's photo",
            rf"(?<=\w['’]s\s)(?:[\w'/-]+\s+){{0,3}}?{_NOUN}\b",
            0.6,
        ),
        Pattern("photo of a named person", rf"\b{_NOUN}\s+of\s+(?-i:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b", 0.4),
    )
