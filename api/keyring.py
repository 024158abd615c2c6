"""Issuing, revoking and authenticating API keys, with the audit events they leave.

Used by both the HTTP routes and the CLI so the two cannot drift apart. The caller
owns the transaction and commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from api.credentials import digest_matches, looks_like_key
from api.store.models import ApiKey, Role
from api.store.repositories import ApiKeyRepository, AuditRepository

# last_used_at is for spotting stale keys, not for accounting: recording it at most
# once a minute spares a database write on nearly every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

ActionSource = Literal["api", "cli", "bootstrap", "web"]


@dataclass(frozen=True)
class Actor:
    source: ActionSource
    key_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None


class LastAdminKeyError(Exception):
    """Revoking this key would leave its organisation without an active admin key."""


def issue_key(
    session: Session, *, organisation_id: uuid.UUID, role: Role, name: str, actor: Actor
) -> tuple[ApiKey, str]:
    api_key, secret = ApiKeyRepository(session).create(organisation_id=organisation_id, role=role, name=name)
    AuditRepository(session).record(
        organisation_id=organisation_id,
        event_type="api_key.created",
        subject_type="api_key",
        subject_id=str(api_key.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"role": role.value, "source": actor.source},
    )
    return api_key, secret


def revoke_key(session: Session, api_key: ApiKey, *, actor: Actor) -> bool:
    """Revoke `api_key`; False when it was already revoked (nothing is recorded twice)."""
    if not api_key.active:
        return False
    keys = ApiKeyRepository(session)
    if api_key.role == Role.admin and keys.count_active(api_key.organisation_id, Role.admin) <= 1:
        raise LastAdminKeyError
    keys.revoke(api_key)
    AuditRepository(session).record(
        organisation_id=api_key.organisation_id,
        event_type="api_key.revoked",
        subject_type="api_key",
        subject_id=str(api_key.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"source": actor.source},
    )
    return True


def authenticate(session: Session, secret: str, now: datetime) -> ApiKey | None:
    """The active key whose digest matches `secret`, or None."""
    if not looks_like_key(secret):
        return None
    keys = ApiKeyRepository(session)
    for candidate in keys.candidates_for(secret):
        if digest_matches(secret, candidate.key_hash):
            if candidate.last_used_at is None or now - candidate.last_used_at >= LAST_USED_RESOLUTION:
                keys.mark_used(candidate, now)
            return candidate
    return None
