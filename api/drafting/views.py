"""Assemble the public shapes of briefs and drafts from the store (a few queries each)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from api.drafting.schemas import BriefOut, DraftOut, DraftSummary, EscalationOut
from api.drafting.submit import DRAFT_BRIEF
from api.store.drafting_models import DraftRow
from api.store.drafting_repository import DraftingRepository


def brief_view(session: Session, organisation_id: uuid.UUID, brief_id: uuid.UUID) -> BriefOut | None:
    repository = DraftingRepository(session)
    brief = repository.brief(organisation_id, brief_id)
    if brief is None:
        return None
    job = next(j for j in repository.jobs_for_brief(brief.id) if j.kind == DRAFT_BRIEF)
    drafts = repository.drafts_for_brief(brief.id)
    current = repository.current_versions(drafts)
    return BriefOut.of(
        brief,
        job,
        [DraftSummary.of(d, current[d.id]) for d in drafts],
        [EscalationOut.of(e) for e in repository.escalations_for_brief(brief.id)],
    )


def draft_view(session: Session, draft: DraftRow) -> DraftOut:
    return DraftOut.of(draft, list(DraftingRepository(session).versions(draft.id)))


def drafts_of_brief(session: Session, brief_id: uuid.UUID) -> list[DraftOut]:
    return [draft_view(session, d) for d in DraftingRepository(session).drafts_for_brief(brief_id)]


def escalations_of_brief(session: Session, brief_id: uuid.UUID) -> list[EscalationOut]:
    return [EscalationOut.of(e) for e in DraftingRepository(session).escalations_for_brief(brief_id)]
