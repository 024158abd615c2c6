from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from knowledge.errors import EmptyDocument, UnparsableDocument, UnsupportedDocumentType
from knowledge.ingest.chunking import ChunkingOptions, chunk_document
from knowledge.ingest.parsers import (
    HTML,
    MARKDOWN,
    PDF,
    PLAIN,
    ParsedDocument,
    Section,
    detect_media_type,
    parse,
    parse_html,
    parse_markdown,
    parse_text,
)
from tests.knowledge.pdfs import make_pdf

MARKDOWN_DOC = """---
owner: communications
---
# Visitor guide

Welcome to the hospital.

## Hours

Visitors are welcome from 8 a.m. to 8 p.m.

```
# not a heading inside a fence
```

### Children

Children under 12 need an adult.

Parking
-------

Parking is free for visitors.
"""


def test_markdown_sections_follow_heading_levels() -> None:
    parsed = parse_markdown(MARKDOWN_DOC)
    assert parsed.title == "Visitor guide"
    assert [s.heading for s in parsed.sections] == [
        "Visitor guide",
        "Visitor guide > Hours",
        "Visitor guide > Hours > Children",
        "Visitor guide > Parking",
    ]
    assert "# not a heading inside a fence" in parsed.sections[1].text
    assert "owner" not in " ".join(s.text for s in parsed.sections)  # front matter dropped


def test_plain_text_headings_are_title_case_lines_followed_by_text() -> None:
    text = "Managing Online Reviews\nRespond to all feedback within 24 hours.\n- a bullet line\n\nKey Metrics\nTrack response time."
    parsed = parse_text(text)
    assert [s.heading for s in parsed.sections] == ["Managing Online Reviews", "Key Metrics"]
    assert "- a bullet line" in parsed.sections[0].text


def test_html_keeps_content_and_drops_scripts_and_navigation() -> None:
    html = b"""<html><head><title>Flu clinic</title><script>var x = 'secret';</script></head>
    <body><nav>Home | About</nav><h1>Flu shots</h1><p>Walk in <b>any day</b>.</p>
    <h2>Who</h2><ul><li>Everyone 6 months and older</li></ul><footer>Copyright</footer></body></html>"""
    parsed = parse_html(html)
    assert parsed.title == "Flu clinic"
    joined = " ".join(f"{s.heading}: {s.text}" for s in parsed.sections)
    assert "Walk in any day ." in joined or "Walk in any day." in joined
    assert "Flu shots > Who: Everyone 6 months and older" in joined
    for absent in ("secret", "Home | About", "Copyright"):
        assert absent not in joined


def test_html_charset_declared_in_meta_is_honoured() -> None:
    html = '<html><head><meta charset="latin-1"></head><body><p>Café hours</p></body></html>'.encode(
        "latin-1"
    )
    assert parse_html(html).sections[0].text == "Café hours"


def test_pdf_pages_and_headings() -> None:
    data = make_pdf(
        [["Visitor Policy", "Visitors are welcome until 8 p.m."], ["more about visiting."]], title="Guide"
    )
    parsed = parse(data, PDF)
    assert parsed.title == "Guide"
    assert [(s.heading, s.page) for s in parsed.sections] == [("Visitor Policy", 1), ("Visitor Policy", 2)]


@pytest.mark.parametrize(
    ("filename", "declared", "data", "expected"),
    [
        ("a.md", None, b"# x", MARKDOWN),
        ("a.TXT", None, b"x", PLAIN),
        ("a.htm", None, b"<p>x</p>", HTML),
        ("upload", "text/html; charset=utf-8", b"<p>x</p>", HTML),
        ("a.pdf", None, b"%PDF-1.4 ...", PDF),
    ],
)
def test_media_type_detection(filename: str, declared: str | None, data: bytes, expected: str) -> None:
    assert detect_media_type(filename, declared, data) == expected


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("report.docx", b"PK\x03\x04 zip"),
        ("photo.png", b"\x89PNG\r\n"),
        ("notes.txt", b"\x89PNG\r\n\x1a\n binary"),
        ("notes.md", b"text with a \x00 nul byte"),
        ("fake.pdf", b"just some text pretending"),
        ("noextension", b"plain"),
    ],
)
def test_wrong_types_are_refused(filename: str, data: bytes) -> None:
    with pytest.raises(UnsupportedDocumentType):
        detect_media_type(filename, None, data)


def test_unparsable_and_empty_documents() -> None:
    with pytest.raises(UnparsableDocument):
        parse(b"%PDF-1.4\n1 0 obj << /Type /Catalog broken", PDF)
    with pytest.raises(UnparsableDocument):
        parse("caf\u00e9".encode("latin-1"), PLAIN)
    with pytest.raises(EmptyDocument):
        parse(b"<html><body><script>x()</script></body></html>", HTML)
    with pytest.raises(EmptyDocument):
        parse(make_pdf([[]]), PDF)


SECRET = "Maria Lopez MRN 8812345"


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: parse(f"%PDF-1.4 {SECRET}".encode(), PDF),
        lambda: parse(SECRET.encode("latin-1") + b"\xff", PLAIN),
        lambda: detect_media_type("x.txt", None, SECRET.encode("utf-16")),
    ],
)
def test_error_messages_never_echo_content(attempt: Callable[[], object]) -> None:
    with pytest.raises((UnparsableDocument, UnsupportedDocumentType)) as caught:
        attempt()
    assert "Maria" not in str(caught.value)
    assert "8812345" not in str(caught.value)


def test_chunks_respect_size_keep_overlap_and_carry_headings() -> None:
    sentences = " ".join(f"Sentence number {i} explains one rule about posting." for i in range(60))
    parsed = ParsedDocument("Policy", [Section(("Policy", "Rules"), sentences)])
    options = ChunkingOptions(max_chars=400, overlap_chars=80)
    chunks = chunk_document(parsed, options)
    assert len(chunks) > 3
    assert all(len(c.text) <= 400 for c in chunks)
    assert all(c.text.startswith("Policy > Rules\n\n") for c in chunks)
    assert all(c.heading == "Rules" for c in chunks)
    # the start of each later chunk repeats the end of the one before
    for before, after in itertools.pairwise(chunks):
        overlap = after.text.split("\n\n", 1)[1].split(" … ")[0]
        assert overlap in before.text


def test_a_single_enormous_word_is_split() -> None:
    parsed = ParsedDocument(None, [Section((), "x" * 3000)])
    chunks = chunk_document(parsed, ChunkingOptions(max_chars=500, overlap_chars=0))
    assert sum(len(c.text) for c in chunks) == 3000
    assert all(len(c.text) <= 500 for c in chunks)


def test_chunking_options_are_validated() -> None:
    with pytest.raises(ValueError, match="overlap"):
        ChunkingOptions(max_chars=400, overlap_chars=300)
