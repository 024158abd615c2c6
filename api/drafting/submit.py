"""Submitting a brief: stored with its drafting job in one transaction, at most once per idempotency key.

A client that retries (a timeout, a crashed plugin) sends the same
`Idempotency-Key`; the same key with the same brief returns the brief and job it
created the first time, and the same key with a different brief is refused, since
answering with the first brief's drafts would be answering a question not asked.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agents.brief import Brief, EngineName
from api.jobs.queue import JobQueue
from api.store.drafting_models import BriefRow, JobRow
from api.store.repositories import AuditRepository

DRAFT_BRIEF = "draft_brief"


class IdempotencyKeyReused(Exception):
    """The key was used before with a different request body."""


@dataclass(frozen=True)
class Submitter:
    organisation_id: uuid.UUID
    key_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Submission:
    brief: BriefRow
    job: JobRow
    created: bool


def request_sha256(brief: Brief, engine: EngineName) -> str:
    """A digest of what the client sent (fields it set, not generated defaults), key order aside."""
    sent = {"brief": brief.model_dump(mode="json", exclude_unset=True), "engine": engine}
    canonical = json.dumps(sent, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit_brief(
    session: Session,
    queue: JobQueue,
    *,
    submitter: Submitter,
    brief: Brief,
    engine: EngineName,
    idempotency_key: str,
) -> Submission:
    digest = request_sha256(brief, engine)
    earlier = _earlier(session, submitter.organisation_id, idempotency_key, digest)
    if earlier is not None:
        return earlier
    row = BriefRow(
        organisation_id=submitter.organisation_id,
        created_by_key_id=submitter.key_id,
        created_by_user_id=submitter.user_id,
        idempotency_key=idempotency_key,
        request_sha256=digest,
        engine=engine,
        content_type=brief.content_type.value,
        platforms=[p.value for p in brief.platforms],
        content=brief.model_dump(mode="json"),
        created_at=queue.clock(),
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        # Another request with this key won the race; answer as its replay.
        session.rollback()
        earlier = _earlier(session, submitter.organisation_id, idempotency_key, digest)
        if earlier is None:
            raise
        return earlier
    job = queue.enqueue(
        session,
        kind=DRAFT_BRIEF,
        organisation_id=submitter.organisation_id,
        brief_id=row.id,
        payload={"engine": engine},
    )
    AuditRepository(session).record(
        organisation_id=submitter.organisation_id,
        event_type="brief.created",
        subject_type="brief",
        subject_id=str(row.id),
        actor_key_id=submitter.key_id,
        actor_user_id=submitter.user_id,
        details={
            "job_id": str(job.id),
            "engine": engine,
            "content_type": row.content_type,
            "platforms": list(row.platforms),
            "variants": brief.variants,
            "request_sha256": digest,
        },
    )
    session.commit()
    return Submission(brief=row, job=job, created=True)


def _earlier(session: Session, organisation_id: uuid.UUID, key: str, digest: str) -> Submission | None:
    row = session.scalar(
        select(BriefRow).where(BriefRow.organisation_id == organisation_id, BriefRow.idempotency_key == key)
    )
    if row is None:
        return None
    if row.request_sha256 != digest:
        raise IdempotencyKeyReused
    job = session.scalars(
        select(JobRow)
        .where(JobRow.brief_id == row.id, JobRow.kind == DRAFT_BRIEF)
        .order_by(JobRow.created_at)
    ).first()
    if job is None:
        raise RuntimeError("a stored brief has no drafting job")
    return Submission(brief=row, job=job, created=False)
