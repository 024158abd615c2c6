"""Split parsed sections into chunks of bounded size with a little overlap.

Chunks follow the headings: a chunk never spans two sections, so its citation
names one place in the document. Inside a section text is cut at paragraph,
then sentence, then word boundaries. The model reads at most 256 tokens, so the
default of 900 characters (about 200 tokens with the heading line) keeps every
word of a chunk inside what is embedded.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.ingest.parsers import SEPARATOR, ParsedDocument, Section
from knowledge.models import ChunkDraft

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“])")


class ChunkingOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_chars: int = Field(default=900, ge=200, le=8000)
    overlap_chars: int = Field(default=120, ge=0)

    @model_validator(mode="after")
    def _overlap_smaller_than_chunk(self) -> ChunkingOptions:
        if self.overlap_chars >= self.max_chars // 2:
            raise ValueError("overlap_chars must be less than half of max_chars")
        return self


def _pieces(text: str, limit: int) -> list[str]:
    """Units no longer than `limit`: paragraphs, else sentences, else runs of words."""
    out: list[str] = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        if len(paragraph) <= limit:
            out.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            if len(sentence) <= limit:
                out.append(sentence)
                continue
            # Words longer than the limit (URLs, tables flattened by a PDF) are cut, never dropped.
            words = [w[i : i + limit] for w in sentence.split() for i in range(0, len(w), limit)]
            current = ""
            for word in words:
                if current and len(current) + 1 + len(word) > limit:
                    out.append(current)
                    current = ""
                current = f"{current} {word}" if current else word
            if current:
                out.append(current)
    return out


def _tail(text: str, size: int) -> str:
    """The last `size` characters of a chunk, started at a word boundary."""
    if size <= 0 or len(text) <= size:
        return "" if size <= 0 else text
    tail = text[-size:]
    cut = tail.find(" ")
    return tail[cut + 1 :] if cut >= 0 else tail


def _headings(title: str | None, section: Section) -> list[str]:
    headings = list(section.headings)
    if title and headings and headings[0] == title:
        headings = headings[1:]  # the H1 is usually the title: do not say it twice
    return headings


def chunk_section(title: str | None, section: Section, options: ChunkingOptions) -> list[ChunkDraft]:
    heading = SEPARATOR.join(_headings(title, section))
    prefix = SEPARATOR.join(p for p in (title, heading) if p)
    budget = options.max_chars - len(prefix) - 2
    # A very long heading path must not starve the body; the model truncates anyway.
    budget = max(budget, options.max_chars // 2)
    chunks: list[ChunkDraft] = []
    current = ""
    for piece in _pieces(section.text, budget):
        joined = f"{current}\n\n{piece}" if current else piece
        if len(joined) <= budget:
            current = joined
            continue
        chunks.append(_draft(prefix, heading, current, section))
        overlap = _tail(current, options.overlap_chars)
        current = f"{overlap} … {piece}" if overlap and len(overlap) + len(piece) + 3 <= budget else piece
    if current:
        chunks.append(_draft(prefix, heading, current, section))
    return chunks


def _draft(prefix: str, heading: str, body: str, section: Section) -> ChunkDraft:
    text = f"{prefix}\n\n{body}" if prefix else body
    return ChunkDraft(text=text, heading=heading, page=section.page)


def chunk_document(parsed: ParsedDocument, options: ChunkingOptions | None = None) -> list[ChunkDraft]:
    options = options or ChunkingOptions()
    return [chunk for section in parsed.sections for chunk in chunk_section(parsed.title, section, options)]
