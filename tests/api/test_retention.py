"""Retention purge of brief content, with an injected clock, on each backend."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.cli import build_cli
from api.retention import purge_briefs
from api.store.audit_models import AuditCheckpoint
from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow, JobRow
from api.store.models import AuditEvent, Role, utcnow
from tests.api.signoff_helpers import make_brief, make_draft
from tests.conftest import IssuedKey

PERIOD = timedelta(days=90)


def fail_jobs(sessions: sessionmaker[Session], brief_id: uuid.UUID, state: str = "failed") -> None:
    with sessions() as session:
        session.execute(update(JobRow).where(JobRow.brief_id == brief_id).values(state=state))
        session.commit()


def purged(sessions: sessionmaker[Session]) -> set[uuid.UUID]:
    """Briefs whose content is SQL NULL and that carry a purge time."""
    with sessions() as session:
        return set(
            session.scalars(
                select(BriefRow.id).where(BriefRow.content.is_(None), BriefRow.purged_at.is_not(None))
            )
        )


def audit_rows(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    with sessions() as session:
        return [(e.seq, e.hash) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_purge_clears_only_briefs_past_their_period(
    sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    org = make_key("acme", Role.admin).organisation_id
    start = utcnow()

    published = make_draft(
        sessions, org, [("Flu shots Saturday.", []), ("Flu shots Saturday!", [])], state="published"
    )
    in_review = make_draft(sessions, org, [("Flu shots Sunday.", [])], state="needs_review")
    late_final = make_draft(
        sessions, org, [("Flu shots Monday.", [])], state="rejected", updated_at=start + timedelta(days=50)
    )
    failed = make_brief(sessions, org)
    fail_jobs(sessions, failed)
    drafting = make_brief(sessions, org)  # its job is still queued
    with sessions() as session:
        briefs = {d: _brief(session, d) for d in (published, in_review, late_final)}
    for brief_id in briefs.values():
        fail_jobs(sessions, brief_id, state="succeeded")  # drafting is over for these
    with sessions() as session:
        versions_before = [
            (v.draft_id, v.number, v.text, v.content_sha256) for v in session.scalars(select(DraftVersionRow))
        ]
        checkpoints_before = len(session.scalars(select(AuditCheckpoint)).all())
    audit_before = audit_rows(sessions)

    now = start + timedelta(days=91)
    with sessions() as session:
        preview = purge_briefs(session, now=now, period=PERIOD, dry_run=True)
        session.commit()
    assert (preview.total, preview.held) == (2, 3)
    assert purged(sessions) == set()
    assert audit_rows(sessions) == audit_before

    with sessions() as session:
        report = purge_briefs(session, now=now, period=PERIOD)
        session.commit()
    assert report.purged == {org: 2}
    assert report.held == 3
    assert purged(sessions) == {briefs[published], failed}

    with sessions() as session:
        versions_after = [
            (v.draft_id, v.number, v.text, v.content_sha256) for v in session.scalars(select(DraftVersionRow))
        ]
        assert sorted(versions_after) == sorted(versions_before)  # published versions are records: untouched
        assert len(session.scalars(select(AuditCheckpoint)).all()) == checkpoints_before
        brief = session.get(BriefRow, briefs[published])
        assert brief is not None
        assert brief.purged_at == now
        assert len(brief.request_sha256) == 64  # the hash stays
        events = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "briefs.purged")).all()
    audit_after = audit_rows(sessions)
    assert audit_after[: len(audit_before)] == audit_before  # earlier audit rows untouched
    assert [e.details for e in events] == [{"briefs": 2, "retention_days": 90}]
    assert events[0].subject_id == str(org)

    with sessions() as session:
        again = purge_briefs(session, now=now, period=PERIOD)
        session.commit()
    assert again.total == 0
    assert audit_rows(sessions) == audit_after  # idempotent: nothing purged, nothing audited

    with sessions() as session:
        later = purge_briefs(session, now=start + timedelta(days=141), period=PERIOD)
        session.commit()
    assert later.total == 1  # the draft rejected on day 50 is due on day 140
    assert purged(sessions) == {briefs[published], failed, briefs[late_final]}
    assert briefs[in_review] not in purged(sessions)
    assert drafting not in purged(sessions)


def _brief(session: Session, draft_id: uuid.UUID) -> uuid.UUID:
    return session.scalars(select(DraftRow.brief_id).where(DraftRow.id == draft_id)).one()


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_cli_purges_and_signs_its_audit_event(
    database_url: str,
    tmp_path: Path,
    sessions: sessionmaker[Session],
    make_key: Callable[..., IssuedKey],
    dry_run: bool,
) -> None:
    org = make_key("acme", Role.admin).organisation_id
    old = make_brief(sessions, org)
    fail_jobs(sessions, old)
    with sessions() as session:
        session.execute(
            update(BriefRow).where(BriefRow.id == old).values(created_at=utcnow() - timedelta(days=31))
        )
        session.commit()
    env = {
        "CAREPOST_DATABASE_URL": database_url,
        "CAREPOST_DATA_DIR": str(tmp_path / "var"),
        "CAREPOST_BRIEF_RETENTION_DAYS": "30",
    }
    cli = build_cli()
    result = CliRunner().invoke(cli, ["retention", "purge", *(["--dry-run"] if dry_run else [])], env=env)
    assert result.exit_code == 0, result.output
    if dry_run:
        assert "would purge 1 brief(s) in 1 organisation(s) (retention 30 days)" in result.stdout
        assert purged(sessions) == set()
        return
    assert "purged 1 brief(s)" in result.stdout
    assert purged(sessions) == {old}
    verified = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
    assert "come after the latest signed checkpoint" not in verified.stderr
