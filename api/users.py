"""People who sign in to the web UI: creating them, and the roles a person may hold.

Used by the CLI (`carepost users create`) and the admin page (/web/admin/users), so
the two cannot drift apart. The caller owns the transaction and commits. Audit events
name the user by id only, never by e-mail address or display name.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.keyring import Actor
from api.passwords import Passwords
from api.store.models import Role, User
from api.store.repositories import AuditRepository
from api.store.web_models import WebSession

# Integration is for machine clients (CMS plugins, API keys); a person signs in as one of these.
PERSON_ROLES = frozenset({Role.admin, Role.marketer, Role.reviewer})
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
MAX_EMAIL_LENGTH = 320


class UserExistsError(Exception):
    """The organisation already has a user with this e-mail address."""


class InvalidUserError(ValueError):
    """A field is unusable; the message names the field, never its value."""


def normalise_email(email: str) -> str:
    """Addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_by_email(session: Session, organisation_id: uuid.UUID, email: str) -> User | None:
    return session.scalar(
        select(User).where(User.organisation_id == organisation_id, User.email == normalise_email(email))
    )


def create_user(
    session: Session,
    passwords: Passwords,
    *,
    organisation_id: uuid.UUID,
    email: str,
    display_name: str,
    role: Role,
    password: str,
    actor: Actor,
) -> User:
    """Store a person with an argon2id password hash; raises PasswordTooWeak, InvalidUserError, UserExistsError."""
    address = normalise_email(email)
    if len(address) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address):
        raise InvalidUserError("the e-mail address is not valid")
    name = display_name.strip()
    if not name or len(name) > 200:
        raise InvalidUserError("the display name needs 1 to 200 characters")
    if role not in PERSON_ROLES:
        raise InvalidUserError("a person's role is admin, marketer or reviewer (integration is for API keys)")
    if find_by_email(session, organisation_id, address) is not None:
        raise UserExistsError
    user = User(
        organisation_id=organisation_id,
        email=address,
        display_name=name,
        role=role.value,
        password_hash=passwords.hash(password),
    )
    session.add(user)
    session.flush()
    AuditRepository(session).record(
        organisation_id=organisation_id,
        event_type="user.created",
        subject_type="user",
        subject_id=str(user.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"role": role.value, "source": actor.source},
    )
    return user


def anyone_can_sign_in(session: Session) -> bool:
    """Whether any person, in any organisation, has a password (for the first-start hint)."""
    return session.scalar(select(User.id).where(User.password_hash.is_not(None)).limit(1)) is not None


class SelfChangeError(Exception):
    """An admin tried to lock themselves or change their own role (which could leave no admin)."""


def people(session: Session, organisation_id: uuid.UUID) -> list[User]:
    """The organisation's users, by display name (the admin page's list)."""
    return list(
        session.scalars(
            select(User)
            .where(User.organisation_id == organisation_id)
            .order_by(func.lower(User.display_name), User.id)
        )
    )


def reference_names(session: Session, organisation_id: uuid.UUID) -> dict[str, str]:
    """Display names by workflow reference ("user:<id>"), for pages that show who did what."""
    return {f"user:{user.id}": user.display_name for user in people(session, organisation_id)}


def get_person(session: Session, organisation_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
    return session.scalar(select(User).where(User.id == user_id, User.organisation_id == organisation_id))


def end_user_sessions(session: Session, user_id: uuid.UUID) -> int:
    """Delete every web session of one user (the account was locked); returns how many."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def change_role(session: Session, user: User, role: Role, *, actor: Actor) -> bool:
    """Give `user` another person's role; False when it already has it. Audited with both roles."""
    if role not in PERSON_ROLES:
        raise InvalidUserError("a person's role is admin, marketer or reviewer (integration is for API keys)")
    if actor.user_id == user.id:
        raise SelfChangeError
    if user.role == role.value:
        return False
    previous, user.role = user.role, role.value
    session.flush()
    _audit(session, user, "user.role_changed", actor, {"previous_role": previous, "role": role.value})
    return True


def set_locked(session: Session, user: User, locked: bool, *, actor: Actor, now: datetime) -> bool:
    """An admin locks (until unlocked) or unlocks an account; False when nothing changes.

    Locking ends the account's open web sessions at once. Unlocking also lifts a
    lockout, so an admin can let a person back in before the lockout ends.
    """
    if actor.user_id == user.id:
        raise SelfChangeError
    if locked == user.is_locked(now):
        return False
    if locked:
        user.admin_locked_at = now
        ended = end_user_sessions(session, user.id)
        details: dict[str, str | int] = {"sessions_ended": ended}
    else:
        user.admin_locked_at, user.locked_until, user.failed_sign_ins = None, None, 0
        details = {}
    session.flush()
    _audit(session, user, "user.locked" if locked else "user.unlocked", actor, {"by": "admin", **details})
    return True


def _audit(
    session: Session, user: User, event_type: str, actor: Actor, details: dict[str, str | int]
) -> None:
    AuditRepository(session).record(
        organisation_id=user.organisation_id,
        event_type=event_type,
        subject_type="user",
        subject_id=str(user.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"source": actor.source, **details},
    )
