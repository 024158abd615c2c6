"""What CMS integrations see and confirm: approved content, publication, archiving."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.problems import ProblemError
from api.store.drafting_models import DraftRow, DraftVersionRow
from api.workflow.actor import WorkflowActor
from api.workflow.consent_basis import require_consent_basis
from api.workflow.deps import WorkflowDeps
from api.workflow.schemas import ApprovedItem, PublishIn
from api.workflow.states import Action, State, targets
from api.workflow.transitions import current_version, lock_draft, move


def _locked(session: Session, actor: WorkflowActor, draft_id: uuid.UUID, deps: WorkflowDeps) -> DraftRow:
    draft = lock_draft(session, actor.organisation_id, draft_id, deps.clock())
    if draft is None:
        raise ProblemError(404, "No such draft in this organisation.")
    return draft


def publish(
    session: Session, deps: WorkflowDeps, actor: WorkflowActor, draft_id: uuid.UUID, body: PublishIn
) -> DraftRow:
    """The CMS confirms it published the approved version; the hash it sends must be that version's."""
    now = deps.clock()
    draft = _locked(session, actor, draft_id, deps)
    targets(Action.publish, draft.state)
    version = current_version(session, draft)
    if draft.approved_version != version.number or body.content_sha256 != version.content_sha256:
        raise ProblemError(
            409,
            "content_sha256 is not the hash of the approved version; publish exactly the approved text.",
            kind="content-hash-mismatch",
            title="Content hash mismatch",
        )
    require_consent_basis(session, draft, version, now, Action.publish)
    draft.published_at = now
    move(session, draft, Action.publish, State.published, version=version, actor=actor, now=now)
    return draft


def archive(session: Session, deps: WorkflowDeps, actor: WorkflowActor, draft_id: uuid.UUID) -> DraftRow:
    now = deps.clock()
    draft = _locked(session, actor, draft_id, deps)
    targets(Action.archive, draft.state)
    version = current_version(session, draft)
    move(session, draft, Action.archive, State.archived, version=version, actor=actor, now=now)
    return draft


@dataclass(frozen=True)
class Listing:
    items: list[ApprovedItem]
    total: int


def listing(
    session: Session, organisation_id: uuid.UUID, *, state: State | None, limit: int, offset: int
) -> Listing:
    """The organisation's drafts (in one state), oldest change first, with their current text and hash."""
    condition = DraftRow.organisation_id == organisation_id
    if state is not None:
        condition = condition & (DraftRow.state == state.value)
    total = session.scalar(select(func.count()).select_from(DraftRow).where(condition)) or 0
    rows = session.execute(
        select(DraftRow, DraftVersionRow)
        .join(
            DraftVersionRow,
            (DraftVersionRow.draft_id == DraftRow.id) & (DraftVersionRow.number == DraftRow.current_version),
        )
        .where(condition)
        .order_by(DraftRow.updated_at, DraftRow.id)
        .limit(limit)
        .offset(offset)
    ).all()
    items = [
        ApprovedItem(
            id=draft.id,
            brief_id=draft.brief_id,
            platform=draft.platform,
            state=State(draft.state),
            version=version.number,
            text=version.text,
            alt_texts=version.alt_texts,
            content_sha256=version.content_sha256,
            approval_expires_at=draft.approval_expires_at,
            published_at=draft.published_at,
            updated_at=draft.updated_at,
        )
        for draft, version in rows
    ]
    return Listing(items=items, total=total)
