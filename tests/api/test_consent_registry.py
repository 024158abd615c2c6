"""The consent registry's functions: the subject-hint rule, valid_consents, uses and the expiry sweep."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.cli import build_cli
from api.consents import registry
from api.consents.schemas import ConsentCreate, RevocationReason
from api.consents.withdrawal import ConsentWithdrawal, record_pending
from api.keyring import Actor
from api.store.models import AuditEvent
from api.store.repositories import OrganisationRepository
from guardrails.context import ContentType, MediaKind, Platform

ACTOR = Actor(source="cli")
DAY = date(2026, 6, 15)


def consent_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject_hint": "Maria L.",
        "scope": {"content_types": ["post"], "platforms": ["facebook", "instagram"]},
        "signed_on": "2026-01-10",
        "expires_on": "2026-12-31",
        "document_ref": "dms:consent/2026-0042",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    "hint", ["Maria L.", "M. L.", "Patient A", "Mary-Ann L.", "José", "J. O'Neil", "Dad"]
)
def test_short_hints_are_accepted(hint: str) -> None:
    assert ConsentCreate.model_validate(consent_body(subject_hint=hint)).subject_hint == hint


@pytest.mark.parametrize(
    "hint",
    [
        "Maria Lopez",  # a full name
        "Maria Lopez Garcia",
        "MRN 4821",  # digits: record numbers, dates
        "Maria L. 1957",
        "maria@example.com",
        "M/L",
        "",
        "A" * 41,
    ],
)
def test_full_identifiers_are_refused_as_hints(hint: str) -> None:
    with pytest.raises(ValidationError):
        ConsentCreate.model_validate(consent_body(subject_hint=hint))


def test_scope_and_dates_are_checked() -> None:
    for bad in (
        consent_body(scope={"content_types": [], "platforms": ["x"]}),
        consent_body(scope={"content_types": ["post"], "platforms": []}),
        consent_body(scope={"content_types": ["post", "post"], "platforms": ["x"]}),
        consent_body(scope={"content_types": ["post"], "platforms": ["myspace"]}),
        consent_body(expires_on="2026-01-09"),
        consent_body(document_ref="the form Maria signed"),
        consent_body(note="extra fields are refused"),
    ):
        with pytest.raises(ValidationError):
            ConsentCreate.model_validate(bad)


@pytest.fixture
def org(sessions: sessionmaker[Session]) -> Callable[[str], uuid.UUID]:
    def make(slug: str = "acme") -> uuid.UUID:
        with sessions() as session:
            found = OrganisationRepository(session).get_by_slug(slug)
            if found is None:
                found = OrganisationRepository(session).create(slug=slug, name=slug)
                session.commit()
            return found.id

    return make


def add(sessions: sessionmaker[Session], organisation_id: uuid.UUID, **overrides: Any) -> uuid.UUID:
    with sessions() as session:
        row = registry.create(
            session, organisation_id, ConsentCreate.model_validate(consent_body(**overrides)), actor=ACTOR
        )
        session.commit()
        return row.id


def test_valid_consents_filters_by_validity_scope_and_organisation(
    sessions: sessionmaker[Session], org: Callable[[str], uuid.UUID]
) -> None:
    acme, globex = org("acme"), org("globex")
    plain = add(sessions, acme)
    expiring_today = add(sessions, acme, expires_on=DAY.isoformat())
    expired = add(sessions, acme, expires_on=(DAY - timedelta(days=1)).isoformat())
    not_yet_signed = add(sessions, acme, signed_on=(DAY + timedelta(days=1)).isoformat(), expires_on=None)
    revoked = add(sessions, acme)
    photo = add(
        sessions, acme, scope={"content_types": ["post"], "platforms": ["x"], "media_kinds": ["image"]}
    )
    topical = add(sessions, acme, scope={"content_types": ["post"], "platforms": ["x"], "topic": "knee-care"})
    foreign = add(sessions, globex)
    with sessions() as session:
        row = registry.get(session, acme, revoked)
        assert row is not None
        registry.revoke(session, row, RevocationReason.patient_request, actor=ACTOR, handler=record_pending)
        session.commit()

        every = [
            str(i) for i in (plain, expiring_today, expired, not_yet_signed, revoked, photo, topical, foreign)
        ]
        valid = registry.valid_consents(session, acme, [*every, "not-a-uuid"], on=DAY)
        assert {c.id for c in valid} == {str(plain), str(expiring_today), str(photo)}
        with_image = registry.valid_consents(session, acme, every, on=DAY, media=[MediaKind.IMAGE])
        assert {c.id for c in with_image} == {str(photo)}
        on_topic = registry.valid_consents(session, acme, every, on=DAY, topics=["knee-care"])
        assert str(topical) in {c.id for c in on_topic}
        assert registry.valid_consents(session, acme, [], on=DAY) == []

    consent = next(c for c in valid if c.id == str(plain))
    assert consent.subject_hint == "Maria L."
    assert consent.covers(on=DAY, platform=Platform.FACEBOOK, content_type=ContentType.POST)
    assert not consent.covers(on=DAY, platform=Platform.X, content_type=ContentType.POST)
    assert not consent.covers(on=DAY, platform=Platform.FACEBOOK, content_type=ContentType.AD)


def test_uses_are_recorded_once_and_scoped_to_the_organisation(
    sessions: sessionmaker[Session], org: Callable[[str], uuid.UUID]
) -> None:
    acme, globex = org("acme"), org("globex")
    consent = add(sessions, acme)
    with sessions() as session:
        registry.record_use(session, acme, consent, "draft-2")
        registry.record_use(session, acme, consent, "draft-1")
        registry.record_use(session, acme, consent, "draft-2")
        with pytest.raises(LookupError):
            registry.record_use(session, globex, consent, "draft-3")
        session.commit()
        assert registry.affected_by(session, consent) == ["draft-2", "draft-1"]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[ConsentWithdrawal] = []

    def __call__(self, session: Session, withdrawal: ConsentWithdrawal) -> None:
        self.calls.append(withdrawal)


def at(day: date) -> Callable[[], datetime]:
    return lambda: datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)


def test_the_sweep_handles_each_newly_expired_consent_once(
    sessions: sessionmaker[Session], org: Callable[[str], uuid.UUID]
) -> None:
    acme = org("acme")
    expiring = add(sessions, acme, expires_on=DAY.isoformat())
    later = add(sessions, acme, expires_on=(DAY + timedelta(days=30)).isoformat())
    revoked = add(sessions, acme, expires_on=DAY.isoformat())
    add(sessions, acme, expires_on=None)
    with sessions() as session:
        registry.record_use(session, acme, expiring, "draft-a")
        registry.record_use(session, acme, expiring, "draft-b")
        row = registry.get(session, acme, revoked)
        assert row is not None
        registry.revoke(session, row, RevocationReason.superseded, actor=ACTOR, handler=Recorder())
        session.commit()

    recorder = Recorder()
    with sessions() as session:
        assert (
            registry.sweep_expired(session, clock=at(DAY), handler=recorder) == []
        )  # valid through its last day
        handled = registry.sweep_expired(session, clock=at(DAY + timedelta(days=1)), handler=recorder)
        session.commit()
    assert [(w.consent_id, w.cause, w.draft_ids) for w in handled] == [
        (expiring, "expired", ("draft-a", "draft-b"))
    ]
    assert recorder.calls == handled

    with sessions() as session:
        assert registry.sweep_expired(session, clock=at(DAY + timedelta(days=2)), handler=recorder) == []
        much_later = registry.sweep_expired(session, clock=at(DAY + timedelta(days=40)), handler=recorder)
        session.commit()
        assert [w.consent_id for w in much_later] == [later]
        expired_events = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "consent.expired").order_by(AuditEvent.seq)
        ).all()
    assert [e.subject_id for e in expired_events] == [str(expiring), str(later)]
    assert expired_events[0].details == {"source": "sweep", "affected_drafts": 2}


def test_a_failing_handler_leaves_the_expiry_for_the_next_sweep(
    sessions: sessionmaker[Session], org: Callable[[str], uuid.UUID]
) -> None:
    acme = org("acme")
    consent = add(sessions, acme, expires_on=DAY.isoformat())

    def broken(session: Session, withdrawal: ConsentWithdrawal) -> None:
        raise RuntimeError("workflow unavailable")

    with sessions() as session:
        with pytest.raises(RuntimeError):
            registry.sweep_expired(session, clock=at(DAY + timedelta(days=1)), handler=broken)
        session.rollback()
    with sessions() as session:
        handled = registry.sweep_expired(session, clock=at(DAY + timedelta(days=1)), handler=record_pending)
        session.commit()
        pending = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "consent.withdrawal_pending")
        ).all()
    assert [w.consent_id for w in handled] == [consent]
    assert pending == []  # no draft used it


def test_sweep_command(
    database_url: str, tmp_path: Path, sessions: sessionmaker[Session], org: Callable[[str], uuid.UUID]
) -> None:
    acme = org("acme")
    expired = add(sessions, acme, expires_on=DAY.isoformat())  # long past by the real clock
    with sessions() as session:
        registry.record_use(session, acme, expired, "draft-9")
        session.commit()
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    first = CliRunner().invoke(build_cli(), ["consents", "sweep"], env=env)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "1 consent(s) newly expired; 1 draft(s) affected"
    second = CliRunner().invoke(build_cli(), ["consents", "sweep"], env=env)
    assert second.stdout.strip() == "0 consent(s) newly expired; 0 draft(s) affected"
