"""Load and save libraries as YAML (JSON is valid YAML, so both load).

A library folder holds one file per part: brand.yaml, products.yaml,
claims.yaml, disclaimers.yaml, templates.yaml. A file that fails validation
raises `InvalidLibrary` naming the file and the field, never the value.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.errors import InvalidLibrary
from knowledge.libraries.models import KnowledgeLibrary

PARTS = ("brand", "products", "claims", "disclaimers", "templates")
MAX_LIBRARY_FILE_BYTES = 5 * 1024 * 1024


def _describe(error: ValidationError, source: str) -> str:
    # include_input=False: the offending value could be anything, PHI included.
    problems = [
        f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
        for e in error.errors(include_input=False, include_url=False)[:10]
    ]
    return f"{source} is not a valid library: " + "; ".join(problems)


def _read_yaml(data: bytes | str, source: str) -> Any:
    if len(data) > MAX_LIBRARY_FILE_BYTES:
        raise InvalidLibrary(f"{source} is larger than {MAX_LIBRARY_FILE_BYTES} bytes")
    try:
        return yaml.safe_load(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidLibrary(f"{source} is not valid YAML{where}") from exc


def parse_library(parts: Mapping[str, bytes | str], *, source: str = "library") -> KnowledgeLibrary:
    """Validate a library from its parts' raw YAML/JSON text (e.g. uploaded files)."""
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise InvalidLibrary(f"unknown library parts: {', '.join(unknown)}")
    if "brand" not in parts:
        raise InvalidLibrary("a library needs a brand profile (brand.yaml)")
    raw: dict[str, Any] = {}
    for name, data in parts.items():
        loaded = _read_yaml(data, f"{name}.yaml")
        # products.yaml may be `products: [...]` or the bare list; the same for each part.
        if isinstance(loaded, dict) and set(loaded) == {name}:
            loaded = loaded[name]
        raw[name] = loaded if loaded is not None else ([] if name not in ("brand", "templates") else {})
    try:
        return KnowledgeLibrary.model_validate(raw)
    except ValidationError as exc:
        raise InvalidLibrary(_describe(exc, source)) from exc


def load_library(folder: Path) -> KnowledgeLibrary:
    """Load a library folder; parts other than brand.yaml are optional."""
    if not (folder / "brand.yaml").is_file():
        raise InvalidLibrary(f"{folder.name}/brand.yaml is missing")
    parts = {
        name: (folder / f"{name}.yaml").read_bytes() for name in PARTS if (folder / f"{name}.yaml").is_file()
    }
    return parse_library(parts, source=folder.name)


def dump_library(library: KnowledgeLibrary) -> dict[str, str]:
    data = library.model_dump(mode="json", exclude_defaults=False)
    return {
        name: yaml.safe_dump({name: data[name]}, sort_keys=False, allow_unicode=True, width=100)
        for name in PARTS
    }


def save_library(library: KnowledgeLibrary, folder: Path) -> None:
    """Write every part atomically (temp file + rename), so readers never see half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in dump_library(library).items():
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temp).replace(folder / f"{name}.yaml")
