"""Building an audit chain for tests: sessions that carry an audit key, and a few events."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.store.models import AuditEvent
from api.store.repositories import AuditRepository, OrganisationRepository

AUDIT_SECRET = "test-audit-secret-0123456789abcdef0123456789"
AUDIT_KEY = AUDIT_SECRET.encode()


def organisation(session: Session, slug: str) -> uuid.UUID:
    organisations = OrganisationRepository(session)
    found = organisations.get_by_slug(slug) or organisations.create(slug=slug, name=slug.title())
    return found.id


def append_events(sessions: sessionmaker[Session], count: int, *, per_commit: int = 2) -> None:
    """`count` events alternating between two organisations, committed `per_commit` at a time."""
    written = 0
    while written < count:
        with sessions() as session:
            orgs = [organisation(session, "acme"), organisation(session, "globex")]
            for _ in range(min(per_commit, count - written)):
                AuditRepository(session).record(
                    organisation_id=orgs[written % 2],
                    event_type="test.event",
                    subject_type="thing",
                    subject_id=f"thing-{written}",
                    details={"number": written, "kind": "synthetic"},
                )
                written += 1
            session.commit()


def ids_by_seq(sessions: sessionmaker[Session]) -> dict[int, uuid.UUID]:
    with sessions() as session:
        return {row.seq: row.id for row in session.execute(select(AuditEvent.seq, AuditEvent.id))}
