"""`carepost dispositions export --out FILE.jsonl`: reviewers' decisions as de-identified eval cases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import audited_sessions, database_engine, fail, load_settings
from api.store.repositories import AuditRepository, OrganisationRepository

if TYPE_CHECKING:
    from guardrails.redact import Redactor

cli = typer.Typer(help="Reviewers' dispositions of guardrail findings.", no_args_is_help=True)


def load_redactor() -> Redactor:
    """The identifier detector (loads spaCy; tests replace this to share the loaded one)."""
    from guardrails.redact import build_redactor

    return build_redactor()


@cli.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="The JSONL file to write (guardrail dataset format).")],
    org: Annotated[str | None, typer.Option(help="Only this organisation (slug); default all.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seeds the synthetic identifiers.")] = 0,
) -> None:
    """Write every decided draft version as a guardrail eval case, identifiers replaced by synthetic ones."""
    from api.dispositions.export import export_cases, to_jsonl

    settings = load_settings()
    redactor = load_redactor()
    with database_engine(settings) as engine, audited_sessions(engine, settings)() as session:
        organisations = OrganisationRepository(session)
        if org is None:
            scope = list(organisations.list_all())
        else:
            found = organisations.get_by_slug(org)
            if found is None:
                raise fail(f"no organisation {org!r}")
            scope = [found]
        written = 0
        with out.open("w", encoding="utf-8") as handle:
            for organisation in scope:
                cases = export_cases(session, redactor, seed=seed, organisation_id=organisation.id)
                handle.write(to_jsonl(cases))
                written += len(cases)
                if cases:
                    AuditRepository(session).record(
                        organisation_id=organisation.id,
                        event_type="dispositions.exported",
                        subject_type="organisation",
                        subject_id=str(organisation.id),
                        details={"cases": len(cases), "seed": seed, "source": "cli"},
                    )
        session.commit()
    typer.echo(f"wrote {written} case(s) to {out}", err=True)
