"""`carepost ingest PATH... --kind K [--org SLUG]` against each database backend and an embedded store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from api.cli import build_cli
from api.store.models import AuditEvent
from knowledge.embeddings import MiniLmEmbedding
from knowledge.models import DocumentInfo, Kind
from knowledge.store import open_store
from tests.conftest import IssuedKey
from tests.knowledge.pdfs import make_pdf

runner = CliRunner()
SECRET_MARKER = "Zephyrine Quillfeather MRN 48213377"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "nested").mkdir(parents=True)
    (folder / "visitors.md").write_text("# Visitors\n\nVisitors are welcome from 8 a.m. to 8 p.m.\n")
    (folder / "parking.txt").write_text("Parking\nParking is free in the north garage.\n")
    (folder / "nested" / "chapel.pdf").write_bytes(make_pdf([["Chapel", "The chapel is open all day."]]))
    (folder / "nested" / "notes.docx").write_bytes(b"PK\x03\x04 not a document we read")
    return folder


def invoke(database_url: str, tmp_path: Path, *args: str, default_org: str = "default") -> Result:
    env = {
        "CAREPOST_DATABASE_URL": database_url,
        "CAREPOST_DATA_DIR": str(tmp_path / "var"),
        "CAREPOST_DEFAULT_ORG_SLUG": default_org,
    }
    return runner.invoke(build_cli(), ["ingest", *args], env=env)


@pytest.fixture
def stored(
    tmp_path: Path, knowledge_embedding: MiniLmEmbedding
) -> Iterator[Callable[[IssuedKey], list[DocumentInfo]]]:
    """Reads what the command wrote into the embedded store under the data folder."""
    opened = []

    def read(key: IssuedKey) -> list[DocumentInfo]:
        store = open_store(path=tmp_path / "var" / "chroma", embedding=knowledge_embedding)
        opened.append(store)
        return store.documents(str(key.organisation_id))

    yield read
    for store in opened:
        store.close()


def test_ingest_files_and_folders_then_again(
    database_url: str,
    tmp_path: Path,
    files: Path,
    make_key: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    stored: Callable[[IssuedKey], list[DocumentInfo]],
) -> None:
    acme = make_key("acme")
    first = invoke(
        database_url, tmp_path, str(files), "--kind", "policy", "--org", "acme", "--topic", "visitors"
    )
    assert first.exit_code == 0, first.output
    lines = [line.split("\t") for line in first.stdout.splitlines()]
    # One line per file, in path order; the .docx in the folder is not a supported type and is skipped.
    assert [(status, doc_id, version, path) for status, doc_id, version, _, path in lines] == [
        ("created", "chapel", "1", str(files / "nested" / "chapel.pdf")),
        ("created", "parking", "1", str(files / "parking.txt")),
        ("created", "visitors", "1", str(files / "visitors.md")),
    ]
    assert "3 files for organisation acme: 3 created, 0 updated, 0 unchanged, 0 failed" in first.stderr
    documents = stored(acme)
    assert sorted(d.doc_id for d in documents) == ["chapel", "parking", "visitors"]
    assert all(d.kind is Kind.POLICY and d.topics == ["visitors"] for d in documents)

    (files / "parking.txt").write_text("Parking\nParking is free in the south garage.\n")
    again = invoke(
        database_url, tmp_path, str(files), "--kind", "policy", "--org", "acme", "--topic", "visitors"
    )
    assert again.exit_code == 0, again.output
    assert "1 updated, 2 unchanged, 0 failed" in again.stderr
    assert {d.doc_id: d.version for d in stored(acme)} == {"chapel": 1, "parking": 2, "visitors": 1}

    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "knowledge_document.ingested")
        ).all()
    assert len(events) == 6
    assert all(e.organisation_id == acme.organisation_id and e.details["source"] == "cli" for e in events)
    # Each ingest commit signed the chain head, as the API does: no unsigned tail is left.
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    verified = runner.invoke(build_cli(), ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
    assert "come after the latest signed checkpoint" not in verified.stderr


def test_a_bad_file_fails_alone_and_says_why_without_its_content(
    database_url: str,
    tmp_path: Path,
    files: Path,
    make_key: Callable[..., IssuedKey],
    stored: Callable[[IssuedKey], list[DocumentInfo]],
) -> None:
    acme = make_key("acme")
    (files / "empty.md").write_text("")
    (files / "broken.pdf").write_bytes(b"%PDF-1.4\n" + SECRET_MARKER.encode())
    result = invoke(
        database_url,
        tmp_path,
        str(files / "visitors.md"),
        str(files / "empty.md"),
        str(files / "broken.pdf"),
        str(files / "nested" / "notes.docx"),
        str(files / "missing.md"),
        "--kind",
        "brand",
        default_org="acme",
    )
    assert result.exit_code == 1
    assert "5 files for organisation acme: 1 created, 0 updated, 0 unchanged, 4 failed" in result.stderr
    reasons = {
        "empty.md": "the file is empty",
        "broken.pdf": "could not be read",
        "nested/notes.docx": "supported files are",
        "missing.md": "No such file or directory",
    }
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failures) == len(reasons)
    for name, reason in reasons.items():
        assert any(line.startswith(f"failed: {files / name}: ") and reason in line for line in failures), name
    assert SECRET_MARKER not in result.output
    assert [d.doc_id for d in stored(acme)] == ["visitors"]


def test_refusals(database_url: str, tmp_path: Path, files: Path, make_key: Callable[..., IssuedKey]) -> None:
    make_key("acme")
    unknown = invoke(database_url, tmp_path, str(files), "--kind", "policy", "--org", "nobody")
    assert unknown.exit_code == 1
    assert "no organisation 'nobody'" in unknown.stderr
    many = invoke(database_url, tmp_path, str(files), "--kind", "policy", "--org", "acme", "--doc-id", "x")
    assert many.exit_code == 1
    assert "single file" in many.stderr
    bad_kind = invoke(database_url, tmp_path, str(files), "--kind", "rumour", "--org", "acme")
    assert bad_kind.exit_code == 2
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    nothing = invoke(database_url, tmp_path, str(empty), "--kind", "policy", "--org", "acme")
    assert nothing.exit_code == 1
    assert "no .md, .txt, .html or .pdf files" in nothing.stderr
