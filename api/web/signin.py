"""Checking a person's password at sign-in, with lockout after repeated failures.

Every failure looks the same to the browser (no hint whether the address exists
or the account is locked); the audit trail tells them apart by the user's id,
never the address or the password. A locked account refuses even the right
password until the lock ends. The caller owns the transaction and commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.passwords import Passwords
from api.settings import Settings
from api.store.models import User
from api.store.repositories import AuditRepository, OrganisationRepository
from api.users import end_user_sessions, find_by_email

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int
    duration: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> LockoutPolicy:
        return cls(
            attempts=settings.web_lockout_attempts, duration=timedelta(minutes=settings.web_lockout_minutes)
        )


def sign_in(
    session: Session,
    passwords: Passwords,
    *,
    organisation_slug: str,
    email: str,
    password: str,
    policy: LockoutPolicy,
    now: datetime,
) -> User | None:
    """The user when the password is right and the account not locked; else None (and the failure counted)."""
    organisation = OrganisationRepository(session).get_by_slug(organisation_slug.strip())
    user = None if organisation is None else find_by_email(session, organisation.id, email)
    if user is None or user.password_hash is None:
        passwords.verify(None, password)  # the same work as a real check: timing does not tell
        log.info("web sign-in failed", extra={"reason": "unknown_account"})
        return None
    audit = AuditRepository(session)
    locked = user.is_locked(now)
    correct = passwords.verify(user.password_hash, password)
    if locked:
        _audit(audit, user, "user.sign_in_failed", reason="locked")
        return None
    if correct:
        user.failed_sign_ins = 0
        user.locked_until = None
        user.last_signed_in_at = now
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash(password)
        session.flush()
        _audit(audit, user, "user.signed_in")
        return user
    # Counted in SQL, so parallel guesses cannot each read the same count and slip past the limit.
    failures = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_sign_ins=User.failed_sign_ins + 1)
        .returning(User.failed_sign_ins)
    ).scalar_one()
    _audit(audit, user, "user.sign_in_failed", reason="password", attempts=failures)
    if failures >= policy.attempts:
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_sign_ins=0, locked_until=now + policy.duration)
        )
        _audit(
            audit, user, "user.locked", attempts=failures, minutes=int(policy.duration.total_seconds() // 60)
        )
        # A locked account is locked everywhere: sessions already open end now, not at their expiry.
        end_user_sessions(session, user.id)
    session.expire(user)
    return None


def _audit(audit: AuditRepository, user: User, event_type: str, **details: str | int) -> None:
    # The user is the actor only of a sign-in that proved who they are; a failure's actor is unknown.
    audit.record(
        organisation_id=user.organisation_id,
        event_type=event_type,
        subject_type="user",
        subject_id=str(user.id),
        actor_user_id=user.id if event_type == "user.signed_in" else None,
        details={"source": "web", **details},
    )
