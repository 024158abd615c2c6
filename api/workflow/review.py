"""Reviewers' decisions: approve (multi-step), request changes, reject, and override block findings.

Segregation of duties: nobody approves, rejects or overrides content they created
(the brief) or edited (any version). Approvals bind to the current version's
content hash and to the review round; an edit or a re-review starts a new round.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.problems import ProblemError
from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow
from api.store.workflow_models import DecisionRow, SignatureRow
from api.workflow.actor import WorkflowActor, ref_of
from api.workflow.consent_basis import require_consent_basis
from api.workflow.deps import WorkflowDeps
from api.workflow.policy import ApprovalPolicy, load_policy, next_step, step_statuses
from api.workflow.schemas import (
    ApproveIn,
    OverrideIn,
    PromotionalReview,
    ReasonIn,
    RejectIn,
    ReviewOut,
    SignatureOut,
    StepOut,
)
from api.workflow.signing import MEANING_OF, Meaning, SignatureIn, reauthenticate, sign
from api.workflow.states import Action, State, targets
from api.workflow.transitions import current_version, lock_draft, move
from guardrails.findings import Category, Severity

MAX_APPROVAL_LIFETIME = timedelta(days=3650)
# Never overridable, whatever the configuration says: PHI (and text confirming someone is a
# patient, which discloses PHI) is cleared only by a valid consent, and a crashed rule is a
# check that did not run.
NEVER_OVERRIDABLE = frozenset({Category.PHI.value, Category.PATIENT_STATUS.value, Category.RULE_ERROR.value})


def is_overridable(deps: WorkflowDeps, finding: Mapping[str, object]) -> bool:
    """A block finding a reviewer may override: the one rule `override` applies (pages offer only these)."""
    return (
        finding.get("severity") == Severity.BLOCK.value
        and finding.get("category") not in NEVER_OVERRIDABLE
        and deps.overridable(str(finding.get("rule_id")))
    )


def _locked(session: Session, actor: WorkflowActor, draft_id: uuid.UUID, now: datetime) -> DraftRow:
    draft = lock_draft(session, actor.organisation_id, draft_id, now)
    if draft is None:
        raise ProblemError(404, "No such draft in this organisation.")
    return draft


def _found(session: Session, actor: WorkflowActor, draft_id: uuid.UUID) -> DraftRow:
    draft = session.scalar(
        select(DraftRow).where(DraftRow.id == draft_id, DraftRow.organisation_id == actor.organisation_id)
    )
    if draft is None:
        raise ProblemError(404, "No such draft in this organisation.")
    return draft


def contributors(session: Session, draft: DraftRow) -> set[str]:
    """Everyone who created or edited the content: the brief's submitter and every version's author."""
    refs = {ref_of(draft.created_by_key_id, draft.created_by_user_id)}
    brief = session.get(BriefRow, draft.brief_id)
    if brief is not None:
        refs.add(ref_of(brief.created_by_key_id, brief.created_by_user_id))
    for key_id, user_id in session.execute(
        select(DraftVersionRow.author_key_id, DraftVersionRow.author_user_id).where(
            DraftVersionRow.draft_id == draft.id
        )
    ):
        refs.add(ref_of(key_id, user_id))
    return {r for r in refs if r is not None}


def _require_independent(session: Session, draft: DraftRow, actor: WorkflowActor, action: Action) -> None:
    if actor.ref in contributors(session, draft):
        raise ProblemError(
            403,
            f"You created or edited this content, so you cannot {action.value} it (segregation of duties).",
            kind="segregation-of-duties",
            title="Segregation of duties",
        )


def _approvals(session: Session, draft: DraftRow, version: DraftVersionRow) -> list[DecisionRow]:
    return list(
        session.scalars(
            select(DecisionRow)
            .where(
                DecisionRow.draft_id == draft.id,
                DecisionRow.review_round == draft.review_round,
                DecisionRow.action == Action.approve.value,
                DecisionRow.content_sha256 == version.content_sha256,
            )
            .order_by(DecisionRow.created_at, DecisionRow.id)
        )
    )


def review_status(
    session: Session,
    draft: DraftRow,
    policy: ApprovalPolicy | None = None,
    signature: SignatureRow | None = None,
) -> ReviewOut:
    version = current_version(session, draft)
    statuses = step_statuses(
        policy or load_policy(session, draft.organisation_id), _approvals(session, draft, version)
    )
    return ReviewOut(
        draft_id=draft.id,
        state=State(draft.state),
        version=version.number,
        content_sha256=version.content_sha256,
        review_round=draft.review_round,
        steps=[
            StepOut(name=s.step.name, mode=s.step.mode, satisfied=s.satisfied, approvals=len(s.approvers))
            for s in statuses
        ],
        pending_steps=[s.step.name for s in statuses if not s.satisfied],
        approval_expires_at=draft.approval_expires_at,
        signature=None if signature is None else signature_out(signature),
    )


def signature_out(row: SignatureRow) -> SignatureOut:
    return SignatureOut(
        id=row.id,
        signer=row.signer,
        role=row.signer_role,
        meaning=Meaning(row.meaning),
        signed_at=row.signed_at,
        content_sha256=row.content_sha256,
        chain_seq=row.chain_seq,
        chain_head_hash=row.chain_head_hash,
    )


def _decision(
    draft: DraftRow,
    version: DraftVersionRow,
    actor: WorkflowActor,
    action: Action,
    now: datetime,
    **fields: object,
) -> DecisionRow:
    return DecisionRow(
        id=uuid.uuid4(),
        organisation_id=draft.organisation_id,
        draft_id=draft.id,
        version_number=version.number,
        content_sha256=version.content_sha256,
        review_round=draft.review_round,
        action=action.value,
        actor=actor.ref,
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        role=actor.role.value,
        created_at=now,
        **fields,
    )


def _expiry(deps: WorkflowDeps, wanted: datetime | None, now: datetime) -> datetime:
    if wanted is None:
        return now + deps.approval_lifetime
    if wanted.tzinfo is None:
        raise ProblemError(422, "expires_at needs a time zone (e.g. 2027-01-01T00:00:00Z).")
    if wanted <= now or wanted > now + MAX_APPROVAL_LIFETIME:
        raise ProblemError(422, "expires_at must be in the future and at most ten years ahead.")
    return wanted


def _signed_decision_start(
    session: Session,
    deps: WorkflowDeps,
    actor: WorkflowActor,
    draft_id: uuid.UUID,
    signature: SignatureIn,
    action: Action,
) -> tuple[DraftRow, DraftVersionRow, datetime]:
    """What every signed decision checks first: the signer re-authenticates (before any lock, so
    a refused signature is audited even when the draft is busy), then the draft is locked, the
    action is legal in its state and the signer did not create or edit the content."""
    _found(session, actor, draft_id)
    reauthenticate(session, deps.credentials, actor, signature, action=action, draft_id=str(draft_id))
    now = deps.clock()
    draft = _locked(session, actor, draft_id, now)
    targets(action, draft.state)
    _require_independent(session, draft, actor, action)
    return draft, current_version(session, draft), now


def approve(
    session: Session, deps: WorkflowDeps, actor: WorkflowActor, draft_id: uuid.UUID, body: ApproveIn
) -> ReviewOut:
    draft, version, now = _signed_decision_start(
        session, deps, actor, draft_id, body.signature, Action.approve
    )
    expires_at = _expiry(deps, body.expires_at, now)
    require_consent_basis(session, draft, version, now, Action.approve)
    if remaining_blocks(session, draft, version):
        # needs_review is never entered with a block standing; refuse rather than trust that.
        raise ProblemError(409, "A block finding of this version stands; it cannot be approved.")
    policy = load_policy(session, draft.organisation_id)
    statuses = step_statuses(policy, _approvals(session, draft, version))
    if any(actor.ref in s.approvers for s in statuses):
        raise ProblemError(409, "You have already approved this version in this review round.")
    step = next_step(statuses)
    if step is not None:
        # One approval per person per round: a named approver of a later step is kept for that
        # step, or an "any reviewer" step before it could use up their only approval.
        later = statuses[statuses.index(step) + 1 :]
        reserved = any(actor.id in s.step.members and not s.satisfied for s in later)
        if not step.step.admits(actor) or reserved:
            raise ProblemError(
                403,
                f"The next approval step is {step.step.name!r}, and you are not one of its approvers.",
                kind="not-an-approver",
                title="Not an approver for this step",
            )
    # No step left happens when the policy changed under a round already satisfied: this
    # reviewer's approval (counting for no step) completes it.
    step_name = None if step is None else step.step.name
    promotional = _promotional_review(session, draft, body.promotional_review)
    decision = _decision(
        draft,
        version,
        actor,
        Action.approve,
        now,
        step=step_name,
        expires_at=expires_at,
        promotional_review=promotional,
    )
    session.add(decision)
    session.flush()
    approvals = _approvals(session, draft, version)
    done = next_step(step_statuses(policy, approvals)) is None
    if done:
        draft.approved_version = version.number
        draft.approval_expires_at = min(a.expires_at or expires_at for a in approvals)
    move(
        session,
        draft,
        Action.approve,
        State.approved if done else State.needs_review,
        version=version,
        actor=actor,
        now=now,
        # The audit guard keeps dates out of the trail; the decision row holds the full record.
        details={
            "decision_id": str(decision.id),
            "step": step_name,
            "promotional_product_id": None if promotional is None else promotional["product_id"],
            "promotional_material_type": None if promotional is None else promotional["material_type"],
        },
    )
    signature = sign(session, decision, version, actor, MEANING_OF[Action.approve], now)
    status = review_status(session, draft, policy, signature)
    return status.model_copy(update={"promotional_review": body.promotional_review})


def _promotional_review(
    session: Session, draft: DraftRow, review: PromotionalReview | None
) -> dict[str, str] | None:
    """The FDA Form 2253 fields as stored; the product must be one the brief is about."""
    if review is None:
        return None
    brief = session.get(BriefRow, draft.brief_id)
    products = (brief.content or {}).get("product_ids", []) if brief is not None else []
    if review.product_id not in products:
        raise ProblemError(
            422,
            "promotional_review.product_id must be one of the brief's product_ids.",
            kind="promotional-review-product",
            title="Not a product of this brief",
        )
    return {
        "product_id": review.product_id,
        "material_type": review.material_type.value,
        "dissemination_date": review.dissemination_date.isoformat(),
    }


def request_changes(
    session: Session, deps: WorkflowDeps, actor: WorkflowActor, draft_id: uuid.UUID, body: ReasonIn
) -> ReviewOut:
    now = deps.clock()
    draft = _locked(session, actor, draft_id, now)
    targets(Action.request_changes, draft.state)
    version = current_version(session, draft)
    decision = _decision(draft, version, actor, Action.request_changes, now, reason=body.reason)
    session.add(decision)
    session.flush()
    move(
        session,
        draft,
        Action.request_changes,
        State.changes_requested,
        version=version,
        actor=actor,
        now=now,
        details={"decision_id": str(decision.id)},
    )
    return review_status(session, draft)


def reject(
    session: Session, deps: WorkflowDeps, actor: WorkflowActor, draft_id: uuid.UUID, body: RejectIn
) -> ReviewOut:
    draft, version, now = _signed_decision_start(
        session, deps, actor, draft_id, body.signature, Action.reject
    )
    decision = _decision(draft, version, actor, Action.reject, now, reason=body.reason)
    session.add(decision)
    session.flush()
    move(
        session,
        draft,
        Action.reject,
        State.rejected,
        version=version,
        actor=actor,
        now=now,
        details={"decision_id": str(decision.id)},
    )
    signature = sign(session, decision, version, actor, MEANING_OF[Action.reject], now)
    return review_status(session, draft, signature=signature)


def remaining_blocks(session: Session, draft: DraftRow, version: DraftVersionRow) -> list[int]:
    """Indexes of the version's block findings that no override of this version has accepted."""
    cleared = _overridden_before(session, draft, version)
    return [
        i
        for i, f in enumerate(version.findings)
        if f.get("severity") == Severity.BLOCK.value and i not in cleared
    ]


def _overridden_before(session: Session, draft: DraftRow, version: DraftVersionRow) -> set[int]:
    rows = session.scalars(
        select(DecisionRow.finding_indexes).where(
            DecisionRow.draft_id == draft.id,
            DecisionRow.version_number == version.number,
            DecisionRow.action == Action.override.value,
        )
    )
    return {index for indexes in rows for index in (indexes or [])}


def override(
    session: Session, deps: WorkflowDeps, actor: WorkflowActor, draft_id: uuid.UUID, body: OverrideIn
) -> ReviewOut:
    draft, version, now = _signed_decision_start(
        session, deps, actor, draft_id, body.signature, Action.override
    )
    wanted = sorted(set(body.finding_indexes))
    for index in wanted:
        finding = version.findings[index] if 0 <= index < len(version.findings) else None
        if finding is None or finding.get("severity") != Severity.BLOCK.value:
            raise ProblemError(422, f"Finding {index} is not a block finding of the current version.")
        rule_id = str(finding.get("rule_id"))
        if not is_overridable(deps, finding):
            raise ProblemError(
                422,
                f"Finding {index} ({rule_id}) cannot be overridden; PHI is cleared only by a valid consent.",
                kind="not-overridable",
                title="Finding not overridable",
            )
    remaining = [i for i in remaining_blocks(session, draft, version) if i not in wanted]
    decision = _decision(
        draft, version, actor, Action.override, now, reason=body.reason, finding_indexes=wanted
    )
    session.add(decision)
    session.flush()
    draft.review_round += 1
    move(
        session,
        draft,
        Action.override,
        State.blocked if remaining else State.needs_review,
        version=version,
        actor=actor,
        now=now,
        details={"decision_id": str(decision.id), "overridden": wanted, "blocks_remaining": len(remaining)},
    )
    signature = sign(session, decision, version, actor, MEANING_OF[Action.override], now)
    return review_status(session, draft, signature=signature)
