"""Request and response models of the escalation queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agents.brief import Escalation
from api.store.drafting_models import EscalationRow, EscalationState


class ResolutionCode(StrEnum):
    """How an escalation was closed. Codes, not free text: what was said to the person may be PHI."""

    answered_privately = "answered_privately"
    referred_to_clinician = "referred_to_clinician"
    adverse_event_reported = "adverse_event_reported"
    crisis_protocol_followed = "crisis_protocol_followed"
    duplicate = "duplicate"
    no_action_needed = "no_action_needed"


class OwnerRef(BaseModel):
    type: Literal["key", "user"]
    id: uuid.UUID


class EscalationAssign(BaseModel):
    """Name the owner by key or by user; with neither, the calling key takes the escalation."""

    model_config = ConfigDict(extra="forbid")

    owner_key_id: uuid.UUID | None = None
    owner_user_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_owner(self) -> Self:
        if self.owner_key_id is not None and self.owner_user_id is not None:
            raise ValueError("name the owner by owner_key_id or owner_user_id, not both")
        return self


class EscalationResolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ResolutionCode


class EscalationOut(BaseModel):
    id: uuid.UUID
    kind: Escalation
    state: EscalationState
    brief_id: uuid.UUID
    draft_id: uuid.UUID | None
    due_at: datetime
    overdue: bool = Field(description="Not resolved and past its due time")
    owner: OwnerRef | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_code: ResolutionCode | None
    created_at: datetime
    links: dict[str, str]

    @classmethod
    def of(cls, row: EscalationRow, now: datetime) -> EscalationOut:
        owner = None
        if row.owner_key_id is not None:
            owner = OwnerRef(type="key", id=row.owner_key_id)
        elif row.owner_user_id is not None:
            owner = OwnerRef(type="user", id=row.owner_user_id)
        links = {"self": f"/v1/escalations/{row.id}", "brief": f"/v1/briefs/{row.brief_id}"}
        if row.draft_id is not None:
            links["draft"] = f"/v1/drafts/{row.draft_id}"
        return cls(
            id=row.id,
            kind=Escalation(row.kind),
            state=EscalationState(row.state),
            brief_id=row.brief_id,
            draft_id=row.draft_id,
            due_at=row.due_at,
            overdue=is_overdue(row, now),
            owner=owner,
            acknowledged_at=row.acknowledged_at,
            resolved_at=row.resolved_at,
            resolution_code=None if row.resolution_code is None else ResolutionCode(row.resolution_code),
            created_at=row.created_at,
            links=links,
        )


class EscalationPage(BaseModel):
    items: list[EscalationOut]
    total: int
    limit: int
    offset: int


def is_overdue(row: EscalationRow, now: datetime) -> bool:
    return row.state != EscalationState.RESOLVED and row.due_at < now
