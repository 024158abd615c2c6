"""Repositories: the only code that writes SQL for organisations, keys and audit events.

Every read of an organisation's records takes the organisation id and filters by
it, so a record of another organisation is simply "not found". Repositories add
and flush; the caller owns the transaction and commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit import chain
from api.credentials import generate_key, key_prefix
from api.store.models import ApiKey, AuditEvent, Organisation, Role, utcnow


class OrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, *, slug: str, name: str) -> Organisation:
        organisation = Organisation(slug=slug, name=name)
        self.session.add(organisation)
        self.session.flush()
        return organisation

    def get(self, organisation_id: uuid.UUID) -> Organisation | None:
        return self.session.get(Organisation, organisation_id)

    def get_by_slug(self, slug: str) -> Organisation | None:
        return self.session.scalar(select(Organisation).where(Organisation.slug == slug))

    def list_all(self) -> Sequence[Organisation]:
        return self.session.scalars(select(Organisation).order_by(Organisation.slug)).all()

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Organisation)) or 0


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, *, organisation_id: uuid.UUID, role: Role, name: str) -> tuple[ApiKey, str]:
        """Store a new key; returns the row and the secret, which exists nowhere else."""
        new_key = generate_key()
        api_key = ApiKey(
            organisation_id=organisation_id,
            role=role.value,
            name=name,
            prefix=new_key.prefix,
            key_hash=new_key.digest,
        )
        self.session.add(api_key)
        self.session.flush()
        return api_key, new_key.secret

    def get(self, organisation_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        return self.session.scalar(
            select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation_id)
        )

    def get_any_organisation(self, key_id: uuid.UUID) -> ApiKey | None:
        """For operators at the CLI, who act across organisations; never call from a route."""
        return self.session.get(ApiKey, key_id)

    def list_for(self, organisation_id: uuid.UUID, *, include_revoked: bool = True) -> Sequence[ApiKey]:
        query = select(ApiKey).where(ApiKey.organisation_id == organisation_id)
        if not include_revoked:
            query = query.where(ApiKey.revoked_at.is_(None))
        return self.session.scalars(query.order_by(ApiKey.created_at, ApiKey.id)).all()

    def list_all(self) -> Sequence[ApiKey]:
        return self.session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)).all()

    def candidates_for(self, secret: str) -> Sequence[ApiKey]:
        """Active keys sharing the secret's prefix; the caller compares digests."""
        return self.session.scalars(
            select(ApiKey).where(ApiKey.prefix == key_prefix(secret), ApiKey.revoked_at.is_(None))
        ).all()

    def count_active(self, organisation_id: uuid.UUID, role: Role) -> int:
        query = select(func.count()).where(
            ApiKey.organisation_id == organisation_id,
            ApiKey.role == role.value,
            ApiKey.revoked_at.is_(None),
        )
        return self.session.scalar(query) or 0

    def mark_used(self, api_key: ApiKey, when: datetime) -> None:
        api_key.last_used_at = when
        self.session.flush()

    def revoke(self, api_key: ApiKey) -> None:
        api_key.revoked_at = utcnow()
        self.session.flush()


@dataclass(frozen=True)
class AuditPage:
    items: Sequence[AuditEvent]
    total: int


class AuditRepository:
    """Append and read only: there is deliberately no update or delete."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        *,
        organisation_id: uuid.UUID,
        event_type: str,
        subject_type: str,
        subject_id: str,
        actor_key_id: uuid.UUID | None = None,
        actor_user_id: uuid.UUID | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Append to the hash chain; `details` must hold ids, codes and counts only (AuditDetailsError)."""
        return chain.append(
            self.session,
            organisation_id=organisation_id,
            event_type=event_type,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_key_id=actor_key_id,
            actor_user_id=actor_user_id,
            details=details,
        )

    def get(self, organisation_id: uuid.UUID, event_id: uuid.UUID) -> AuditEvent | None:
        return self.session.scalar(
            select(AuditEvent).where(AuditEvent.id == event_id, AuditEvent.organisation_id == organisation_id)
        )

    def about(
        self, organisation_id: uuid.UUID, subject_type: str, subject_ids: list[str], *, limit: int
    ) -> list[AuditEvent]:
        """Events about some subjects (a draft and its signatures), oldest first, at most `limit`."""
        return list(
            self.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.organisation_id == organisation_id,
                    AuditEvent.subject_type == subject_type,
                    AuditEvent.subject_id.in_(subject_ids),
                )
                .order_by(AuditEvent.seq)
                .limit(limit)
            )
        )

    def page(
        self, organisation_id: uuid.UUID, *, limit: int, offset: int, event_type: str | None = None
    ) -> AuditPage:
        condition = AuditEvent.organisation_id == organisation_id
        if event_type is not None:
            condition = condition & (AuditEvent.event_type == event_type)
        total = self.session.scalar(select(func.count()).select_from(AuditEvent).where(condition)) or 0
        items = self.session.scalars(
            select(AuditEvent).where(condition).order_by(AuditEvent.seq.desc()).limit(limit).offset(offset)
        ).all()
        return AuditPage(items=items, total=total)
