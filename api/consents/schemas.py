"""Request and response models of the consent registry, with the subject-hint rule."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from guardrails.context import ContentType, MediaKind, Platform

HINT_MAX = 40
# Letters, spaces, dots, hyphens and apostrophes: no digits (dates, record numbers), no "@" or "/".
_HINT_CHARACTERS = re.compile(r"^[^\W\d_]+(?:[ .'\-]+[^\W\d_]+)*\.?$")
_LONG_WORD = 3


def _subject_hint(value: str) -> str:
    """A given name and initials ('Maria L.'), initials ('M. L.') or a label ('Patient A'): never a full name.

    At most one word may be longer than two letters, so a first and last name together
    ('Maria Lopez') is refused. The hint is what the guardrails match names against.
    """
    if not _HINT_CHARACTERS.match(value):
        raise ValueError("use letters only: a first name and initials, initials, or a label")
    words = [w for w in re.split(r"[ .]+", value) if w]  # 'Mary-Ann L.' is one given name
    if sum(len(w) >= _LONG_WORD for w in words) > 1:
        raise ValueError("a hint holds at most one full word (e.g. 'Maria L.'), never a full name")
    return value


SubjectHint = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=HINT_MAX),
    AfterValidator(_subject_hint),
]
DocumentRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$")]
Topic = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]


class RevocationReason(StrEnum):
    """Codes, not free text: a typed reason could name the patient or their condition."""

    patient_request = "patient_request"
    document_invalid = "document_invalid"
    entered_in_error = "entered_in_error"
    superseded = "superseded"
    other = "other"


class ConsentStatus(StrEnum):
    active = "active"
    expired = "expired"
    revoked = "revoked"


class ConsentScope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_types: list[ContentType] = Field(min_length=1, description="Which kinds of content it covers")
    platforms: list[Platform] = Field(min_length=1, description="Where it may be published")
    media_kinds: list[MediaKind] = Field(
        default_factory=list,
        description="Media of the subject it covers; a post carrying other media is out of scope. "
        "Empty: words only.",
    )
    topic: Topic | None = Field(default=None, description="Only for this product id or topic tag, if set")

    @model_validator(mode="after")
    def _no_repeats(self) -> Self:
        for values in (self.content_types, self.platforms, self.media_kinds):
            if len(set(values)) != len(values):
                raise ValueError("scope lists must not repeat a value")
        return self


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_hint: SubjectHint
    scope: ConsentScope
    signed_on: date
    expires_on: date | None = Field(default=None, description="Last day it is valid; none: until revoked")
    document_ref: DocumentRef = Field(description="Id of the signed authorisation in the document system")

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.expires_on is not None and self.expires_on < self.signed_on:
            raise ValueError("expires_on must not be before signed_on")
        return self


class ConsentRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RevocationReason


class ConsentOut(BaseModel):
    id: uuid.UUID
    subject_hint: str
    scope: ConsentScope
    signed_on: date
    expires_on: date | None
    document_ref: str
    status: ConsentStatus
    revoked_at: datetime | None
    revocation_reason: RevocationReason | None
    created_at: datetime


class ConsentPage(BaseModel):
    items: list[ConsentOut]
    total: int
    limit: int
    offset: int
