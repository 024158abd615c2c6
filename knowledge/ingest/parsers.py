"""File parsers: Markdown, plain text, HTML and PDF into titled sections.

Each parser returns a `ParsedDocument` whose sections carry their heading path
("Brand guide > Voice > Words we avoid"), so chunks can be cited to a place in
the document. Errors are raised as knowledge errors whose messages never quote
the file: uploads may contain PHI.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import PurePath

from knowledge.errors import EmptyDocument, UnparsableDocument, UnsupportedDocumentType

MARKDOWN = "text/markdown"
PLAIN = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
SUPPORTED = (MARKDOWN, PLAIN, HTML, PDF)
EXTENSIONS = {
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".txt": PLAIN,
    ".text": PLAIN,
    ".html": HTML,
    ".htm": HTML,
    ".pdf": PDF,
}
# Signatures of binary formats people upload by mistake (images, office files, archives).
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x1f\x8b",
)
SEPARATOR = " > "


@dataclass(frozen=True)
class Section:
    headings: tuple[str, ...]
    text: str
    page: int | None = None

    @property
    def heading(self) -> str:
        return SEPARATOR.join(self.headings)


@dataclass
class ParsedDocument:
    title: str | None
    sections: list[Section] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(s.text.strip() for s in self.sections)


def detect_media_type(filename: str, declared: str | None, data: bytes) -> str:
    """The media type from the file name (or the declared type), checked against the bytes."""
    media = EXTENSIONS.get(PurePath(filename).suffix.lower())
    if media is None and declared:
        declared_base = declared.split(";")[0].strip().lower()
        media = declared_base if declared_base in SUPPORTED else None
    if media is None:
        raise UnsupportedDocumentType("supported files are Markdown, plain text, HTML and PDF")
    head = data[:1024].lstrip()
    if media == PDF:
        if b"%PDF-" not in data[:1024]:
            raise UnsupportedDocumentType("the file is named as a PDF but is not one")
    elif head.startswith(_BINARY_MAGIC) or b"\x00" in data[:8192]:
        raise UnsupportedDocumentType("the file is binary, not text")
    return media


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnparsableDocument("the text is not valid UTF-8") from exc
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


def _clean(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Sections:
    """Collects body lines under a heading stack."""

    def __init__(self, page: int | None = None) -> None:
        self.stack: list[tuple[int, str]] = []
        self.lines: list[str] = []
        self.sections: list[Section] = []
        self.page = page

    def flush(self) -> None:
        body = _clean("\n".join(self.lines))
        if body:
            self.sections.append(Section(tuple(t for _, t in self.stack), body, self.page))
        self.lines = []

    def heading(self, level: int, title: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))


_ATX = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SETEXT = re.compile(r"^(=+|-+)\s*$")


def parse_markdown(text: str) -> ParsedDocument:
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter is metadata, not content
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
        if end is not None:
            lines = lines[end + 1 :]
    out = _Sections()
    title: str | None = None
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        before = lines[index - 1] if index else ""
        index += 1
        if _FENCE.match(line):
            in_fence = not in_fence
        atx = None if in_fence else _ATX.match(line)
        if atx:
            level, heading = len(atx.group(1)), atx.group(2).strip()
        elif (
            not in_fence
            and line.strip()
            and not before.strip()
            and _SETEXT.match(following)
            and not line.lstrip().startswith(("-", "*", ">", "|"))
        ):
            level, heading = (1 if following.startswith("=") else 2), line.strip()
            index += 1  # the underline
        else:
            out.lines.append(line)
            continue
        if level == 1 and title is None:
            title = heading
        out.heading(level, heading)
    out.flush()
    return ParsedDocument(title, out.sections)


def _looks_like_heading(line: str, following: str) -> bool:
    """Plain-text heading: a short title-like line with no end punctuation, followed by text."""
    words = line.split()
    if not words or len(line) > 80 or len(words) > 10 or not following.strip():
        return False
    if line[-1] in ".,;:!?)\"'’”" or line.lstrip()[0] in "-*•–(0123456789":
        return False
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "vs"}
    capitalised = sum(1 for w in words if w[0].isupper() or w.lower() in small or not w[0].isalpha())
    return capitalised == len(words) and (line.isupper() or words[0][0].isupper())


def _text_sections(text: str, out: _Sections) -> str | None:
    title: str | None = None
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _looks_like_heading(stripped, following):
            title = title or stripped
            out.heading(1, stripped)
        else:
            out.lines.append(line)
    out.flush()
    return title


def parse_text(text: str) -> ParsedDocument:
    out = _Sections()
    title = _text_sections(text, out)
    return ParsedDocument(title, out.sections)


_HTML_BLOCKS = ("p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "figcaption", "caption")
_HTML_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HTML_DROP = ("script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form", "iframe")


def parse_html(data: bytes) -> ParsedDocument:
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        # bs4 warns (UserWarning) about inputs that look like URLs or XML; an upload is neither a bug nor ours.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(data, "html.parser")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    root = soup.body or soup
    out = _Sections()
    first_h1: str | None = None
    found_block = False
    for element in root.find_all([*_HTML_HEADINGS, *_HTML_BLOCKS]):
        if element.name not in _HTML_HEADINGS and element.find_parent(_HTML_BLOCKS):
            continue  # its text is already part of the enclosing block
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if element.name in _HTML_HEADINGS:
            level = int(element.name[1])
            first_h1 = first_h1 or (text if level == 1 else None)
            out.heading(level, text)
        else:
            found_block = True
            out.lines.extend([text, ""])
    if not found_block:
        # Pages that put text straight into <div>s: keep the text, lose the structure.
        out.lines.append(root.get_text("\n", strip=True))
    out.flush()
    return ParsedDocument(page_title or first_h1, out.sections)


def parse_pdf(data: bytes) -> ParsedDocument:
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            # pypdf warns about recoverable defects in many real-world PDFs; unreadable ones still raise.
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnparsableDocument("the PDF is password-protected")
            meta_title = (reader.metadata.title if reader.metadata else None) or None
            pages = [page.extract_text() or "" for page in reader.pages]
    except UnparsableDocument:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files; all mean "cannot read"
        raise UnparsableDocument("the PDF could not be read") from exc
    title = meta_title.strip() if isinstance(meta_title, str) and meta_title.strip() else None
    sections: list[Section] = []
    carried: tuple[str, ...] = ()
    for number, page_text in enumerate(pages, 1):
        out = _Sections(page=number)
        if carried:  # a section that runs over the page break keeps its heading
            out.stack = [(1, carried[-1])]
        heading = _text_sections(_decode(page_text.encode("utf-8")), out)
        title = title or heading
        sections.extend(out.sections)
        carried = tuple(t for _, t in out.stack) or carried
    return ParsedDocument(title, sections)


def parse(data: bytes, media_type: str) -> ParsedDocument:
    """Parse bytes of a supported media type; raises EmptyDocument when nothing readable remains."""
    if media_type == PDF:
        parsed = parse_pdf(data)
    elif media_type == HTML:
        parsed = parse_html(data)
    elif media_type == MARKDOWN:
        parsed = parse_markdown(_decode(data))
    elif media_type == PLAIN:
        parsed = parse_text(_decode(data))
    else:
        raise UnsupportedDocumentType("supported files are Markdown, plain text, HTML and PDF")
    if parsed.is_empty:
        raise EmptyDocument("the document contains no text")
    return parsed
