"""`carepost retention purge [--dry-run]`: clear brief content past its retention period (run it daily)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from api.cli.common import audited_sessions, database_engine, load_settings
from api.retention import purge_briefs
from api.store.models import utcnow

cli = typer.Typer(help="Retention of content that may hold PHI.", no_args_is_help=True)


@cli.command()
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be purged; change nothing.")
    ] = False,
) -> None:
    """Clear the content of briefs CAREPOST_BRIEF_RETENTION_DAYS after their drafts were final (audited)."""
    settings = load_settings()
    period = timedelta(days=settings.brief_retention_days)
    with database_engine(settings) as engine, audited_sessions(engine, settings)() as session:
        report = purge_briefs(session, now=utcnow(), period=period, dry_run=dry_run)
        if not dry_run:
            session.commit()
    verb = "would purge" if dry_run else "purged"
    typer.echo(
        f"{verb} {report.total} brief(s) in {len(report.purged)} organisation(s) "
        f"(retention {settings.brief_retention_days} days); "
        f"{report.held} older brief(s) held back: a draft is not final yet or drafting is in progress"
    )
