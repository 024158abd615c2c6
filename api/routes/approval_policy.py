"""`GET/PUT /v1/approval-policy`: the organisation's ordered approval steps (admins only)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from api.deps import AdminPrincipal, SessionDep
from api.problems import CONFLICT_RESPONSE, ProblemError
from api.routes import v1_router
from api.store.repositories import AuditRepository
from api.workflow.policy import ApprovalPolicy, load_policy, save_policy, unknown_members

router = v1_router("approval-policy", tag="workflow")


@router.get("", summary="The approval policy (default: one step, any reviewer)")
def read_policy(session: SessionDep, principal: AdminPrincipal) -> ApprovalPolicy:
    return load_policy(session, principal.organisation_id)


@router.put(
    "", summary="Replace the approval policy; applies to approvals from now on", responses=CONFLICT_RESPONSE
)
def replace_policy(body: ApprovalPolicy, session: SessionDep, principal: AdminPrincipal) -> ApprovalPolicy:
    if unknown := unknown_members(session, principal.organisation_id, body):
        # A step naming someone who cannot approve could never be satisfied.
        raise ProblemError(
            422,
            f"{len(unknown)} member(s) are not active reviewers of this organisation: "
            + ", ".join(str(member) for member in unknown),
            kind="unknown-approver",
            title="Unknown approver",
        )
    save_policy(session, principal.organisation_id, body, principal.workflow_actor)
    AuditRepository(session).record(
        organisation_id=principal.organisation_id,
        event_type="approval_policy.updated",
        subject_type="organisation",
        subject_id=str(principal.organisation_id),
        actor_key_id=principal.key_id,
        details={
            "source": "api",
            "steps": [step.name for step in body.steps],
            "modes": [step.mode for step in body.steps],
            "members": sum(len(step.members) for step in body.steps),
        },
    )
    try:
        session.commit()
    except IntegrityError:  # another admin created the organisation's first policy at the same moment
        raise ProblemError(
            409, "The approval policy changed at the same time; read it and try again."
        ) from None
    return body
