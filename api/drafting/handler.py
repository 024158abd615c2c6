"""The `draft_brief` job: run the orchestrator on a stored brief and store its drafts.

Drafting (guardrails, revision, maybe a model) runs outside any transaction; the
returned finisher writes drafts, first versions, escalations and the audit event
in the worker's transaction that also marks the job succeeded.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from agents.brief import Brief, DraftResult, EngineName, Escalation
from agents.errors import AgentError, BriefRefused, EngineNotConfigured, ModelOutputError, ModelUnavailable
from agents.orchestrator import Orchestrator
from api.consents.registry import record_use, valid_consents
from api.jobs.queue import ClaimedJob, Clock, JobError
from api.jobs.worker import Finisher
from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow, EscalationRow
from api.store.library_repository import knowledge_org
from api.store.models import utcnow
from api.store.repositories import AuditRepository
from api.webhooks.events import EventType
from api.webhooks.outbox import active_webhooks, emit
from api.workflow.states import State
from api.workflow.transitions import webhook_payload
from guardrails.context import Consent

# The seed guide's response window is 2-4 hours: a crisis or a possible adverse event gets the
# short end, a clinical question the long end.
ESCALATION_WINDOWS = {
    Escalation.CRISIS: timedelta(hours=2),
    Escalation.ADVERSE_EVENT: timedelta(hours=2),
    Escalation.CLINICAL_QUESTION: timedelta(hours=4),
}

# The consents a brief may draw on, as of a day: those of its consent ids that are valid and in scope.
ConsentSource = Callable[[Session, uuid.UUID, Brief, date], Sequence[Consent]]


def registry_consents(session: Session, organisation_id: uuid.UUID, brief: Brief, on: date) -> list[Consent]:
    """From the consent registry; an unknown, revoked or expired id is left out, so PHI stays blocked."""
    return valid_consents(
        session,
        organisation_id,
        brief.consent_ids,
        on=on,
        media=[m.kind for m in brief.media],
        topics=[*brief.topics, *brief.product_ids],
    )


def content_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _job_error(exc: AgentError) -> JobError:
    # AgentError messages are written by agents/ for people and never quote the brief.
    if isinstance(exc, BriefRefused):
        return JobError("brief-refused", exc.message, retryable=False)
    if isinstance(exc, EngineNotConfigured):
        return JobError("engine-not-configured", exc.message, retryable=False)
    if isinstance(exc, ModelUnavailable | ModelOutputError):
        return JobError(exc.kind.replace("_", "-"), exc.message, retryable=True)
    return JobError("drafting-failed", exc.message, retryable=False)


@dataclass
class DraftingHandler:
    orchestrator: Orchestrator
    sessions: sessionmaker[Session]
    consents: ConsentSource = registry_consents
    clock: Clock = utcnow

    def __call__(self, job: ClaimedJob) -> Finisher:
        with self.sessions() as session:
            row = session.get(BriefRow, job.brief_id) if job.brief_id else None
            if row is None or row.organisation_id != job.organisation_id:
                raise JobError("not-found", "The brief of this job does not exist.", retryable=False)
            if row.content is None:
                raise JobError(
                    "brief-purged", "The brief's content was purged before drafting.", retryable=False
                )
            brief = Brief.model_validate(row.content)
            consents = self.consents(session, row.organisation_id, brief, self.clock().date())
            brief_id, creator = row.id, (row.created_by_key_id, row.created_by_user_id)
            engine: EngineName = "llm" if row.engine == "llm" else "modular"
        try:
            result = self.orchestrator.draft(
                knowledge_org(job.organisation_id), brief, engine=engine, consents=consents
            )
        except AgentError as exc:
            raise _job_error(exc) from None

        def finish(session: Session) -> None:
            rows = store_result(session, job, brief_id, result, creator, self.clock())
            # Revoking or expiring a consent must find every draft written with it.
            for consent in consents:
                for draft in rows:
                    record_use(session, job.organisation_id, uuid.UUID(consent.id), str(draft.id))

        return finish


def store_result(
    session: Session,
    job: ClaimedJob,
    brief_id: uuid.UUID,
    result: DraftResult,
    creator: tuple[uuid.UUID | None, uuid.UUID | None],
    now: datetime,
) -> list[DraftRow]:
    key_id, user_id = creator
    rows: list[DraftRow] = []
    versions: list[DraftVersionRow] = []
    hashes: list[str] = []
    for draft in result.drafts:
        row = DraftRow(
            # The id now rather than at flush: the versions refer to it, and all rows of the
            # result are then written in one flush (the unit of work orders drafts before versions).
            id=uuid.uuid4(),
            organisation_id=job.organisation_id,
            brief_id=brief_id,
            platform=draft.platform.value,
            variant=draft.variant,
            engine=draft.engine,
            state=draft.status.value,
            current_version=1,
            created_by_key_id=key_id,
            created_by_user_id=user_id,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        digest = content_sha256(draft.text)
        versions.append(
            DraftVersionRow(
                draft_id=row.id,
                number=1,
                text=draft.text,
                content_sha256=digest,
                findings=[f.model_dump(mode="json") for f in draft.findings],
                alt_texts=list(draft.alt_texts),
                rounds=draft.rounds,
                citations=list(draft.citations),
                author=f"engine:{draft.engine}",
                created_at=now,
            )
        )
        session.add(versions[-1])
        rows.append(row)
        hashes.append(digest)
    # A reply brief has one platform, so its escalations belong to that one draft.
    escalation_draft = rows[0].id if len(rows) == 1 else None
    escalations = [
        EscalationRow(
            organisation_id=job.organisation_id,
            brief_id=brief_id,
            draft_id=escalation_draft,
            kind=kind.value,
            due_at=now + ESCALATION_WINDOWS[kind],
            created_at=now,
        )
        for kind in result.escalations
    ]
    session.add_all(escalations)
    session.flush()
    # The review queue's CMS integrations hear of new work as of the same commit.
    webhooks = active_webhooks(session, job.organisation_id)
    for row, version in zip(rows, versions, strict=True):
        if row.state == State.needs_review.value:
            payload = webhook_payload(row, version, previous=State.draft)
            emit(
                session,
                job.organisation_id,
                EventType.draft_needs_review,
                payload,
                now=now,
                webhooks=webhooks,
            )
    for escalation in escalations:
        # In this transaction (the outbox): the subscriber hears of exactly the escalations committed.
        emit(
            session,
            job.organisation_id,
            EventType.escalation_created,
            {
                "escalation_id": str(escalation.id),
                "kind": escalation.kind,
                "brief_id": str(brief_id),
                "draft_id": None if escalation_draft is None else str(escalation_draft),
                "due_at": escalation.due_at.isoformat(),
            },
            now=now,
            webhooks=webhooks,
        )
    AuditRepository(session).record(
        organisation_id=job.organisation_id,
        event_type="drafts.produced",
        subject_type="brief",
        subject_id=str(brief_id),
        details={
            "job_id": str(job.id),
            "attempt": job.attempt,
            "engine": result.engine,
            "drafts": len(rows),
            "blocked": sum(1 for r in rows if r.state == "blocked"),
            "draft_ids": [str(r.id) for r in rows],
            "content_sha256": hashes,
            "escalations": [kind.value for kind in result.escalations],
            "masked": {entity.lower(): count for entity, count in sorted(result.masked.items())},
        },
    )
    return rows
