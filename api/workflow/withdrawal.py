"""The workflow's answer to a withdrawn consent: content that used it goes back to review.

Runs inside the transaction that records the revocation or expiry (see
api.consents.withdrawal). A draft in review, approved, published or expired is
moved to needs_review in a new review round, so earlier approvals no longer count;
published content also gets a `content.takedown` event. Drafts that are blocked,
rejected, archived or sent back for changes are left as they are: none of them can
reach publication without an edit, and an edit checks the text again without the
withdrawn consent.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from api.webhooks.events import EventType
from api.webhooks.outbox import emit
from api.workflow.states import Action, State, is_legal
from api.workflow.transitions import current_version, lock_draft, move

if TYPE_CHECKING:  # api.consents.withdrawal imports this module to install the handler
    from api.consents.withdrawal import ConsentWithdrawal


def rereview_withdrawn(session: Session, withdrawal: ConsentWithdrawal) -> None:
    for raw_id in withdrawal.draft_ids:
        try:
            draft_id = uuid.UUID(raw_id)
        except ValueError:
            continue
        draft = lock_draft(session, withdrawal.organisation_id, draft_id, withdrawal.at)
        if draft is None or not is_legal(Action.rereview, draft.state):
            continue
        previous = State(draft.state)
        version = current_version(session, draft)
        draft.review_round += 1
        draft.approved_version = None
        draft.approval_expires_at = None
        details = {"consent_id": str(withdrawal.consent_id), "cause": withdrawal.cause}
        move(
            session,
            draft,
            Action.rereview,
            State.needs_review,
            version=version,
            actor=None,
            now=withdrawal.at,
            details={**details, "takedown": previous is State.published},
        )
        if previous is State.published:
            emit(
                session,
                withdrawal.organisation_id,
                EventType.content_takedown,
                {
                    "draft_id": str(draft.id),
                    "brief_id": str(draft.brief_id),
                    "platform": draft.platform,
                    "version": version.number,
                    "content_hash": version.content_sha256,
                    "reason": f"consent_{withdrawal.cause}",
                    **details,
                },
                now=withdrawal.at,
            )
