"""Drafts: read, list, edit (versions, diff) and the review workflow's actions.

Routes stay thin: each calls one function of api.workflow with the caller as a
`WorkflowActor` and commits; the state machine, segregation of duties and
signatures live there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Path, Query, Response, status
from sqlalchemy.orm import Session

from api.deps import CurrentPrincipal, Principal, ServicesDep, SessionDep, require_roles
from api.drafting.schemas import DraftOut
from api.drafting.views import draft_view
from api.problems import CONFLICT_RESPONSE, ProblemError
from api.routes import MAX_OFFSET, v1_router
from api.store.drafting_repository import DraftingRepository
from api.workflow import publishing, review, versions
from api.workflow.schemas import (
    ApproveIn,
    DiffOut,
    DraftPage,
    OverrideIn,
    PublishIn,
    ReasonIn,
    RejectIn,
    ReviewOut,
    VersionIn,
    VersionOut,
)
from api.workflow.signing import MeaningMismatch, ReauthenticationFailed
from api.workflow.states import ACTION_ROLES, Action, State

router = v1_router("drafts", tag="drafting")

MAX_PAGE_SIZE = 200
T = TypeVar("T")


def _may(action: Action) -> object:
    return require_roles(*sorted(ACTION_ROLES[action]))


Editor = Annotated[Principal, _may(Action.edit)]
Reviewer = Annotated[Principal, _may(Action.approve)]
Publisher = Annotated[Principal, _may(Action.publish)]
Archiver = Annotated[Principal, _may(Action.archive)]


def _committed(session: Session, call: Callable[[], T]) -> T:
    """Run one workflow action and commit it; a refused signature commits only its audit event."""
    try:
        result = call()
    except ReauthenticationFailed:
        session.commit()
        raise ProblemError(
            403,
            "The credential given with the signature does not match the signer; nothing was signed.",
            kind="reauthentication-failed",
            title="Re-authentication failed",
        ) from None
    except MeaningMismatch:
        raise ProblemError(
            422, "The signature's meaning does not match this action.", kind="signature-meaning"
        ) from None
    session.commit()
    return result


@router.get("", summary="The organisation's drafts with their current text and hash (CMS pull)")
def list_drafts(
    session: SessionDep,
    principal: CurrentPrincipal,
    state: Annotated[State | None, Query(description="e.g. approved: content ready to publish")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> DraftPage:
    page = publishing.listing(session, principal.organisation_id, state=state, limit=limit, offset=offset)
    return DraftPage(items=page.items, total=page.total, limit=limit, offset=offset)


@router.get("/{draft_id}", summary="A draft: current version, findings and versions")
def read_draft(draft_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> DraftOut:
    draft = DraftingRepository(session).draft(principal.organisation_id, draft_id)
    if draft is None:
        raise ProblemError(404, "No such draft in this organisation.")
    return draft_view(session, draft)


@router.post(
    "/{draft_id}/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Edit: a new version, checked by the guardrails again",
    responses=CONFLICT_RESPONSE,
)
def create_version(
    draft_id: uuid.UUID,
    body: VersionIn,
    session: SessionDep,
    services: ServicesDep,
    principal: Editor,
    response: Response,
) -> DraftOut:
    draft = _committed(
        session,
        lambda: versions.edit(session, services.workflow, principal.workflow_actor, draft_id, body),
    )
    response.headers["Location"] = f"{router.prefix}/{draft.id}/versions/{draft.current_version}"
    return draft_view(session, draft)


@router.get("/{draft_id}/versions/{number}", summary="One version of a draft")
def read_version(
    draft_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=2**31 - 1)],
    session: SessionDep,
    principal: CurrentPrincipal,
) -> VersionOut:
    row = versions.version_of(session, principal.workflow_actor, draft_id, number)
    return VersionOut(
        draft_id=row.draft_id,
        number=row.number,
        text=row.text,
        content_sha256=row.content_sha256,
        findings=versions.findings_of(row),
        alt_texts=row.alt_texts,
        author=row.author,
        created_at=row.created_at,
    )


@router.get("/{draft_id}/diff", summary="Word-level diff between two versions")
def diff_versions(
    draft_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    start: Annotated[int, Query(alias="from", ge=1, le=2**31 - 1)],
    end: Annotated[int, Query(alias="to", ge=1, le=2**31 - 1)],
) -> DiffOut:
    return versions.diff(session, principal.workflow_actor, draft_id, start, end)


@router.get("/{draft_id}/review", summary="Review status: approval steps satisfied and pending")
def read_review(draft_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> ReviewOut:
    draft = DraftingRepository(session).draft(principal.organisation_id, draft_id)
    if draft is None:
        raise ProblemError(404, "No such draft in this organisation.")
    return review.review_status(session, draft)


@router.post(
    "/{draft_id}/approve",
    summary="Approve the current version (e-signature); approved once every policy step is satisfied",
    responses=CONFLICT_RESPONSE,
)
def approve(
    draft_id: uuid.UUID, body: ApproveIn, session: SessionDep, services: ServicesDep, principal: Reviewer
) -> ReviewOut:
    return _committed(
        session, lambda: review.approve(session, services.workflow, principal.workflow_actor, draft_id, body)
    )


@router.post(
    "/{draft_id}/request-changes", summary="Send the draft back to its authors", responses=CONFLICT_RESPONSE
)
def request_changes(
    draft_id: uuid.UUID, body: ReasonIn, session: SessionDep, services: ServicesDep, principal: Reviewer
) -> ReviewOut:
    return _committed(
        session,
        lambda: review.request_changes(session, services.workflow, principal.workflow_actor, draft_id, body),
    )


@router.post("/{draft_id}/reject", summary="Reject the draft (e-signature)", responses=CONFLICT_RESPONSE)
def reject(
    draft_id: uuid.UUID, body: RejectIn, session: SessionDep, services: ServicesDep, principal: Reviewer
) -> ReviewOut:
    return _committed(
        session, lambda: review.reject(session, services.workflow, principal.workflow_actor, draft_id, body)
    )


@router.post(
    "/{draft_id}/override",
    summary="Override overridable block findings with a signed reason (never PHI)",
    responses=CONFLICT_RESPONSE,
)
def override(
    draft_id: uuid.UUID, body: OverrideIn, session: SessionDep, services: ServicesDep, principal: Reviewer
) -> ReviewOut:
    return _committed(
        session, lambda: review.override(session, services.workflow, principal.workflow_actor, draft_id, body)
    )


@router.post(
    "/{draft_id}/publish",
    summary="The CMS confirms it published the approved version (its content hash)",
    responses=CONFLICT_RESPONSE,
)
def publish(
    draft_id: uuid.UUID, body: PublishIn, session: SessionDep, services: ServicesDep, principal: Publisher
) -> ReviewOut:
    draft = _committed(
        session,
        lambda: publishing.publish(session, services.workflow, principal.workflow_actor, draft_id, body),
    )
    return review.review_status(session, draft)


@router.post("/{draft_id}/archive", summary="Retire the draft", responses=CONFLICT_RESPONSE)
def archive(
    draft_id: uuid.UUID, session: SessionDep, services: ServicesDep, principal: Archiver
) -> ReviewOut:
    draft = _committed(
        session, lambda: publishing.archive(session, services.workflow, principal.workflow_actor, draft_id)
    )
    return review.review_status(session, draft)
