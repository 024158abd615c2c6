"""Request and response models of finding dispositions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.store.disposition_models import FindingDispositionRow
from guardrails.findings import Finding

REASON_MAX = 2000


class DispositionKind(StrEnum):
    """`accepted`: the finding is a real problem (kept as is); `false_positive`: the rule was wrong here."""

    accepted = "accepted"
    false_positive = "false_positive"


class DispositionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disposition: DispositionKind
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_MAX)] = (
        Field(
            description="Why, for the record. Free text: it stays in Carepost and never enters audit events, "
            "webhooks or exported eval cases."
        )
    )


class DispositionOut(BaseModel):
    id: uuid.UUID
    revision: int = Field(description="1 for the first decision on this finding; each replacement adds one")
    disposition: DispositionKind
    reason: str
    decided_by_key_id: uuid.UUID | None
    decided_by_user_id: uuid.UUID | None
    created_at: datetime

    @classmethod
    def of(cls, row: FindingDispositionRow) -> DispositionOut:
        return cls(
            id=row.id,
            revision=row.revision,
            disposition=DispositionKind(row.disposition),
            reason=row.reason,
            decided_by_key_id=row.decided_by_key_id,
            decided_by_user_id=row.decided_by_user_id,
            created_at=row.created_at,
        )


class FindingDispositionOut(BaseModel):
    draft_id: uuid.UUID
    version: int
    finding_index: int
    finding: Finding = Field(description="The finding as the guardrails reported it (a span, never the text)")
    current: DispositionOut | None = Field(description="The decision in force; null when none was made")
    history: list[DispositionOut] = Field(description="Every decision on this finding, oldest first")
