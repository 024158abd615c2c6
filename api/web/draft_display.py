"""A stored draft made ready for its page: platform preview, highlighted pieces, whole-text findings."""

from __future__ import annotations

from dataclasses import dataclass

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


def display(family: PlatformFamily, draft: DraftOut, content_type: str) -> DraftDisplay:
    shown = preview(family, Platform(draft.platform), ContentType(content_type), draft.text)
    return DraftDisplay(
        draft=draft,
        preview=shown,
        pieces=pieces(draft.text, draft.findings, shown.hashtags, shown.links),
        whole_text=whole_text(draft.findings, len(draft.text)),
        anchor=f"d{draft.id.hex[:12]}",
    )
