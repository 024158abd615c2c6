"""`carepost users ...`: people who sign in to the web UI, for operators.

The password is read from a hidden prompt (asked twice) or, when stdin is not a
terminal, from its first line; never from the command line, where it would land
in shell history and process listings.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.common import database_engine, fail, load_settings
from api.keyring import Actor
from api.passwords import MIN_PASSWORD_LENGTH, Passwords, PasswordTooWeak
from api.store.database import make_sessionmaker
from api.store.models import Role
from api.store.repositories import OrganisationRepository
from api.users import InvalidUserError, UserExistsError, create_user

cli = typer.Typer(help="People who sign in to the web UI.", no_args_is_help=True)


def _read_password() -> str:
    if sys.stdin.isatty():
        value: str = typer.prompt(
            f"Password (at least {MIN_PASSWORD_LENGTH} characters)", hide_input=True, confirmation_prompt=True
        )
        return value
    return sys.stdin.readline().rstrip("\r\n")


@cli.command()
def create(
    email: Annotated[str, typer.Option(help="E-mail address; the sign-in name.")],
    role: Annotated[Role, typer.Option(help="admin, marketer or reviewer.")],
    display_name: Annotated[str, typer.Option(help="The name shown in the UI and beside decisions.")],
    org: Annotated[
        str | None, typer.Option(help="Organisation slug (default CAREPOST_DEFAULT_ORG_SLUG).")
    ] = None,
) -> None:
    """Create a person who can sign in; the password comes from a prompt or stdin."""
    settings = load_settings()
    slug = org or settings.default_org_slug
    password = _read_password()
    with database_engine(settings) as engine, make_sessionmaker(engine)() as session:
        organisation = OrganisationRepository(session).get_by_slug(slug)
        if organisation is None:
            raise fail(
                f"no organisation {slug!r}; `carepost serve` creates the default one on its first start"
            )
        try:
            user = create_user(
                session,
                Passwords(),
                organisation_id=organisation.id,
                email=email,
                display_name=display_name,
                role=role,
                password=password,
                actor=Actor(source="cli"),
            )
        except PasswordTooWeak as exc:
            raise fail(f"refused: {exc}") from None
        except InvalidUserError as exc:
            raise fail(f"refused: {exc}") from None
        except UserExistsError:
            raise fail(
                f"refused: organisation {slug!r} already has a user with that e-mail address"
            ) from None
        session.commit()
        typer.echo(
            f"created user {user.id} ({role.value}) in organisation {slug}; sign in at /web/login", err=True
        )
