"""The `carepost` command line. Each command group lives in its own module."""

from __future__ import annotations

import typer

from api.cli import (
    audit,
    check,
    consents,
    db,
    dispositions,
    draft,
    ingest,
    keys,
    retention,
    serve,
    users,
    worker,
    workflow,
)
from api.cli.eval import cli as eval_cli
from api.offline import apply_offline_defaults


def build_cli() -> typer.Typer:
    cli = typer.Typer(
        name="carepost",
        help="Carepost: draft healthcare social-media content and check it for compliance.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,  # tracebacks with locals could print secrets or PHI
    )
    cli.command("serve")(serve.serve)
    cli.command("worker")(worker.worker)
    cli.command("check")(check.check)
    cli.command("redact")(check.redact)
    cli.command("draft")(draft.draft)
    cli.command("ingest")(ingest.ingest)
    cli.add_typer(db.cli, name="db")
    cli.add_typer(keys.cli, name="keys")
    cli.add_typer(users.cli, name="users")
    cli.add_typer(eval_cli, name="eval")
    cli.add_typer(audit.cli, name="audit")
    cli.add_typer(consents.cli, name="consents")
    cli.add_typer(workflow.cli, name="workflow")
    cli.add_typer(dispositions.cli, name="dispositions")
    cli.add_typer(retention.cli, name="retention")
    return cli


def main() -> None:
    # First thing: later imports (litellm, presidio, chromadb) read these switches at import time.
    apply_offline_defaults()
    build_cli()()
