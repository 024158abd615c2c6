"""`carepost audit ...`: verify the tamper-evident chain, sign its head, export events."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.audit.chain import AuditChainError, attach_audit_key, checkpoint
from api.audit.export import ExportFormat, iter_csv, iter_json
from api.audit.secret import AuditSecretError, load_audit_key
from api.audit.verify import verify_chain
from api.cli.common import database_engine, fail, load_settings
from api.store.database import make_sessionmaker
from api.store.models import utcnow
from api.store.repositories import OrganisationRepository

cli = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


def _key() -> bytes:
    try:
        return load_audit_key(load_settings(), create=False)
    except AuditSecretError as exc:
        raise fail(str(exc), 2) from None


@cli.command()
def verify() -> None:
    """Check every event's hash and link, the head row and the signed checkpoints.

    Exits 1 naming the first bad event when anything was changed, removed, reordered or truncated.
    """
    settings = load_settings()
    key = _key()
    with database_engine(settings) as engine, make_sessionmaker(engine)() as session:
        report = verify_chain(session, key)
    first = report.first_problem
    if first is not None:
        typer.echo(f"audit chain BROKEN: {first.message}", err=True)
        if len(report.problems) > 1:
            typer.echo(f"({len(report.problems) - 1} more problem(s) after it)", err=True)
        raise typer.Exit(1)
    signed = report.latest_signed_seq
    typer.echo(
        f"audit chain OK: {report.events} events, head seq {report.last_seq} hash {report.last_hash}; "
        f"{report.checkpoints} signed checkpoint(s), latest at seq {signed if signed is not None else '-'}"
    )
    if report.unsigned_tail:
        typer.echo(
            f"note: the last {report.unsigned_tail} event(s) come after the latest signed checkpoint; "
            "run `carepost audit checkpoint` to sign them",
            err=True,
        )


@cli.command("checkpoint")
def sign_head() -> None:
    """Sign the chain's current head now (e.g. from cron), so a later truncation is detectable."""
    settings = load_settings()
    key = _key()
    with database_engine(settings) as engine:
        sessions = make_sessionmaker(engine)
        attach_audit_key(sessions, key)
        with sessions() as session:
            try:
                head = checkpoint(session)
            except AuditChainError as exc:
                raise fail(str(exc)) from None
            session.commit()
    typer.echo(f"signed checkpoint {head.checkpoint_id}: seq {head.seq} hash {head.head_hash}")


@cli.command()
def export(
    export_format: Annotated[ExportFormat, typer.Option("--format", help="json or csv.")] = ExportFormat.json,
    org: Annotated[str | None, typer.Option(help="Only this organisation (slug); default all.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Export audit events in chain order (ids, hashes, types and counts only)."""
    settings = load_settings()
    with database_engine(settings) as engine, make_sessionmaker(engine)() as session:
        organisation_id = None
        if org is not None:
            organisation = OrganisationRepository(session).get_by_slug(org)
            if organisation is None:
                raise fail(f"no organisation {org!r}")
            organisation_id = organisation.id
        chunks = (
            iter_json(session, organisation_id, exported_at=utcnow())
            if export_format is ExportFormat.json
            else iter_csv(session, organisation_id)
        )
        if out is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                handle.writelines(chunks)
            typer.echo(f"wrote {out}", err=True)
