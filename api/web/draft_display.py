"""A stored draft made ready for its page: platform preview, highlighted pieces, whole-text findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from api.drafting.schemas import DraftOut
from api.web.highlight import Piece, pieces, whole_text
from api.web.preview import Preview, preview
from guardrails.context import ContentType, Platform
from guardrails.rules.platform import PlatformFamily


@dataclass(frozen=True)
class DraftDisplay:
    draft: DraftOut
    preview: Preview
    pieces: list[Piece]
    whole_text: list[int]  # findings listed but not highlighted
    anchor: str  # prefix of this draft's element ids, unique on a page showing several drafts
    names: Mapping[str, str] = field(default_factory=dict)  # "user:<id>" -> display name

    def author(self, ref: str | None) -> str:
        return author_name(ref, self.names)


def author_name(ref: str | None, names: Mapping[str, str]) -> str:
    """Who a workflow reference ("user:<id>", "key:<id>") is, for people reading a page."""
    if ref is None:
        return "the system"
    if ref in names:
        return names[ref]
    kind, _, ident = ref.partition(":")
    if kind == "engine":
        return f"{ident} engine"  # the drafting engine wrote the first version
    return f"API key {ident[:8]}" if kind == "key" else "a former user"


def display(
    family: PlatformFamily, draft: DraftOut, content_type: str, names: Mapping[str, str] | None = None
) -> DraftDisplay:
    shown = preview(family, Platform(draft.platform), ContentType(content_type), draft.text)
    return DraftDisplay(
        draft=draft,
        preview=shown,
        pieces=pieces(draft.text, draft.findings, shown.hashtags, shown.links),
        whole_text=whole_text(draft.findings, len(draft.text)),
        anchor=f"d{draft.id.hex[:12]}",
        names=names or {},
    )
