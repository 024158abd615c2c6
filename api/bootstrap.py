"""First start: create the default organisation and its first admin key.

Runs only while the database holds no organisation at all, so the key is
printed once and never again. Two replicas starting together race on the
organisation's unique slug; the loser sees an IntegrityError and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.keyring import Actor, issue_key
from api.settings import Settings
from api.store.models import Role
from api.store.repositories import AuditRepository, OrganisationRepository

BOOTSTRAP_KEY_NAME = "bootstrap admin"


@dataclass(frozen=True)
class BootstrapResult:
    organisation_slug: str
    admin_key: str


def bootstrap_default_organisation(
    sessions: sessionmaker[Session], settings: Settings
) -> BootstrapResult | None:
    """Create the default organisation and an admin key on an empty database; else None."""
    with sessions() as session:
        organisations = OrganisationRepository(session)
        if organisations.count() > 0:
            return None
        try:
            organisation = organisations.create(
                slug=settings.default_org_slug, name=settings.default_org_name
            )
            actor = Actor(source="bootstrap")
            AuditRepository(session).record(
                organisation_id=organisation.id,
                event_type="organisation.created",
                subject_type="organisation",
                subject_id=str(organisation.id),
                details={"source": actor.source},
            )
            _, secret = issue_key(
                session,
                organisation_id=organisation.id,
                role=Role.admin,
                name=BOOTSTRAP_KEY_NAME,
                actor=actor,
            )
            session.commit()
        except IntegrityError:
            session.rollback()
            return None
    return BootstrapResult(organisation_slug=organisation.slug, admin_key=secret)
