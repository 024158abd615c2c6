"""`carepost db ...`: schema migrations."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from api.cli.common import database_engine, load_settings
from api.store import migrate

cli = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


@cli.command()
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    settings = load_settings()
    with database_engine(settings) as engine:
        migrate.upgrade(engine, revision)
        current = ", ".join(sorted(migrate.current_revisions(engine))) or "none"
    typer.echo(f"database {make_url(settings.database_url).render_as_string()} at revision {current}")


@cli.command()
def current() -> None:
    """Show the applied revision and whether it is the latest."""
    settings = load_settings()
    with database_engine(settings) as engine:
        applied = sorted(migrate.current_revisions(engine))
    heads = sorted(migrate.head_revisions())
    state = "current" if applied == heads else f"behind (latest {', '.join(heads)})"
    typer.echo(f"revision {', '.join(applied) or 'none'}: {state}")


@cli.command()
def revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What the revision changes.")],
    autogenerate: Annotated[
        bool, typer.Option(help="Compare the models with the database and write the difference.")
    ] = True,
) -> None:
    """Write the next numbered revision (for developers adding tables)."""
    settings = load_settings()
    with database_engine(settings) as engine:
        migrate.new_revision(engine, message, autogenerate=autogenerate)
