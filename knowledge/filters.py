"""Which chunks a query may return, as a chroma `where` clause and as a Python predicate.

Both forms must agree (a test checks them against chroma on the default pack).
The predicate exists for speed: chroma's embedded store evaluates a `where`
clause in SQLite and its cost grows with the number of chunks that match, so a
filter that keeps most chunks (dates, a few kinds) costs more than the vector
search itself. The store therefore filters an over-fetched candidate list in
Python first and falls back to the chroma clause only when too few survive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from guardrails.context import Platform
from knowledge.models import ANY, NO_END, NO_START, Kind, Origin, date_key


@dataclass(frozen=True)
class ChunkFilter:
    """None (or empty) means no restriction on that field."""

    kinds: Sequence[Kind] | None = None
    platforms: Sequence[Platform] | None = None
    topics: Sequence[str] | None = None
    product_ids: Sequence[str] | None = None
    on: date | None = None  # only chunks effective and unexpired on this date
    origin: Origin | None = None

    def _tag_fields(self) -> list[tuple[str, list[str]]]:
        fields = [
            ("platforms", [Platform(p).value for p in self.platforms or ()]),
            ("topics", list(self.topics or ())),
            ("product_ids", list(self.product_ids or ())),
        ]
        return [(name, values) for name, values in fields if values]

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.kinds:
            clauses.append({"kind": {"$in": [Kind(k).value for k in self.kinds]}})
        if self.origin is not None:
            clauses.append({"origin": self.origin.value})
        for name, values in self._tag_fields():
            # A chunk tagged "*" applies to every value of that field.
            clauses.append({"$or": [{name: {"$contains": v}} for v in [ANY, *values]]})
        if self.on is not None:
            today = date_key(self.on, NO_START)
            clauses += [{"effective": {"$lte": today}}, {"expires": {"$gte": today}}]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, meta: Mapping[str, Any]) -> bool:
        """The same test as `where()`, on one chunk's stored metadata."""
        if self.kinds and meta.get("kind") not in {Kind(k).value for k in self.kinds}:
            return False
        if self.origin is not None and meta.get("origin") != self.origin.value:
            return False
        for name, values in self._tag_fields():
            tags = set(meta.get(name) or ())
            if not tags & {ANY, *values}:
                return False
        if self.on is not None:
            today = date_key(self.on, NO_START)
            if not meta.get("effective", NO_START) <= today <= meta.get("expires", NO_END):
                return False
        return True
