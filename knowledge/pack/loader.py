"""Load a knowledge pack (documents + structured library) into an organisation's knowledge."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.errors import InvalidLibrary
from knowledge.ingest.pipeline import IngestResult, IngestStatus, ingest_path
from knowledge.libraries.index import IndexReport, index_library
from knowledge.libraries.loaders import load_library
from knowledge.libraries.models import KnowledgeLibrary
from knowledge.libraries.repository import LibraryRepository
from knowledge.models import DocumentTags
from knowledge.store import KnowledgeStore


def pack_dir() -> Path:
    return Path(__file__).parent / "data"


class PackDocument(DocumentTags):
    path: str
    doc_id: str


class PackManifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: int
    library: str = "library"
    documents: list[PackDocument] = Field(default_factory=list)


class PackReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    pack: str
    version: int
    library_stored: bool = Field(description="False when the organisation already had a library")
    documents: list[IngestResult]
    library_index: IndexReport

    @property
    def changed(self) -> bool:
        index = self.library_index
        return (
            self.library_stored
            or any(d.status is not IngestStatus.UNCHANGED for d in self.documents)
            or bool(index.created or index.updated or index.deleted)
        )


def read_manifest(folder: Path) -> PackManifest:
    try:
        return PackManifest.model_validate(yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise InvalidLibrary(f"{folder.name}/pack.yaml is missing or invalid") from exc


def load_pack_library(folder: Path | None = None) -> KnowledgeLibrary:
    folder = folder or pack_dir()
    return load_library(folder / read_manifest(folder).library)


def load_default_pack(
    store: KnowledgeStore,
    libraries: LibraryRepository,
    org: str,
    *,
    folder: Path | None = None,
    replace_library: bool = False,
) -> PackReport:
    """Load the pack into `org`; safe to call on every start.

    Documents are ingested idempotently (unchanged files do nothing). The
    library is stored only when the organisation has none yet, unless
    `replace_library`: an organisation's own edits are never overwritten by a
    restart. The organisation's current library is then (re)indexed.
    """
    folder = folder or pack_dir()
    manifest = read_manifest(folder)
    pack_library = load_library(folder / manifest.library)  # validate everything before writing anything
    for doc in manifest.documents:
        if not (folder / doc.path).is_file():
            raise InvalidLibrary(f"the pack lists a missing document: {doc.path}")
    stored = False
    if replace_library or libraries.get(org) is None:
        libraries.put(org, pack_library)
        stored = True
    results = [
        ingest_path(
            store,
            org,
            folder / doc.path,
            tags=DocumentTags.model_validate(doc.model_dump(exclude={"path", "doc_id"})),
            doc_id=doc.doc_id,
        )
        for doc in manifest.documents
    ]
    library = libraries.get(org) or pack_library
    report = index_library(store, org, library)
    return PackReport(
        pack=manifest.name,
        version=manifest.version,
        library_stored=stored,
        documents=results,
        library_index=report,
    )
