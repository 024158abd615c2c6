"""Wording around an identifier that says whose it is: where someone lives, studies or works
(not a venue or the clinic), whose number or handle it is, an event's room, an X thread's
counter, one person's age, and whether a contact identifier is tied to care. Read by
guardrails.phi.decide.ContextJudge."""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex  # type: ignore[import-untyped]

from guardrails.context import ContentType
from guardrails.phi.engine import Detection
from guardrails.phi.scene import Scene

if TYPE_CHECKING:
    from guardrails.phi.people import PersonCall

# "tried you at (555) 017-5561", "will call the number you posted above, 555-017-3660"
READERS_NUMBER = regex.compile(
    r"\byou\s+(?:at|on)\s*$|\b(?:number|cell|phone)\s+you\s+(?:posted|left|gave|shared|provided|listed|wrote|sent)"
    r"(?:\s+\w+)?\W*$",
    regex.IGNORECASE,
)
FOLLOW = regex.compile(
    r"\b(?:follow|following|via|visit|partners?|sponsor(?:ed)?\s+by)\W*$"
    # "Follow our hygienist Kelly Ames at @kelly.smiles": an invitation to follow someone
    r"|\bfollow(?:ing)?\b[^.!?\n]{0,60}\bat\s*$",
    regex.IGNORECASE,
)
EVENT_ROOM = regex.compile(
    r"\b(?:class(?:es)?|meeting|meets|held|conference|training|lecture|seminar|workshop|session\s+for\s+all"
    r"|support\s+groups?|join\s+us|is\s+now\s+(?:our|a|the)|quiet\s+room|family\s+room|lounge|chapel"
    r"|lactation\s+room|ask\s+any\s+nurse)\b",
    regex.IGNORECASE,
)
PROVIDER_NUMBER = regex.compile(r"\b(?:npi|dea)\W*$", regex.IGNORECASE)
# A sponsored or collaborative post: the handles in it are its partners' and creators', not
# patients' ("#collab", "Paid partnership with", "#ad We partnered with podcaster @...").
SPONSORED = regex.compile(
    r"#(?:ad|ads|sponsored|spon|partner|partnership|collab|gifted|ambassador)\b|\bpaid\s+partnership\b"
    r"|\bsponsored\b|\bin\s+(?:partnership|collaboration)\s+with\b|\bwe\s+partnered\s+with\b",
    regex.IGNORECASE,
)
# "Marisol Grant, DPT (@marisol.moves.pt)": the handle of the person just named
HANDLE_OF_NAMED = regex.compile(r"(?:,\s*[\p{L}-]{2,10})*\s*\(\s*")
# "at the Kellerton Library", "held in Riverside Park": a venue, not where someone lives.
VENUE = regex.compile(r"\b(?:at|held\s+in|hosted\s+(?:at|in|by)|with)\s+(?:the\s+)?$", regex.IGNORECASE)
ACRONYM = regex.compile(r"^[A-Z0-9&-]{2,6}$")
SCHOOL_OR_STREET = regex.compile(
    r"\b(?:Elementary|High|Middle|School|Academy|Preschool|Kindergarten|Street|Road|Lane|Avenue|Drive|Court"
    r"|Boulevard|Terrace|Way|Circle|Trail|Acres|Manor|Gardens|Estates|Rd|Ct|Ave|Ln|Blvd|Hwy|Pkwy)(?:\s+School)?\.?$"
)
# "your mother at Birchwood Senior Living": a care home is where its residents live.
CARE_HOME = regex.compile(
    r"\s(?:Senior\s+Living|Assisted\s+Living|Nursing\s+(?:Home|Center|Centre)|Retirement\s+(?:Home|Community"
    r"|Village)|Memory\s+Care|Care\s+(?:Home|Centre|Center)|Rest\s+Home)$"
)
# "Her husband, Arthur, ...", "his granddaughters Adaeze and Ify": a family member of someone
# in the story, named as such (not a fellow patient: "roommate", "treadmill neighbor").
KIN_BEFORE = regex.compile(
    r"\b(?:wife|husband|partner|spouse|fianc[eé]e?|daughters?|sons?|mother|mom|mum|father|dad|parents?"
    r"|sisters?|brothers?|siblings?|grand(?:son|daughter|child|mother|father|ma|pa|kids|children)s?"
    r"|aunt|uncle|niece|nephew|cousin|girlfriend|boyfriend|step(?:son|daughter|mother|father))"
    r"\s*,?\s*(?:\p{Lu}[\p{L}'’-]+\s*(?:,|and|&)\s*)*$",
    regex.IGNORECASE,
)
SCHOOL = regex.compile(r"\s(?:Elementary|Middle\s+School|High\s+School|Academy|Preschool)$")
RESIDENCE_AFTER_NAME = regex.compile(
    r"^\s*(?:,\s*(?:age\s+)?\d{1,3}\s*,)?\s*(?:of|from|in|at)\s*$", regex.IGNORECASE
)
EMPLOYER = regex.compile(
    r"\b(?:works?|working|worked|employed|job|crew|team|staff|students?|teachers?|residents?|evacuated|lives?"
    r"|living|years?|yrs|decades?|coworkers?|co-workers?|colleagues?|retired)\s+(?:at|from|of|in|to|with)"
    r"\s*(?:the\s+)?$|\bback\s+at\s*(?:the\s+)?$"
    # "a lineman for Canyon Electric Co-op", "Officer Whitley of the Redstone Mesa Police
    # Department", "second-chair violinist with the Larkspur Mills Symphony", "Hal taught Latin at":
    # trades no clinician has (a clinician's workplace is the organisation or a past post)
    r"|\b(?:officer|lt\.?|sgt\.?|captain|firefighter|lineman|linemen|engineer|carrier|clerk|cook|mechanic"
    r"|machinist|welder|violinist|musician|trucker|farmer|rancher|miner|logger|taught\s+\w+|drove\s+\w+(?:\s+\w+)?"
    r"|ran)\s+(?:at|of|for|with)\s*(?:the\s+)?$",
    regex.IGNORECASE,
)

_LINE_START = regex.compile(r"(?:^|\n)[ \t]*$")


def thread_counter(text: str, start: int, end: int) -> bool:
    """ "1/3 When Lauren and Chris first came to Bloom": an X thread's "post 1 of 3" opening a line."""
    parts = text[start:end].split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not _LINE_START.search(text, 0, start):
        return False
    number, total = int(parts[0]), int(parts[1])
    return 1 <= number <= total <= 10 and text[end : end + 1] in (" ", "\n", "")


ONE_PERSONS_AGE = regex.compile(
    r"(?<=\b(?:a|an|our|this|one)\s+)\d{2,3}(?=[- ]years?[- ]old\b)"
    # "the gentleman in room 710 turns 103 today", "a surprise 95th birthday", "102 candles"
    r"|(?<=\b(?:turns|turned|turning)\s+)\d{2,3}\b|\d{2,3}(?=(?:st|nd|rd|th)\s+birthday\b|\s+candles\b)",
    regex.IGNORECASE,
)


def linked(scene: Scene, d: Detection) -> bool:
    """Whether a contact identifier in this text (a phone, an e-mail, a handle) is tied to care:
    care words, someone's own care ("your touch-up"), or a reply that already shows someone's
    own number, which discloses them to everyone reading. A comment reply answers someone in
    public: only their own care links them ("thanks for sharing our flu shot hours" does not)."""
    if scene.ctx.content_type is ContentType.COMMENT_REPLY:
        # the first handle is the person the reply answers: care anywhere in it is theirs ("We
        # hear you, @lou. Ruth has an opening if you'd like to restart therapy for the panic attacks")
        whole = (0, len(scene.text)) if scene.text.find("@") == d.start else None
        return scene.personal_care or scene.has_personal_numbers or care_not_ours(scene, d, whole)
    return scene.care_linked or scene.personal_care or (scene.is_reply and scene.has_personal_numbers)


# The person a comment reply answers, named in its first sentence: "Hi Glenn!", "Glenda, we're
# so glad ...", "So glad to hear it, Renee!".
_GREETING_BEFORE = regex.compile(
    r"^\W*(?:(?:hi|hey|hello|dear|aww*|oh|yay|thanks|thank\s+you|congrats|congratulations"
    r"|welcome(?:\s+back)?)\b\W*)?$",
    regex.IGNORECASE,
)
_VOCATIVE_AFTER = regex.compile(r"\s*[!.?]")


def addressed(scene: Scene, d: Detection) -> bool:
    """Whether a name in a reply is the person it answers (so care anywhere in it is theirs)."""
    start, _ = scene.sentence(d.start)
    if start != scene.sentence(0)[0]:
        return False
    before, after = scene.text[start : d.start], scene.text[d.end : d.end + 3]
    greeted = _GREETING_BEFORE.search(before) is not None and after[:1] in (",", "!", ".")
    return greeted or (before.rstrip().endswith(",") and _VOCATIVE_AFTER.match(after) is not None)


OURS_BEFORE = regex.compile(r"\b(?:our|we|us)\s+(?:[\w-]+\s+)?$", regex.IGNORECASE)
_SOMEONE = regex.compile(
    r"\b(?:you|your|you're|you've|he|she|his|her|him|they|their|them)\b", regex.IGNORECASE
)


def care_for_addressee(scene: Scene, d: Detection) -> bool:
    """A reply's addressee is tied to care told of someone anywhere in it ("Hi Glenn! Since your
    sleep study showed ..."), but not to care offered to all ("Hi Maria! Flu shots are available
    Saturday") nor to the organisation's own service."""
    if not addressed(scene, d):
        return False
    for match in scene.cues.care_iter(scene.text):
        start, end = scene.sentence(match.start())
        sentence = scene.text[start:end]
        if _SOMEONE.search(sentence) and not OURS_BEFORE.search(scene.text, start, match.start()):
            return True
    return False


def care_not_ours(scene: Scene, d: Detection, within: tuple[int, int] | None = None) -> bool:
    """ "Sorry about the long wait in the ER, @bigsky_dave": care in the identifier's own sentence
    (or `within`), unless it is the organisation's service ("thanks for sharing our flu shot hours")."""
    s, e = within or scene.sentence(d.start)
    sentence = scene.text[s:e]
    return any(not OURS_BEFORE.search(sentence, 0, match.start()) for match in scene.cues.care_iter(sentence))


# -- whose a date or a web address is --------------------------------------------------
PERSONAL = regex.compile(r"\b(?:your|his|her|their|my)\b|['’]s\b", regex.IGNORECASE)
# A post's "your" is every reader's ("Book your exam: example.com/book"); a reply's is one person's.
PERSONAL_IN_POST = regex.compile(r"\b(?:his|her|their|my)\b|['’]s\b", regex.IGNORECASE)
# A cue inside a web address is no word of the sentence ("... on Jan 1: example.com/exam").
WEB_ADDRESS = regex.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")
MONTH_ONLY = regex.compile(r"\p{L}+")
IN_A_NAME = regex.compile(r"\p{Lu}\w*\s+(?:Center|Centre|Unit|Suite|Clinic|Wing|Pavilion|Institute)\b")
# "Book your annual eye exam before Jan 1", "Free info session Dec 9": in a post (not a
# reply) a care word after "your", "free" or "next" is an offer to every reader, not a visit.
GENERIC_CARE = regex.compile(
    r"\b(?:your|free|next|annual|yearly|info|upcoming|routine)\s+(?:[\w-]+\s+){0,2}$", regex.IGNORECASE
)


def writes_home_address(scene: Scene, d: Detection) -> bool:
    """ "We'll mail your father's belongings to 418 Hollyhock Ct": a reply that writes out
    a street address other than the organisation's is writing to someone's home."""
    return d.kind == "STREET_ADDRESS" and not scene.is_org_place(scene.text[d.start : d.end])


_GROUP = regex.compile(
    r"\b(?:students?|children|kids?|child|adults?|teens?|patients?|residents?|passengers|victims|workers"
    r"|employees|firefighters?|officers?|players?|campers)\b",
    regex.IGNORECASE,
)
_IN_CARE = regex.compile(
    r"\b(?:treat(?:ed|ing)|admitted|transported|injured|in\s+(?:stable|critical|serious|fair|good)\s+condition"
    r"|remains?\s+in\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}(?:icu|picu|nicu|unit|hospital|care))\b",
    regex.IGNORECASE,
)


def treated_group(sentence: str) -> bool:
    """ "St. Odile is treating 6 students from Harmon Middle School": people in care, told as a group."""
    return _GROUP.search(sentence) is not None and _IN_CARE.search(sentence) is not None


def staff_licence(scene: Scene, d: Detection, calls: dict[Detection, PersonCall]) -> bool:
    """ "NPI 1093817265", "Dr. Amara Osei (license #A-84102)": a provider's number, not a patient's."""
    if PROVIDER_NUMBER.search(scene.before(d.start, 12)):
        return True
    s, _ = scene.sentence(d.start)
    nearest = [c for p, c in calls.items() if s <= p.start < d.start]
    return bool(nearest) and nearest[-1].reason == "staff"
