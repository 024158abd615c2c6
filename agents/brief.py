"""The brief a marketer or CMS sends, and the drafts that come back.

Validated strictly at the edge (`extra="forbid"`): an unknown field in a brief is
a typo, not a wish to ignore. The organisation is never part of the brief: it
comes from the caller's API key.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from guardrails.context import ContentType, MediaKind, Platform
from guardrails.findings import Finding, Severity

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$", max_length=500)]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]

REPLY_TYPES = frozenset({ContentType.REVIEW_RESPONSE, ContentType.COMMENT_REPLY})


class Pillar(StrEnum):
    """The content pillars of the seed guide."""

    EDUCATIONAL = "educational"
    COMMUNITY = "community"
    SERVICE = "service"
    THOUGHT_LEADERSHIP = "thought_leadership"


class Tone(StrEnum):
    WARM = "warm"
    INFORMATIVE = "informative"
    CELEBRATORY = "celebratory"
    URGENT = "urgent"
    PROFESSIONAL = "professional"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BriefMedia(_Strict):
    kind: MediaKind = MediaKind.IMAGE
    description: ShortText | None = Field(default=None, description="What the image shows (drafts alt text)")
    alt_text: ShortText | None = None


class ReplyTarget(_Strict):
    """The review or comment being answered. Its text is PHI-prone: it is masked before any model."""

    text: LongText
    rating: int | None = Field(default=None, ge=1, le=5, description="Star rating of a review")
    author: ShortText | None = Field(default=None, description="Display name; never repeated in a reply")


class Brief(_Strict):
    id: str = Field(
        default_factory=lambda: f"brief-{uuid.uuid4().hex[:12]}", pattern=r"^[A-Za-z0-9_.-]{1,80}$"
    )
    topic: ShortText
    pillar: Pillar = Pillar.EDUCATIONAL
    content_type: ContentType = ContentType.POST
    platforms: list[Platform] = Field(min_length=1, max_length=len(Platform))
    audience: ShortText = Field(default="the communities we serve", description="Audience persona")
    goal: ShortText | None = None
    call_to_action: ShortText | None = None
    key_messages: list[ShortText] = Field(default_factory=list, max_length=8)
    links: list[Url] = Field(default_factory=list, max_length=4)
    product_ids: list[Tag] = Field(default_factory=list, max_length=4)
    topics: list[Tag] = Field(default_factory=list, max_length=12, description="Library topics, e.g. flu")
    observance: ShortText | None = None
    tone: Tone = Tone.WARM
    consent_ids: list[ShortText] = Field(
        default_factory=list, description="Consent records for patient stories"
    )
    media: list[BriefMedia] = Field(default_factory=list, max_length=10)
    variants: int = Field(default=1, ge=1, le=3)
    reply_to: ReplyTarget | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if len(set(self.platforms)) != len(self.platforms):
            raise ValueError("platforms must not repeat")
        is_reply = self.content_type in REPLY_TYPES
        if is_reply and self.reply_to is None:
            raise ValueError("a review or comment reply needs the review or comment text in reply_to")
        if not is_reply and self.reply_to is not None:
            raise ValueError("reply_to is only for review_response and comment_reply briefs")
        if is_reply and len(self.platforms) != 1:
            raise ValueError("a reply answers one review or comment on one platform")
        return self

    @property
    def is_reply(self) -> bool:
        return self.content_type in REPLY_TYPES

    def free_text_fields(self) -> dict[str, str]:
        """Every field a person typed freely: what the PHI firewall masks, by a stable key."""
        fields: dict[str, str] = {"topic": self.topic, "audience": self.audience}
        for name in ("goal", "call_to_action", "observance"):
            value = getattr(self, name)
            if value:
                fields[name] = value
        fields.update({f"key_messages.{i}": m for i, m in enumerate(self.key_messages)})
        for i, media in enumerate(self.media):
            if media.description:
                fields[f"media.{i}.description"] = media.description
            if media.alt_text:
                fields[f"media.{i}.alt_text"] = media.alt_text
        if self.reply_to is not None:
            fields["reply_to.text"] = self.reply_to.text
            if self.reply_to.author:
                fields["reply_to.author"] = self.reply_to.author
        return fields


class DraftStatus(StrEnum):
    NEEDS_REVIEW = "needs_review"
    BLOCKED = "blocked"


class Escalation(StrEnum):
    """Why a reply goes to a person before anyone answers."""

    CLINICAL_QUESTION = "clinical_question"
    ADVERSE_EVENT = "adverse_event"
    CRISIS = "crisis"


class Draft(_Strict):
    platform: Platform
    variant: int = 1
    text: str
    alt_texts: list[str] = Field(default_factory=list)
    status: DraftStatus
    findings: list[Finding] = Field(default_factory=list)
    rounds: int = Field(ge=0, description="Revision rounds run after the first draft")
    engine: str
    citations: list[str] = Field(default_factory=list, description="Knowledge sources the draft drew on")

    @classmethod
    def status_for(cls, findings: list[Finding]) -> DraftStatus:
        blocked = any(f.severity is Severity.BLOCK for f in findings)
        return DraftStatus.BLOCKED if blocked else DraftStatus.NEEDS_REVIEW


class DraftResult(_Strict):
    brief_id: str
    engine: str
    drafts: list[Draft]
    escalations: list[Escalation] = Field(default_factory=list)
    masked: dict[str, int] = Field(
        default_factory=dict, description="Entity type -> count masked by the PHI firewall; never values"
    )
    prompt_version: str | None = None

    def to_cli_json(self) -> dict[str, object]:
        return {
            "brief_id": self.brief_id,
            "engine": self.engine,
            "drafts": [
                {
                    "platform": d.platform.value,
                    "text": d.text,
                    "status": d.status.value,
                    "findings": [f.model_dump(mode="json") for f in d.findings],
                }
                for d in self.drafts
            ],
        }


EngineName = Literal["modular", "llm", "local"]
