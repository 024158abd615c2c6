"""`carepost serve`: run the API with uvicorn (factory mode, so no app exists at import time)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from api.bootstrap import bootstrap_default_organisation
from api.cli.common import audited_sessions, database_engine, fail, load_settings
from api.logs import configure_logging
from api.scaleout import scale_out_refusals
from api.store.migrate import is_at_head


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default CAREPOST_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default CAREPOST_PORT).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="uvicorn worker processes; more than 1 needs PostgreSQL, Chroma and Redis."
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API. On the first start, create the default organisation and print an admin key once."""
    settings = load_settings()
    refusals = scale_out_refusals(settings, workers)
    if refusals:
        for reason in refusals:
            typer.echo(f"refusing {workers} workers: {reason}", err=True)
        raise typer.Exit(2)
    configure_logging(settings.log_level)
    with database_engine(settings) as engine:
        if not is_at_head(engine):
            raise fail("the database schema is not current; run `carepost db upgrade` first")
        created = (
            bootstrap_default_organisation(audited_sessions(engine, settings), settings)
            if settings.bootstrap
            else None
        )
    if created is not None:
        # Printed, not logged: log lines are shipped and kept; this secret must appear exactly once.
        typer.echo(
            "\n"
            f"  Created organisation '{created.organisation_slug}' and its first admin API key.\n"
            "  It is shown only now; store it somewhere safe:\n\n"
            f"    {created.admin_key}\n\n"
            "  Use it as: Authorization: Bearer <key>\n"
        )
    uvicorn.run(
        "api.app:app_from_environment",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=None,  # keep the JSON logging configured above
        access_log=False,  # uvicorn's access line includes query strings; our middleware logs route templates
    )
