"""Arranging briefs, drafts and escalations directly in the database for the sign-off tests."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from agents.brief import Brief
from api.drafting.submit import Submitter, submit_brief
from api.jobs.queue import JobQueue
from api.store.drafting_models import DraftRow, DraftVersionRow, EscalationRow
from api.store.models import utcnow

BRIEF_BODY = {"topic": "Free Saturday flu shot clinics", "platforms": ["facebook"]}


def make_brief(sessions: sessionmaker[Session], organisation_id: uuid.UUID, **fields: Any) -> uuid.UUID:
    with sessions() as session:
        submission = submit_brief(
            session,
            JobQueue(sessions),
            submitter=Submitter(organisation_id=organisation_id),
            brief=Brief.model_validate({**BRIEF_BODY, **fields}),
            engine="modular",
            idempotency_key=uuid.uuid4().hex,
        )
        return submission.brief.id


def make_escalation(
    sessions: sessionmaker[Session],
    organisation_id: uuid.UUID,
    *,
    kind: str = "clinical_question",
    due_in: timedelta = timedelta(hours=4),
    brief_id: uuid.UUID | None = None,
) -> uuid.UUID:
    brief = brief_id or make_brief(sessions, organisation_id)
    with sessions() as session:
        row = EscalationRow(
            organisation_id=organisation_id, brief_id=brief, kind=kind, due_at=utcnow() + due_in
        )
        session.add(row)
        session.commit()
        return row.id


def make_draft(
    sessions: sessionmaker[Session],
    organisation_id: uuid.UUID,
    texts: list[tuple[str, list[dict[str, Any]]]],
    *,
    state: str = "needs_review",
    brief_id: uuid.UUID | None = None,
    updated_at: datetime | None = None,
    content_type: str | None = None,
) -> uuid.UUID:
    """A facebook draft whose versions 1..n have these texts and findings (Finding dumps)."""
    brief = brief_id or make_brief(
        sessions, organisation_id, **({"content_type": content_type} if content_type else {})
    )
    with sessions() as session:
        draft = DraftRow(
            organisation_id=organisation_id,
            brief_id=brief,
            platform="facebook",
            variant=1,
            engine="modular",
            state=state,
            current_version=len(texts),
            **({"updated_at": updated_at} if updated_at else {}),
        )
        session.add(draft)
        session.flush()
        for number, (text, findings) in enumerate(texts, start=1):
            session.add(
                DraftVersionRow(
                    draft_id=draft.id,
                    number=number,
                    text=text,
                    content_sha256=hashlib.sha256(text.encode()).hexdigest(),
                    findings=findings,
                    alt_texts=[],
                    rounds=0,
                    citations=[],
                    author="engine:modular",
                )
            )
        session.commit()
        return draft.id
