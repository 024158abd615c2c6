"""Public shapes of briefs, jobs and drafts; built from rows, never from request input."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.problems import PROBLEM_BASE_URI
from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow, EscalationRow, JobRow
from guardrails.findings import Finding, Severity


class JobErrorOut(BaseModel):
    type: str = Field(description="A problem type URI, e.g. https://carepost.dev/problems/brief-refused")
    detail: str


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str
    state: Literal["queued", "running", "succeeded", "failed"]
    brief_id: uuid.UUID | None
    attempts: int
    max_attempts: int
    run_after: datetime = Field(description="A queued job is not started before this time (retry backoff).")
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    last_error: JobErrorOut | None = Field(description="Why the last attempt failed, if it did.")
    links: dict[str, str]

    @classmethod
    def of(cls, job: JobRow) -> JobOut:
        error = None
        if job.last_error_type is not None:
            error = JobErrorOut(
                type=PROBLEM_BASE_URI + job.last_error_type, detail=job.last_error_detail or ""
            )
        links = {"self": f"/v1/jobs/{job.id}"}
        if job.brief_id is not None:
            links["brief"] = f"/v1/briefs/{job.brief_id}"
        return cls(
            id=job.id,
            kind=job.kind,
            state=job.state,
            brief_id=job.brief_id,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            run_after=job.run_after,
            created_at=job.created_at,
            updated_at=job.updated_at,
            finished_at=job.finished_at,
            last_error=error,
            links=links,
        )


class FindingCounts(BaseModel):
    block: int = 0
    warn: int = 0
    info: int = 0


def finding_counts(version: DraftVersionRow) -> FindingCounts:
    counts = Counter(str(f.get("severity")) for f in version.findings)
    return FindingCounts(**{s.value: counts[s.value] for s in Severity})


class DraftSummary(BaseModel):
    id: uuid.UUID
    platform: str
    variant: int
    engine: str
    state: str = Field(description="The review state (api.workflow.states.State)")
    current_version: int
    content_sha256: str
    findings: FindingCounts
    created_at: datetime

    @classmethod
    def of(cls, draft: DraftRow, version: DraftVersionRow) -> DraftSummary:
        return cls(
            id=draft.id,
            platform=draft.platform,
            variant=draft.variant,
            engine=draft.engine,
            state=draft.state,
            current_version=draft.current_version,
            content_sha256=version.content_sha256,
            findings=finding_counts(version),
            created_at=draft.created_at,
        )


class VersionSummary(BaseModel):
    number: int
    content_sha256: str
    author: str
    findings: FindingCounts
    created_at: datetime


class DraftOut(BaseModel):
    id: uuid.UUID
    brief_id: uuid.UUID
    platform: str
    variant: int
    engine: str
    state: str
    current_version: int
    text: str = Field(description="The current version's text")
    content_sha256: str
    findings: list[Finding] = Field(description="The current version's findings (spans into `text`)")
    alt_texts: list[str]
    citations: list[str]
    rounds: int = Field(description="Revision rounds the engine ran")
    versions: list[VersionSummary]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, draft: DraftRow, versions: list[DraftVersionRow]) -> DraftOut:
        current = next(v for v in versions if v.number == draft.current_version)
        return cls(
            id=draft.id,
            brief_id=draft.brief_id,
            platform=draft.platform,
            variant=draft.variant,
            engine=draft.engine,
            state=draft.state,
            current_version=draft.current_version,
            text=current.text,
            content_sha256=current.content_sha256,
            findings=[Finding.model_validate(f) for f in current.findings],
            alt_texts=current.alt_texts,
            citations=current.citations,
            rounds=current.rounds,
            versions=[
                VersionSummary(
                    number=v.number,
                    content_sha256=v.content_sha256,
                    author=v.author,
                    findings=finding_counts(v),
                    created_at=v.created_at,
                )
                for v in versions
            ],
            created_at=draft.created_at,
            updated_at=draft.updated_at,
        )


class EscalationOut(BaseModel):
    id: uuid.UUID
    kind: str
    state: str
    draft_id: uuid.UUID | None
    due_at: datetime

    @classmethod
    def of(cls, row: EscalationRow) -> EscalationOut:
        return cls(id=row.id, kind=row.kind, state=row.state, draft_id=row.draft_id, due_at=row.due_at)


class BriefOut(BaseModel):
    id: uuid.UUID
    engine: str
    content_type: str
    platforms: list[str]
    brief: dict[str, Any] | None = Field(description="The brief as submitted; null once retention purged it")
    job: JobOut
    drafts: list[DraftSummary]
    escalations: list[EscalationOut]
    created_at: datetime

    @classmethod
    def of(
        cls,
        brief: BriefRow,
        job: JobRow,
        drafts: list[DraftSummary],
        escalations: list[EscalationOut],
    ) -> BriefOut:
        return cls(
            id=brief.id,
            engine=brief.engine,
            content_type=brief.content_type,
            platforms=brief.platforms,
            brief=brief.content,
            job=JobOut.of(job),
            drafts=drafts,
            escalations=escalations,
            created_at=brief.created_at,
        )


class BriefDrafted(BaseModel):
    """`POST /v1/briefs?wait=true` when drafting finished within the wait."""

    brief_id: uuid.UUID
    job: JobOut
    drafts: list[DraftOut]
    escalations: list[EscalationOut]
