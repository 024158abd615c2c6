"""`carepost keys ...`: API keys for operators, across organisations."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from api.cli.common import audited_sessions, database_engine, fail, load_settings
from api.keyring import Actor, LastAdminKeyError, issue_key, revoke_key
from api.store.database import make_sessionmaker
from api.store.models import Organisation, Role
from api.store.repositories import ApiKeyRepository, AuditRepository, OrganisationRepository

cli = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
CLI_ACTOR = Actor(source="cli")


def _organisation(session: Session, slug: str, *, create: bool) -> Organisation:
    organisations = OrganisationRepository(session)
    organisation = organisations.get_by_slug(slug)
    if organisation is not None:
        return organisation
    if not create:
        raise fail(f"no organisation {slug!r}; pass --create-org to create it")
    organisation = organisations.create(slug=slug, name=slug)
    AuditRepository(session).record(
        organisation_id=organisation.id,
        event_type="organisation.created",
        subject_type="organisation",
        subject_id=str(organisation.id),
        details={"source": CLI_ACTOR.source},
    )
    return organisation


@cli.command()
def create(
    org: Annotated[str, typer.Option(help="Organisation slug.")],
    role: Annotated[Role, typer.Option(help="What the key may do.")],
    name: Annotated[str, typer.Option(help="What the key is for.")],
    create_org: Annotated[bool, typer.Option(help="Create the organisation if it does not exist.")] = False,
) -> None:
    """Create a key and print its secret once (on stdout; everything else goes to stderr)."""
    settings = load_settings()
    with database_engine(settings) as engine, audited_sessions(engine, settings)() as session:
        organisation = _organisation(session, org, create=create_org)
        api_key, secret = issue_key(
            session, organisation_id=organisation.id, role=role, name=name, actor=CLI_ACTOR
        )
        session.commit()
    typer.echo(
        f"created key {api_key.id} ({role.value}) for organisation {org}; "
        "the secret below is shown only now:",
        err=True,
    )
    typer.echo(secret)


@cli.command("list")
def list_keys(
    org: Annotated[str | None, typer.Option(help="Only this organisation (slug).")] = None,
) -> None:
    """List keys: id, organisation, role, prefix, name, created, last used, status. Never secrets."""
    settings = load_settings()
    with database_engine(settings) as engine, make_sessionmaker(engine)() as session:
        slugs = {o.id: o.slug for o in OrganisationRepository(session).list_all()}
        keys = ApiKeyRepository(session)
        only = None if org is None else _organisation(session, org, create=False).id
        rows = keys.list_all() if only is None else keys.list_for(only)
    typer.echo("id\torganisation\trole\tprefix\tname\tcreated\tlast_used\tstatus")
    for key in rows:
        last_used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "-"
        status = "active" if key.active else "revoked"
        typer.echo(
            f"{key.id}\t{slugs.get(key.organisation_id, '?')}\t{key.role}\t{key.prefix}\t{key.name}\t"
            f"{key.created_at.isoformat(timespec='seconds')}\t{last_used}\t{status}"
        )


@cli.command()
def revoke(key_id: Annotated[uuid.UUID, typer.Argument(help="The key's id (from `keys list`).")]) -> None:
    """Revoke a key. Refuses to revoke an organisation's last active admin key."""
    settings = load_settings()
    with database_engine(settings) as engine, audited_sessions(engine, settings)() as session:
        api_key = ApiKeyRepository(session).get_any_organisation(key_id)
        if api_key is None:
            raise fail(f"no key {key_id}")
        try:
            changed = revoke_key(session, api_key, actor=CLI_ACTOR)
        except LastAdminKeyError:
            raise fail("that is the organisation's last active admin key; create another first") from None
        session.commit()
    typer.echo(f"revoked key {key_id}" if changed else f"key {key_id} was already revoked")
