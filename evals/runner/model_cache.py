"""A `ChatModel` wrapper that replays responses keyed by a hash of the prompt, and counts what it did.

A drafting suite with a real model is only reproducible if a rerun sees the same
responses: the first run stores each response as `<sha256>.json` in the cache
folder, later runs read it back (with the usage the provider reported, so token
counts and cost are the same too). The key covers the model name, the messages,
the schema and the sampling settings; change any of them and the model is asked again.

Cache files hold prompts and responses: they live under var/ (never committed) like
any other run output.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.chat import ChatMessage, ChatModel, ChatResponse, Usage


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


@dataclass
class RecordingChatModel:
    """Wraps `inner`; with `cache_dir`, replays stored responses; always adds up the usage it returns."""

    inner: ChatModel
    cache_dir: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    stats: CacheStats = field(default_factory=CacheStats)
    usage: Usage | None = None

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def phi_safe(self) -> bool:
        return self.inner.phi_safe

    @property
    def enforces_schema(self) -> bool:
        return self.inner.enforces_schema

    def take_usage(self) -> Usage:
        """The usage since the last call to this, and start counting again."""
        from agents.chat import Usage

        used, self.usage = self.usage or Usage(), Usage()
        return used

    def complete(
        self, messages: Sequence[ChatMessage], *, json_schema: dict[str, object] | None = None
    ) -> ChatResponse:
        from agents.chat import ChatResponse, Usage

        path = self._path(messages, json_schema) if self.cache_dir is not None else None
        if path is not None and path.is_file():
            response = ChatResponse.model_validate_json(path.read_bytes())
            self.stats.hits += 1
        else:
            response = self.inner.complete(messages, json_schema=json_schema)
            self.stats.misses += 1
            if path is not None:
                _write_atomically(path, response.model_dump_json(indent=1))
        self.usage = (self.usage or Usage()).add(response.usage)
        return response

    def key(self, messages: Sequence[ChatMessage], json_schema: dict[str, object] | None) -> str:
        payload = {
            "model": self.inner.name,
            "settings": self.settings,
            "messages": [m.model_dump() for m in messages],
            "json_schema": json_schema,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _path(self, messages: Sequence[ChatMessage], json_schema: dict[str, object] | None) -> Path:
        assert self.cache_dir is not None
        digest = self.key(messages, json_schema)
        return self.cache_dir / digest[:2] / f"{digest}.json"


def _write_atomically(path: Path, text: str) -> None:
    # a run killed mid-write must not leave a half file that a rerun would replay
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
