"""`carepost ingest PATH... --kind K`: add documents to an organisation's knowledge from disk.

Folders are walked for Markdown, text, HTML and PDF files. Each file is
idempotent (an unchanged file does nothing; a changed one becomes the next
version). One line per file goes to stdout (`status doc_id version chunks
path`, tab-separated, for scripts); the progress bar and the summary go to
stderr. A bad file is reported by path and reason (never its content) and the
others still go in; the exit status is then 1.

The embedded chroma folder belongs to one process: while `carepost serve` runs
on it, ingest through the API or point both at a `chroma run` server
(CAREPOST_CHROMA_URL).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from api.cli.common import audited_sessions, database_engine, fail, load_settings
from api.store.models import Organisation
from api.store.repositories import AuditRepository, OrganisationRepository
from guardrails.context import Platform
from knowledge.errors import KnowledgeError
from knowledge.ingest.parsers import EXTENSIONS
from knowledge.models import DocumentTags, Kind, Origin

if TYPE_CHECKING:
    from knowledge.ingest.pipeline import IngestResult

DATE_FORMATS = ["%Y-%m-%d"]


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, or folders to search for .md .txt .html .pdf.")],
    kind: Annotated[Kind, typer.Option(help="What the documents are.")],
    org: Annotated[
        str | None, typer.Option(help="Organisation slug (default: CAREPOST_DEFAULT_ORG_SLUG).")
    ] = None,
    platform: Annotated[
        list[Platform] | None, typer.Option(help="Only for this platform (repeat; default: all).")
    ] = None,
    topic: Annotated[list[str] | None, typer.Option(help="A topic tag (repeat).")] = None,
    product: Annotated[
        list[str] | None, typer.Option(help="A product id the documents are about (repeat).")
    ] = None,
    effective: Annotated[datetime | None, typer.Option(formats=DATE_FORMATS, help="In force from.")] = None,
    expires: Annotated[datetime | None, typer.Option(formats=DATE_FORMATS, help="In force until.")] = None,
    title: Annotated[str | None, typer.Option(help="Title (only with a single file).")] = None,
    doc_id: Annotated[str | None, typer.Option(help="Document id (only with a single file).")] = None,
) -> None:
    """Ingest documents into an organisation's knowledge, idempotently, with a progress bar."""
    settings = load_settings()
    files = _expand(paths)
    if not files:
        raise fail("no .md, .txt, .html or .pdf files found")
    if (title or doc_id) and len(files) > 1:
        raise fail("--title and --doc-id apply to a single file")
    try:
        tags = DocumentTags(
            kind=kind,
            title=title,
            platforms=platform or [],
            topics=topic or [],
            product_ids=product or [],
            effective=effective.date() if effective else None,
            expires=expires.date() if expires else None,
        )
    except ValueError:
        raise fail("the tags are not valid (--title is at most 300 characters)", 2) from None

    # Imported here so other commands start without the embedding and chroma modules.
    from api.store.library_repository import knowledge_org
    from knowledge.embeddings import load_embedding_function
    from knowledge.ingest.pipeline import ingest_path
    from knowledge.store import open_store

    console = Console(stderr=True)
    counts: Counter[str] = Counter()
    with database_engine(settings) as engine, audited_sessions(engine, settings)() as session:
        organisation = _organisation(session, org or settings.default_org_slug)
        try:
            store = open_store(
                path=settings.chroma_path, url=settings.chroma_url, embedding=load_embedding_function()
            )
        except KnowledgeError as exc:
            raise fail(f"knowledge store: {exc.message}") from None
        with store, _progress(console) as progress:
            try:
                existing = store.document(knowledge_org(organisation.id), doc_id) if doc_id else None
            except KnowledgeError as exc:
                raise fail(exc.message, 2) from None
            if existing is not None and existing.origin is Origin.LIBRARY:
                raise fail(f"{doc_id!r} is a library item's document; choose another --doc-id")
            task = progress.add_task("ingesting", total=len(files))
            for path in files:
                progress.update(task, description=path.name)
                try:
                    result = ingest_path(
                        store, knowledge_org(organisation.id), path, tags=tags, doc_id=doc_id
                    )
                except KnowledgeError as exc:
                    counts["failed"] += 1
                    progress.console.print(
                        f"failed: {path}: {exc.message}", markup=False, highlight=False, soft_wrap=True
                    )
                except OSError as exc:
                    counts["failed"] += 1
                    progress.console.print(
                        f"failed: {path}: {exc.strerror}", markup=False, highlight=False, soft_wrap=True
                    )
                else:
                    counts[result.status.value] += 1
                    _record(session, organisation, result, kind)
                    typer.echo(
                        f"{result.status.value}\t{result.doc_id}\t{result.version}\t{result.chunk_count}\t{path}"
                    )
                progress.advance(task)
    summary = ", ".join(f"{counts[s]} {s}" for s in ("created", "updated", "unchanged", "failed"))
    typer.echo(f"{len(files)} files for organisation {organisation.slug}: {summary}", err=True)
    if counts["failed"]:
        raise typer.Exit(1)


def _expand(paths: list[Path]) -> list[Path]:
    """Named files as given (a wrong type is then reported); folders contribute supported files only."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def _organisation(session: Session, slug: str) -> Organisation:
    organisation = OrganisationRepository(session).get_by_slug(slug)
    if organisation is None:
        raise fail(f"no organisation {slug!r}")
    return organisation


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _record(session: Session, organisation: Organisation, result: IngestResult, kind: Kind) -> None:
    from api.knowledge_base import audit_subject

    AuditRepository(session).record(
        organisation_id=organisation.id,
        event_type="knowledge_document.ingested",
        subject_type="knowledge_document",
        subject_id=audit_subject(result.doc_id),
        details={
            "source": "cli",
            "doc_id": result.doc_id,
            "version": result.version,
            "status": result.status.value,
            "kind": kind.value,
            "chunks": result.chunk_count,
        },
    )
    session.commit()
