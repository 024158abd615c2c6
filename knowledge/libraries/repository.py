"""Where each organisation's structured library is kept, behind one small protocol.

Two implementations live here: in memory (tests, evals) and YAML files in the
data folder (the embedded default). The API will add a SQLAlchemy-backed one
with its own tables and migration; it only has to satisfy `LibraryRepository`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol, runtime_checkable

from knowledge.libraries.loaders import load_library, save_library
from knowledge.libraries.models import KnowledgeLibrary
from knowledge.models import org_key


@runtime_checkable
class LibraryRepository(Protocol):
    def get(self, org: str) -> KnowledgeLibrary | None:
        """The organisation's library, or None when it has none yet."""
        ...

    def put(self, org: str, library: KnowledgeLibrary) -> None:
        """Replace the organisation's library as a whole (validated already)."""
        ...

    def delete(self, org: str) -> None: ...


class InMemoryLibraryRepository:
    def __init__(self) -> None:
        self._libraries: dict[str, KnowledgeLibrary] = {}

    def get(self, org: str) -> KnowledgeLibrary | None:
        return self._libraries.get(org)

    def put(self, org: str, library: KnowledgeLibrary) -> None:
        self._libraries[org] = library

    def delete(self, org: str) -> None:
        self._libraries.pop(org, None)


class YamlLibraryRepository:
    """One folder of YAML parts per organisation under `root` (e.g. var/libraries)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def folder(self, org: str) -> Path:
        return self._root / org_key(org)

    def get(self, org: str) -> KnowledgeLibrary | None:
        folder = self.folder(org)
        return load_library(folder) if (folder / "brand.yaml").is_file() else None

    def put(self, org: str, library: KnowledgeLibrary) -> None:
        save_library(library, self.folder(org))

    def delete(self, org: str) -> None:
        shutil.rmtree(self.folder(org), ignore_errors=True)
