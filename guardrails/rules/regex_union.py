"""One scan for "does any of these patterns match?", before trying each pattern on its own."""

from __future__ import annotations

import re
from collections.abc import Sequence


def any_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """A pattern that matches wherever one of `patterns` matches, or None when they cannot be
    joined (different flags, back-references whose group numbers a join would shift, named groups
    that could repeat)."""
    if not patterns or len({p.flags for p in patterns}) != 1:
        return None
    if any(re.search(r"\\\d|\(\?P[<=]", p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return None  # e.g. a global inline flag such as "(?i)" that must open a pattern
