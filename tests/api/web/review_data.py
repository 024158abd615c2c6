"""Drafts waiting for review, stored directly (no drafting engine): the review pages' test data."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow
from api.store.models import utcnow

TEXT = "Flu shots on Saturday at the east clinic, 9 to 12."  # synthetic, no identifiers


def make_draft(
    sessions: sessionmaker[Session],
    organisation_id: uuid.UUID,
    *,
    state: str = "needs_review",
    platform: str = "facebook",
    author_user_id: uuid.UUID | None = None,
    updated_at: datetime | None = None,
) -> uuid.UUID:
    """A brief with one draft in `state`; `author_user_id` wrote its version (segregation of duties)."""
    with sessions() as session:
        brief = BriefRow(
            organisation_id=organisation_id,
            idempotency_key=uuid.uuid4().hex,
            request_sha256="0" * 64,
            engine="modular",
            content_type="post",
            platforms=[platform],
            content={"topic": "Flu shots", "platforms": [platform]},
        )
        session.add(brief)
        session.flush()
        when = updated_at or utcnow()
        draft = DraftRow(
            organisation_id=organisation_id,
            brief_id=brief.id,
            platform=platform,
            variant=1,
            engine="modular",
            state=state,
            current_version=1,
            created_at=when,
            updated_at=when,
        )
        session.add(draft)
        session.flush()
        session.add(
            DraftVersionRow(
                draft_id=draft.id,
                number=1,
                text=TEXT,
                content_sha256=hashlib.sha256(TEXT.encode()).hexdigest(),
                findings=[],
                alt_texts=[],
                rounds=0,
                citations=[],
                author="user" if author_user_id else "engine:modular",
                author_user_id=author_user_id,
            )
        )
        session.commit()
        return draft.id
