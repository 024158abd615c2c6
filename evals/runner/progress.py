"""How a runner reports progress; the CLI draws a bar, tests and libraries pass nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
    def start(self, label: str, total: int) -> None:
        del label, total

    def advance(self, n: int = 1) -> None:
        del n
