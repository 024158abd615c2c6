"""Approval policies: an organisation's ordered approval steps, and which of them a round satisfies.

A step is satisfied by "any" one approver or by "all" of its listed members. An
approver is named either by role (any reviewer) or by explicit key or user ids.
Steps are ordered: an approval always goes to the first step not yet satisfied,
so "compliance then legal" cannot be signed in the other order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.models import ApiKey, Role, User, utcnow
from api.store.workflow_models import ApprovalPolicyRow, DecisionRow
from api.workflow.actor import WorkflowActor

MAX_STEPS = 10
MAX_MEMBERS = 50


class ApprovalStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$", examples=["compliance", "legal"])
    mode: Literal["any", "all"] = "any"
    role: Literal["reviewer"] | None = Field(
        default=None, description="Any key or user with this role may approve this step."
    )
    members: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MAX_MEMBERS,
        description="Explicit approvers (API key ids or user ids); they must also hold the reviewer role.",
    )

    @model_validator(mode="after")
    def _one_kind_of_approver(self) -> Self:
        if (self.role is None) == (not self.members):
            raise ValueError("a step names either a role or a list of members, not both and not neither")
        if self.mode == "all" and not self.members:
            raise ValueError('mode "all" needs explicit members')
        if len(set(self.members)) != len(self.members):
            raise ValueError("members are listed twice")
        return self

    def admits(self, actor: WorkflowActor) -> bool:
        if self.role is not None:
            return actor.role.value == self.role
        return actor.id in self.members


class ApprovalPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[ApprovalStep] = Field(min_length=1, max_length=MAX_STEPS)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [step.name for step in self.steps]
        if len(set(names)) != len(names):
            raise ValueError("step names must be unique")
        return self


DEFAULT_POLICY = ApprovalPolicy(steps=[ApprovalStep(name="compliance", mode="any", role="reviewer")])


def load_policy(session: Session, organisation_id: uuid.UUID) -> ApprovalPolicy:
    row = session.get(ApprovalPolicyRow, organisation_id)
    if row is None:
        return DEFAULT_POLICY
    # A stored policy that no longer validates raises: approving under a guessed policy is not an option.
    return ApprovalPolicy.model_validate({"steps": row.steps})


def unknown_members(session: Session, organisation_id: uuid.UUID, policy: ApprovalPolicy) -> list[uuid.UUID]:
    """Named approvers who are not an active reviewer key or a reviewer user of the organisation."""
    named = {member for step in policy.steps for member in step.members}
    if not named:
        return []
    keys = session.scalars(
        select(ApiKey.id).where(
            ApiKey.id.in_(named),
            ApiKey.organisation_id == organisation_id,
            ApiKey.role == Role.reviewer.value,
            ApiKey.revoked_at.is_(None),
        )
    )
    users = session.scalars(
        select(User.id).where(
            User.id.in_(named), User.organisation_id == organisation_id, User.role == Role.reviewer.value
        )
    )
    return sorted(named - set(keys) - set(users), key=str)


def save_policy(
    session: Session, organisation_id: uuid.UUID, policy: ApprovalPolicy, actor: WorkflowActor
) -> ApprovalPolicyRow:
    row = session.get(ApprovalPolicyRow, organisation_id, with_for_update=True)
    steps = [step.model_dump(mode="json") for step in policy.steps]
    if row is None:
        row = ApprovalPolicyRow(organisation_id=organisation_id, steps=steps)
        session.add(row)
    row.steps = steps
    row.updated_by_key_id = actor.key_id
    row.updated_by_user_id = actor.user_id
    row.updated_at = utcnow()
    session.flush()
    return row


@dataclass(frozen=True)
class StepStatus:
    step: ApprovalStep
    approvers: tuple[str, ...]  # actor ids ("key:..."/"user:...") whose approvals count for it

    @property
    def satisfied(self) -> bool:
        if self.step.mode == "any":
            return bool(self.approvers)
        got = set(self.approvers)
        return all(f"key:{m}" in got or f"user:{m}" in got for m in self.step.members)


def step_statuses(policy: ApprovalPolicy, approvals: Sequence[DecisionRow]) -> list[StepStatus]:
    """Each step with the approvals recorded for it (in this round, for the current hash)."""
    return [
        StepStatus(step, tuple(a.actor for a in approvals if a.step == step.name)) for step in policy.steps
    ]


def next_step(statuses: Sequence[StepStatus]) -> StepStatus | None:
    return next((s for s in statuses if not s.satisfied), None)
