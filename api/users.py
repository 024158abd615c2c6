"""People who sign in to the web UI: creating them, and the roles a person may hold.

Used by the CLI (`carepost users create`) and, later, an admin page, so the two
cannot drift apart. The caller owns the transaction and commits. Audit events
name the user by id only, never by e-mail address or display name.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.keyring import Actor
from api.passwords import Passwords
from api.store.models import Role, User
from api.store.repositories import AuditRepository

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
