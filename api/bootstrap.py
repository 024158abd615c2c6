"""First start: create the default organisation and its first admin key, then its knowledge.

`bootstrap_default_organisation` runs only while the database holds no
organisation at all, so the key is printed once and never again. Two replicas
starting together race on the organisation's unique slug; the loser sees an
IntegrityError and does nothing. `load_default_knowledge` runs when the app
starts and gives that organisation the default knowledge pack, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.keyring import Actor, issue_key
from api.settings import Settings
from api.store.models import Role
from api.store.repositories import AuditRepository, OrganisationRepository

if TYPE_CHECKING:
    from knowledge.pack import PackReport
    from knowledge.retrieval import KnowledgeBase

BOOTSTRAP_KEY_NAME = "bootstrap admin"
# Recorded once the default pack is in; its presence, not the documents', says "done", so a
# pack document an admin deleted on purpose does not come back on the next restart.
PACK_LOADED_EVENT = "knowledge_pack.loaded"


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


def load_default_knowledge(
    sessions: sessionmaker[Session], knowledge: KnowledgeBase, settings: Settings
) -> PackReport | None:
    """Load the default knowledge pack into the default organisation, once; else None.

    Safe to repeat: the pack loader skips unchanged documents and never replaces a
    library the organisation already has, so a start that failed half way simply
    finishes the job next time. Only an organisation without the marker event loads.
    """
    from api.store.library_repository import knowledge_org
    from knowledge.pack import load_default_pack

    with sessions() as session:
        organisation = OrganisationRepository(session).get_by_slug(settings.default_org_slug)
        if organisation is None:
            return None
        audit = AuditRepository(session)
        if audit.page(organisation.id, limit=1, offset=0, event_type=PACK_LOADED_EVENT).total:
            return None
    report = load_default_pack(knowledge.store, knowledge.libraries, knowledge_org(organisation.id))
    index = report.library_index
    with sessions() as session:
        AuditRepository(session).record(
            organisation_id=organisation.id,
            event_type=PACK_LOADED_EVENT,
            subject_type="organisation",
            subject_id=str(organisation.id),
            details={
                "source": "bootstrap",
                "pack_version": report.version,
                "documents": len(report.documents),
                "library_stored": report.library_stored,
                "library_documents": sum(len(ids) for ids in (index.created, index.updated, index.unchanged)),
            },
        )
        session.commit()
    return report
