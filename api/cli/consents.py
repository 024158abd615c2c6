"""`carepost consents ...`: the expiry sweep (run it daily, e.g. from cron)."""

from __future__ import annotations

import typer

from api.cli.common import audited_sessions, database_engine, load_settings
from api.consents.registry import sweep_expired
from api.consents.withdrawal import withdrawal_handler
from api.store.models import utcnow

cli = typer.Typer(help="The consent registry.", no_args_is_help=True)


@cli.command()
def sweep() -> None:
    """Handle consents that expired since the last sweep: their content goes back to review."""
    settings = load_settings()
    with database_engine(settings) as engine, audited_sessions(engine, settings)() as session:
        handled = sweep_expired(session, clock=utcnow, handler=withdrawal_handler(settings))
        session.commit()
    drafts = sum(len(w.draft_ids) for w in handled)
    typer.echo(f"{len(handled)} consent(s) newly expired; {drafts} draft(s) affected")
