"""Reads of briefs, jobs, drafts and their versions, always scoped by organisation.

Writes happen in api.drafting (submission, the drafting job); there is no update
of a draft version anywhere: an edit (issue 6) adds a version.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow, EscalationRow, JobRow


class DraftingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def brief(self, organisation_id: uuid.UUID, brief_id: uuid.UUID) -> BriefRow | None:
        return self.session.scalar(
            select(BriefRow).where(BriefRow.id == brief_id, BriefRow.organisation_id == organisation_id)
        )

    def job(self, organisation_id: uuid.UUID, job_id: uuid.UUID) -> JobRow | None:
        return self.session.scalar(
            select(JobRow).where(JobRow.id == job_id, JobRow.organisation_id == organisation_id)
        )

    def jobs_for_brief(self, brief_id: uuid.UUID) -> Sequence[JobRow]:
        return self.session.scalars(
            select(JobRow).where(JobRow.brief_id == brief_id).order_by(JobRow.created_at, JobRow.id)
        ).all()

    def drafts_for_brief(self, brief_id: uuid.UUID) -> Sequence[DraftRow]:
        return self.session.scalars(
            select(DraftRow)
            .where(DraftRow.brief_id == brief_id)
            .order_by(DraftRow.created_at, DraftRow.platform, DraftRow.variant)
        ).all()

    def escalations_for_brief(self, brief_id: uuid.UUID) -> Sequence[EscalationRow]:
        return self.session.scalars(
            select(EscalationRow).where(EscalationRow.brief_id == brief_id).order_by(EscalationRow.due_at)
        ).all()

    def draft(self, organisation_id: uuid.UUID, draft_id: uuid.UUID) -> DraftRow | None:
        return self.session.scalar(
            select(DraftRow).where(DraftRow.id == draft_id, DraftRow.organisation_id == organisation_id)
        )

    def versions(self, draft_id: uuid.UUID) -> Sequence[DraftVersionRow]:
        return self.session.scalars(
            select(DraftVersionRow)
            .where(DraftVersionRow.draft_id == draft_id)
            .order_by(DraftVersionRow.number)
        ).all()

    def current_versions(self, drafts: Sequence[DraftRow]) -> dict[uuid.UUID, DraftVersionRow]:
        """Each draft's current version, in one query."""
        if not drafts:
            return {}
        wanted = {(d.id, d.current_version) for d in drafts}
        rows = self.session.scalars(
            select(DraftVersionRow).where(DraftVersionRow.draft_id.in_([d.id for d in drafts]))
        ).all()
        return {v.draft_id: v for v in rows if (v.draft_id, v.number) in wanted}
