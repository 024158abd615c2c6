"""Request and response shapes of the review workflow API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.workflow.signing import Meaning, SignatureIn
from api.workflow.states import State
from guardrails.findings import Finding

MAX_TEXT = 5000
MAX_REASON = 2000
# No NUL characters: PostgreSQL text cannot hold them, and no post or reason needs one.
_NO_NUL = r"^[^\x00]*$"
PostText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT, pattern=_NO_NUL)]
AltText = Annotated[str, StringConstraints(max_length=1000, pattern=_NO_NUL)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=MAX_REASON, pattern=_NO_NUL)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionIn(_In):
    text: PostText = Field(description="The new text of the draft.")
    alt_texts: list[AltText] | None = Field(
        default=None,
        max_length=20,
        description="Alt texts of the brief's media, in order; omitted keeps the current version's.",
    )
    consent_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=20,
        description="Consents to attach besides the brief's; each must be valid and in scope today.",
    )


class ApproveIn(_In):
    signature: SignatureIn
    expires_at: datetime | None = Field(
        default=None,
        description="When the approval lapses (re-review); default CAREPOST_APPROVAL_EXPIRY_DAYS from now.",
    )


class ReasonIn(_In):
    reason: Reason = Field(description="Kept with the decision; never copied to the audit trail or webhooks.")


class RejectIn(ReasonIn):
    signature: SignatureIn


class OverrideIn(ReasonIn):
    finding_indexes: list[int] = Field(
        min_length=1, max_length=100, description="Indexes into the current version's findings."
    )
    signature: SignatureIn


class PublishIn(_In):
    content_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the text the CMS published (the approved version's).",
    )


class StepOut(BaseModel):
    name: str
    mode: Literal["any", "all"]
    satisfied: bool
    approvals: int


class SignatureOut(BaseModel):
    id: uuid.UUID
    signer: str = Field(description="key:<id> or user:<id>")
    role: str
    meaning: Meaning
    signed_at: datetime
    content_sha256: str
    chain_seq: int
    chain_head_hash: str


class ReviewOut(BaseModel):
    """Where a draft stands in review after an action."""

    draft_id: uuid.UUID
    state: State
    version: int
    content_sha256: str
    review_round: int
    steps: list[StepOut]
    pending_steps: list[str]
    approval_expires_at: datetime | None
    signature: SignatureOut | None = None


class VersionOut(BaseModel):
    draft_id: uuid.UUID
    number: int
    text: str
    content_sha256: str
    findings: list[Finding] = Field(description="Spans into `text`")
    alt_texts: list[str]
    author: str
    created_at: datetime


class DiffOp(BaseModel):
    op: Literal["equal", "insert", "delete"]
    text: str


class DiffOut(BaseModel):
    draft_id: uuid.UUID
    from_version: int
    to_version: int
    ops: list[DiffOp]


class ApprovedItem(BaseModel):
    id: uuid.UUID
    brief_id: uuid.UUID
    platform: str
    state: State
    version: int
    text: str
    alt_texts: list[str]
    content_sha256: str
    approval_expires_at: datetime | None
    published_at: datetime | None
    updated_at: datetime


class DraftPage(BaseModel):
    items: list[ApprovedItem]
    total: int
    limit: int
    offset: int
