"""Replies to reviews and comments, and the refusal of fabricated testimonials.

A reply thanks the person, never confirms they are or were a patient, never
repeats what they said about their health, and moves the conversation to a
private channel. Clinical questions, possible adverse events (pharmacovigilance)
and crisis signals are flagged for a person instead of being answered. Replies
are built from the library's approved reply templates only: the person's words
are read to choose a template and to escalate, and are never copied.
"""

from __future__ import annotations

import re

from agents.brief import Brief, Escalation
from agents.errors import BriefRefused
from guardrails.context import ContentType
from knowledge.libraries.models import DisclaimerCategory, KnowledgeLibrary, ReviewReplyTemplate

FTC_CITATION = "16 CFR 255 (endorsement guides) and 16 CFR 465 (fake reviews and testimonials)"

# A brief asking us to speak as a patient or customer, or to invent reviews or outcomes.
_FABRICATION = re.compile(
    r"\b(?:fake|fabricat\w*|invent\w*|made[- ]up|ghost[- ]?writ\w*|pretend\w*|posing as|pose as)\b.{0,40}"
    r"\b(?:reviews?|testimonials?|patients?|customers?|stor(?:y|ies)|ratings?|outcomes?)\b"
    r"|\b(?:in|from|using) the (?:voice|perspective) of (?:a |an |one of our )?(?:happy |satisfied )?"
    r"(?:patients?|customers?|clients?)\b"
    r"|\bfirst[- ]person (?:patient|customer)\b"
    r"|\b(?:write|draft|post|create|generate)\b.{0,30}\b(?:\d[- ]star|five[- ]star|positive|glowing)\s+reviews?\b"
    r"|\bas (?:if|though) (?:written by|from) (?:a |an )?(?:patient|customer)\b",
    re.IGNORECASE | re.DOTALL,
)

_CRISIS = re.compile(
    r"\b(?:suicid\w*|kill (?:my|him|her|them)sel(?:f|ves)|end (?:my|it all)|want to die|self[- ]harm|"
    r"overdos\w*|hurt (?:myself|someone)|no reason to live|bring a (?:gun|weapon)|shoot\w*)\b",
    re.IGNORECASE,
)
_ADVERSE_EVENT = re.compile(
    r"\b(?:side[- ]effects?|reaction|rash|hives|swelling|bleed\w*|made me (?:sick|dizzy)|"
    r"after (?:the|my) (?:shot|vaccine|dose|injection)|allerg\w*|hospitali[sz]ed after|stopped working)\b",
    re.IGNORECASE,
)
_CLINICAL = re.compile(
    r"\b(?:should i|can i|is it safe|how (?:much|many|often)|what dose|do i need|is (?:this|that|it) normal|"
    r"could (?:this|it) be|my (?:symptoms?|results?|medications?|dose))\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(?:rude|terrible|awful|worst|waited|wait(?:ing)? time|hours?|bill\w*|charged|insurance|"
    r"never again|disappoint\w*|unprofessional|dirty|ignored|lost)\b",
    re.IGNORECASE,
)
_BILLING = re.compile(r"\b(?:bill\w*|charged|invoice|insurance|cost|price|copay)\b", re.IGNORECASE)
_WAIT = re.compile(r"\b(?:wait\w*|hours?|late|schedul\w*|appointment)\b", re.IGNORECASE)
_HEALTH = re.compile(
    r"\b(?:diagnos\w*|surgery|cancer|diabetes|stroke|pregnan\w*|medication|treatment|therapy|"
    r"chemo\w*|my (?:doctor|nurse|surgeon)|prescri\w*|stitches|biopsy|results)\b",
    re.IGNORECASE,
)


def refuse_fabrication(brief: Brief) -> None:
    """Raise `BriefRefused` when the brief asks for a fabricated testimonial or review."""
    fields = brief.free_text_fields()
    fields.pop("reply_to.text", None)  # the review being answered may itself talk about reviews
    if any(_FABRICATION.search(text) for text in fields.values()):
        raise BriefRefused(
            "This brief asks for a testimonial or review written as if by a patient or customer. "
            "Carepost never fabricates testimonials, reviews or outcomes (FTC). Share a real story "
            "with the person's written consent, or write in the organisation's own voice.",
            citation=FTC_CITATION,
        )


def escalations(text: str) -> list[Escalation]:
    found = []
    if _CRISIS.search(text):
        found.append(Escalation.CRISIS)
    if _ADVERSE_EVENT.search(text):
        found.append(Escalation.ADVERSE_EVENT)
    if _CLINICAL.search(text) or ("?" in text and _HEALTH.search(text)):
        found.append(Escalation.CLINICAL_QUESTION)
    return found


def choose_template(library: KnowledgeLibrary, text: str, rating: int | None) -> ReviewReplyTemplate | None:
    """The approved template for this review: by adverse event, health details, billing, waits, sentiment."""
    by_id = {t.id: t for t in library.templates.review_replies}
    negative = (rating is not None and rating <= 2) or bool(_NEGATIVE.search(text))
    positive = (rating is not None and rating >= 4) and not negative
    order: list[str] = []
    if _ADVERSE_EVENT.search(text):
        order.append("side-effect-mention")
    if _HEALTH.search(text):
        order.append("reviewer-shared-health-details")
    if negative and _BILLING.search(text):
        order.append("negative-billing")
    if negative and _WAIT.search(text):
        order.append("negative-wait-time")
    if negative:
        order.append("negative-general")
    if positive:
        order += (
            ["positive-staff-praise", "positive-general"] if _names_someone(text) else ["positive-general"]
        )
    order += ["neutral-mixed", "negative-general"]
    return next((by_id[i] for i in order if i in by_id), None)


def _names_someone(text: str) -> bool:
    return bool(re.search(r"\b(?:Dr|Nurse)\.?\s+[A-Z]", text))


# Wording that presumes the reader receives care from us -> neutral wording (HIPAA: never confirm a patient).
NEUTRAL_WORDING: dict[str, str] = {
    r"\byour care team\b": "a health care professional",
    r"\byour (?:doctor|provider)\b": "a health care professional",
    r"\byour (?:visit|appointment|treatment|bill|account)\b": "this",
}


def neutralise(text: str) -> str:
    for pattern, replacement in NEUTRAL_WORDING.items():
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


def compose_reply(library: KnowledgeLibrary, brief: Brief) -> tuple[str, list[Escalation], str]:
    """(reply text, escalations, template id). The person's words choose; they are never quoted."""
    assert brief.reply_to is not None
    said = brief.reply_to.text
    flags = escalations(said)
    brand = library.brand
    contact = brand.patient_relations_contact or brand.main_phone
    if Escalation.CRISIS in flags:
        # Safety first: point to help now; a person follows up privately as the crisis policy requires.
        text = (
            "Thank you for reaching out. If you or someone you know is struggling or in crisis, please call or "
            "text 988 to reach the 988 Suicide & Crisis Lifeline, any time. If you are in danger now, call 911. "
            f"We'd like to connect with you privately; please contact {contact}."
        )
        return text, flags, "crisis-safe-messaging"
    template = choose_template(library, said, brief.reply_to.rating)
    if template is None:
        text = (
            "Thank you for taking the time to reach out. To protect privacy, we don't discuss anyone's care "
            f"online. Please contact {contact} so we can help."
        )
        return text, flags, "fallback"
    text = " ".join(template.text.split()).replace("{location}", brand.organisation)
    if not text.startswith("Thank"):
        text = "Thank you for your feedback. " + text
    if (
        Escalation.CLINICAL_QUESTION in flags
        and (notice := _no_advice_notice(library))
        and notice not in text
    ):
        text = f"{text} {notice}"
    return text, flags, template.id


def _no_advice_notice(library: KnowledgeLibrary) -> str | None:
    """The library's approved "no medical advice here" wording for replies, if it keeps one."""
    for disclaimer in library.disclaimers:
        if disclaimer.category is DisclaimerCategory.MEDICAL_ADVICE and disclaimer.applies(
            content_type=ContentType.COMMENT_REPLY
        ):
            return disclaimer.text
    return None
