"""Migration 0003 chains the events written before the chain existed, with the app's own hash recipe."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.audit.verify import verify_chain
from api.store import migrate
from api.store.database import make_engine
from tests.api.audit_helpers import AUDIT_KEY

organisations = sa.table(
    "organisations",
    sa.column("id", sa.Uuid()),
    sa.column("slug", sa.String()),
    sa.column("name", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
old_events = sa.table(
    "audit_events",
    sa.column("id", sa.Uuid()),
    sa.column("organisation_id", sa.Uuid()),
    sa.column("actor_key_id", sa.Uuid()),
    sa.column("actor_user_id", sa.Uuid()),
    sa.column("event_type", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.String()),
    sa.column("details", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def test_existing_events_are_chained_in_time_order(blank_database_url: str) -> None:
    engine = make_engine(blank_database_url)
    try:
        migrate.upgrade(engine, "0002")
        org = uuid.uuid4()
        start = datetime(2026, 11, 1, 9, 30, 15, 123456, tzinfo=UTC)
        ids = [uuid.uuid4() for _ in range(4)]
        with engine.begin() as connection:
            connection.execute(
                organisations.insert().values(id=org, slug="acme", name="Acme", created_at=start)
            )
            # Inserted out of order: the migration orders by time.
            for index in (2, 0, 3, 1):
                connection.execute(
                    old_events.insert().values(
                        id=ids[index],
                        organisation_id=org,
                        actor_key_id=uuid.uuid4() if index % 2 else None,
                        actor_user_id=None,
                        event_type="knowledge_document.ingested",
                        subject_type="knowledge_document",
                        subject_id=f"doc-{index}",
                        details={"doc_id": "policies/visitors", "chunks": index, "by": {"b": 1, "a": [1, 2]}},
                        created_at=start + timedelta(minutes=index),
                    )
                )
        migrate.upgrade(engine)
        with Session(engine) as session:
            report = verify_chain(session, AUDIT_KEY)
            order = (
                session.execute(sa.text("SELECT seq FROM audit_events ORDER BY created_at")).scalars().all()
            )
        assert report.ok, report.problems
        assert (report.events, report.last_seq) == (4, 4)
        assert order == [1, 2, 3, 4]
    finally:
        engine.dispose()
