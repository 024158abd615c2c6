"""Web sessions: a random token in an HttpOnly cookie, only its SHA-256 in the database.

A session ends at its absolute expiry or after the idle timeout, whichever comes
first. Signing in always starts a new session (a new token), so a token planted
before sign-in is worthless afterwards. The caller owns the transaction and commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.settings import Settings
from api.store.models import User
from api.store.web_models import WebSession

SESSION_COOKIE = "carepost_session"
# last_seen_at is written at most this often: a page view should not always cost a database write.
TOUCH_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=settings.web_session_idle_minutes),
            lifetime=timedelta(hours=settings.web_session_max_hours),
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, *, now: datetime, policy: SessionPolicy) -> str:
    """Store a new session for `user`; returns its token (which exists nowhere else)."""
    token = new_token()
    session.add(
        WebSession(
            token_sha256=token_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.lifetime,
        )
    )
    session.flush()
    return token


def resolve_session(
    session: Session, token: str, *, now: datetime, policy: SessionPolicy
) -> tuple[WebSession, User] | None:
    """The live session for `token` and its user, or None (unknown, expired or idle too long)."""
    if not token or len(token) > 128:
        return None
    row = session.scalar(select(WebSession).where(WebSession.token_sha256 == token_digest(token)))
    if row is None:
        return None
    if now >= row.expires_at or now >= row.last_seen_at + policy.idle:
        session.delete(row)
        session.flush()
        return None
    user = session.get(User, row.user_id)
    if user is None or user.password_hash is None:
        return None
    if user.is_locked(now):
        # Locked by the lockout or by an admin: the session ends with the lock, it does not outlive it.
        session.delete(row)
        session.flush()
        return None
    if now - row.last_seen_at >= TOUCH_RESOLUTION:
        row.last_seen_at = now
        session.flush()
    return row, user


def end_session(session: Session, token: str) -> bool:
    """Delete the session for `token`; False when there was none."""
    result = session.execute(delete(WebSession).where(WebSession.token_sha256 == token_digest(token)))
    return bool(getattr(result, "rowcount", 0))
