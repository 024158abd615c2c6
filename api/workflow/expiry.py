"""The expiry sweep: approved or published content whose approval lapsed, or whose facts did.

An approval carries an expiry date; and a version that cites an approved claim
(`claim:<id>`) or a product's facts (`product:<id>`) stands on the knowledge
library as it was. When the claim expires or is withdrawn, or the product leaves
the library, the content moves to `expired` and needs a re-review by editing.
Run daily (`carepost workflow sweep`); each draft is locked and re-read, so two
sweeps at once expire it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.drafting_models import DraftRow, DraftVersionRow
from api.store.library_repository import knowledge_org
from api.webhooks.events import EventType
from api.webhooks.outbox import emit
from api.workflow.states import Action, State, is_legal
from api.workflow.transitions import current_version, lock_draft, move
from knowledge.libraries.models import Claim, KnowledgeLibrary

LibrarySource = Callable[[str], KnowledgeLibrary | None]


@dataclass(frozen=True)
class Expired:
    draft_id: uuid.UUID
    reason: str  # approval_expired | claim_expired | product_withdrawn | library_missing
    sources: tuple[str, ...]  # the citations that lapsed


def lapsed_sources(
    citations: list[str], library: KnowledgeLibrary | None, now: datetime
) -> tuple[str, tuple[str, ...]]:
    """Why the cited facts no longer hold ("" when they do), and which citations lapsed."""
    cited = [c for c in citations if c.startswith(("claim:", "product:"))]
    if not cited:
        return "", ()
    if library is None:  # cannot tell whether the facts hold: fail closed
        return "library_missing", tuple(cited)
    claims = {claim.id: claim for claim in library.claims}
    products = {product.id for product in library.products}
    lapsed_claims = tuple(
        c for c in cited if c.startswith("claim:") and not _usable(claims.get(c.removeprefix("claim:")), now)
    )
    if lapsed_claims:
        return "claim_expired", lapsed_claims
    gone = tuple(c for c in cited if c.startswith("product:") and c.removeprefix("product:") not in products)
    return ("product_withdrawn", gone) if gone else ("", ())


def _usable(claim: Claim | None, now: datetime) -> bool:
    return claim is not None and claim.usable_on(now.date())


def sweep(session: Session, *, now: datetime, library: LibrarySource) -> list[Expired]:
    """Expire what is due; the caller commits. Only due drafts are locked (and so touched)."""
    candidates = session.scalars(
        select(DraftRow)
        .where(DraftRow.state.in_([State.approved.value, State.published.value]))
        .order_by(DraftRow.organisation_id, DraftRow.id)
    ).all()
    libraries: dict[uuid.UUID, KnowledgeLibrary | None] = {}
    expired: list[Expired] = []
    for candidate in candidates:
        reason: str
        sources: tuple[str, ...]
        if candidate.approval_expires_at is not None and candidate.approval_expires_at <= now:
            reason, sources = "approval_expired", ()
        else:
            org = candidate.organisation_id
            if org not in libraries:
                libraries[org] = library(knowledge_org(org))
            reason, sources = lapsed_sources(
                current_version(session, candidate).citations, libraries[org], now
            )
        if not reason:
            continue
        draft = lock_draft(session, candidate.organisation_id, candidate.id, now)
        if draft is None or not is_legal(Action.expire, draft.state):
            continue  # another sweep or a reviewer got there first
        version = current_version(session, draft)
        was_published = draft.state == State.published.value
        move(
            session,
            draft,
            Action.expire,
            State.expired,
            version=version,
            actor=None,
            now=now,
            details={"reason": reason, "lapsed": list(sources)},
        )
        if was_published and reason != "approval_expired":
            # A published post whose claim or product facts no longer hold is non-compliant now,
            # not just due for re-review: the CMS must take it down.
            emit(
                session,
                draft.organisation_id,
                EventType.content_takedown,
                _takedown(draft, version, reason),
                now=now,
            )
        expired.append(Expired(draft_id=draft.id, reason=reason, sources=sources))
    return expired


def _takedown(draft: DraftRow, version: DraftVersionRow, reason: str) -> dict[str, object]:
    return {
        "draft_id": str(draft.id),
        "brief_id": str(draft.brief_id),
        "platform": draft.platform,
        "version": version.number,
        "content_hash": version.content_sha256,
        "reason": reason,
    }
