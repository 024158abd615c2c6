"""`carepost workflow ...`: the expiry sweep (run it daily, e.g. from cron)."""

from __future__ import annotations

import typer

from api.audit.chain import attach_audit_key
from api.audit.secret import load_audit_key
from api.cli.common import database_engine, load_settings
from api.store.database import make_sessionmaker
from api.store.library_repository import SqlLibraryRepository
from api.store.models import utcnow
from api.workflow.expiry import sweep as expiry_sweep

cli = typer.Typer(help="The review workflow.", no_args_is_help=True)


@cli.command()
def sweep() -> None:
    """Expire approved or published content whose approval lapsed or whose cited claims or products did."""
    settings = load_settings()
    with database_engine(settings) as engine:
        sessions = make_sessionmaker(engine)
        attach_audit_key(sessions, load_audit_key(settings))
        libraries = SqlLibraryRepository(sessions)
        with sessions() as session:
            expired = expiry_sweep(session, now=utcnow(), library=libraries.get)
            session.commit()
    reasons = sorted({e.reason for e in expired})
    typer.echo(f"{len(expired)} draft(s) expired" + (f" ({', '.join(reasons)})" if reasons else ""))
