"""Index library items in chroma so retrieval finds them beside the uploaded documents.

Each item becomes a small Markdown document (one per product, claim, disclaimer,
template, observance, plus a few for the brand profile) and goes through the
same chunker and the same idempotent write as an upload. Items that left the
library are removed from the index.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from knowledge.ingest.chunking import ChunkingOptions, chunk_document
from knowledge.ingest.parsers import MARKDOWN, parse_markdown
from knowledge.ingest.pipeline import IngestStatus, ingest_key, store_chunks
from knowledge.libraries.models import (
    BrandProfile,
    Claim,
    ClaimStatus,
    Disclaimer,
    KnowledgeLibrary,
    Observance,
    Product,
    Templates,
)
from knowledge.models import DocumentTags, Kind, Origin
from knowledge.store import KnowledgeStore


@dataclass(frozen=True)
class LibraryDocument:
    doc_id: str
    title: str
    tags: DocumentTags
    markdown: str


class IndexReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    created: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _section(heading: str, body: str) -> str:
    return f"## {heading}\n\n{body}\n" if body.strip() else ""


def product_document(product: Product) -> LibraryDocument:
    name = (
        f"{product.brand_name} ({product.established_name})"
        if product.established_name
        else product.brand_name
    )
    about = f"{name} is a {product.kind.value}"
    about += f" ({product.dosage_form})" if product.dosage_form else ""
    about += f" from {product.manufacturer}." if product.manufacturer else "."
    parts = [
        f"# {name}\n\n{about}\n",
        _section("Indications and usage", _bullets(product.indications)),
        _section("Limitations of use", _bullets(product.limitations)),
        _section("Contraindications", _bullets(product.contraindications)),
        _section("Boxed warning", product.boxed_warning or ""),
        _section(
            "Important safety information",
            f"{product.risk_statement}\n\nShort risk statement for character-limited platforms: "
            f"{product.short_risk_statement}"
            + (f"\n\nFull prescribing and safety information: {product.pi_url}" if product.pi_url else ""),
        ),
    ]
    tags = DocumentTags(kind=Kind.PRODUCT, title=name, topics=product.topics, product_ids=[product.id])
    return LibraryDocument(f"product:{product.id}", name, tags, "\n".join(p for p in parts if p))


def claim_document(claim: Claim, library: KnowledgeLibrary) -> LibraryDocument:
    product = library.product(claim.product_id) if claim.product_id else None
    subject = product.brand_name if product else library.brand.organisation
    title = f"Approved claim about {subject} ({claim.id})"
    body = [claim.text]
    if claim.variations:
        body.append("Approved variations:\n" + _bullets(claim.variations))
    body.append("References:\n" + _bullets(claim.references))
    tags = DocumentTags(
        kind=Kind.CLAIM,
        title=title,
        topics=claim.topics,
        platforms=claim.platforms,
        product_ids=[claim.product_id] if claim.product_id else [],
        effective=claim.effective,
        expires=claim.expires,
    )
    return LibraryDocument(f"claim:{claim.id}", title, tags, f"# {title}\n\n" + "\n\n".join(body))


def disclaimer_document(disclaimer: Disclaimer) -> LibraryDocument:
    when = disclaimer.required_when
    conditions = (
        ["always"]
        if when.always
        else [
            f"{label}: {', '.join(str(v) for v in values)}"
            for label, values in (
                ("content types", when.content_types),
                ("platforms", when.platforms),
                ("topics", when.topics),
                ("product kinds", when.product_kinds),
            )
            if values
        ]
    )
    title = f"{disclaimer.category.value.replace('_', ' ').capitalize()} disclaimer ({disclaimer.id})"
    body = [disclaimer.text]
    if disclaimer.short_text:
        body.append(f"Short form for character-limited platforms: {disclaimer.short_text}")
    body.append(f"Required when {'; '.join(conditions)}. Place it at the {disclaimer.placement} of the post.")
    tags = DocumentTags(kind=Kind.DISCLAIMER, title=title, platforms=when.platforms, topics=when.topics)
    return LibraryDocument(f"disclaimer:{disclaimer.id}", title, tags, f"# {title}\n\n" + "\n\n".join(body))


def brand_documents(brand: BrandProfile) -> list[LibraryDocument]:
    name = brand.organisation
    preferred = [f"say “{use}”, not “{avoid}”" for avoid, use in brand.preferred_terms.items()]
    voice = [
        f"# {name} brand profile\n\n{brand.tagline}\n",
        _section("Approved names", _bullets(brand.names)),
        _section("Names and variants never to use", _bullets(brand.forbidden_names)),
        _section("Voice rules", _bullets(brand.voice_rules)),
        _section("Banned terms", _bullets(brand.banned_terms)),
        _section("Preferred terms", _bullets(preferred)),
    ]
    channels = [
        f"# {name} channels and hashtags\n",
        _section("Approved hashtags", _bullets(brand.hashtags)),
        _section(
            "Hashtags by topic", _bullets(f"{t}: {' '.join(h)}" for t, h in brand.topic_hashtags.items())
        ),
        _section("Websites", _bullets(brand.websites)),
        _section("Social handles", _bullets(f"{p.value}: {h}" for p, h in brand.handles.items())),
        _section(
            "Phone numbers",
            _bullets(
                x
                for x in (
                    f"Main number: {brand.main_phone}" if brand.main_phone else "",
                    f"Patient relations: {brand.patient_relations_contact}"
                    if brand.patient_relations_contact
                    else "",
                )
                if x
            ),
        ),
    ]
    places = [f"# {name} locations\n"] + [
        _section(
            loc.name,
            f"{loc.address}. Phone {loc.phone}."
            + (f" Hours: {loc.hours}." if loc.hours else "")
            + (f" Services: {', '.join(loc.services)}." if loc.services else ""),
        )
        for loc in brand.locations
    ]
    people = [f"# {name} staff directory\n"] + [
        _section(
            s.department or "Staff",
            f"{s.name}{', ' + s.credentials if s.credentials else ''}: {s.role}",
        )
        for s in brand.staff
    ]
    docs = [
        ("brand:profile", f"{name} brand profile", voice, ["voice"]),
        ("brand:channels", f"{name} channels and hashtags", channels, ["hashtags"]),
        ("brand:locations", f"{name} locations", places, ["locations"]),
        ("brand:staff", f"{name} staff directory", people, ["staff"]),
    ]
    return [
        LibraryDocument(
            doc_id, title, DocumentTags(kind=Kind.BRAND, title=title, topics=topics), "\n".join(parts)
        )
        for doc_id, title, parts, topics in docs
        if any(part.strip() for part in parts[1:])  # a heading alone is no document
    ]


def _observance_document(observance: Observance) -> LibraryDocument:
    month = calendar.month_name[observance.month]
    title = f"{month}: {observance.name}"
    body = [f"# {title}\n", _section("Post ideas", _bullets(observance.angles))]
    if observance.hashtags:
        body.append(_section("Hashtags", " ".join(observance.hashtags)))
    tags = DocumentTags(kind=Kind.TEMPLATE, title=title, topics=[*observance.topics, "observance"])
    return LibraryDocument(f"observance:{observance.id}", title, tags, "\n".join(body))


def template_documents(templates: Templates) -> list[LibraryDocument]:
    docs = [
        LibraryDocument(
            f"template:crisis:{t.id}",
            f"Crisis template: {t.title}",
            DocumentTags(
                kind=Kind.TEMPLATE,
                title=f"Crisis template: {t.title}",
                platforms=t.platforms,
                topics=["crisis"],
            ),
            f"# Crisis template: {t.title}\n\nUse when: {t.situation}\n\n{t.text}"
            + (f"\n\nApproved by: {', '.join(t.approvers)}" if t.approvers else ""),
        )
        for t in templates.crisis
    ]
    docs += [
        LibraryDocument(
            f"template:review:{t.id}",
            f"Review reply template: {t.title}",
            DocumentTags(
                kind=Kind.TEMPLATE, title=f"Review reply template: {t.title}", topics=["review", t.sentiment]
            ),
            f"# Review reply template: {t.title}\n\nUse for a {t.sentiment} review when: {t.situation}\n\n{t.text}",
        )
        for t in templates.review_replies
    ]
    return docs + [_observance_document(o) for o in templates.observances]


def library_documents(library: KnowledgeLibrary) -> list[LibraryDocument]:
    """Every library item as a document; draft and withdrawn claims are not indexed."""
    docs = brand_documents(library.brand)
    docs += [product_document(p) for p in library.products]
    docs += [claim_document(c, library) for c in library.claims if c.status is ClaimStatus.APPROVED]
    docs += [disclaimer_document(d) for d in library.disclaimers]
    return docs + template_documents(library.templates)


def index_library(
    store: KnowledgeStore, org: str, library: KnowledgeLibrary, *, chunking: ChunkingOptions | None = None
) -> IndexReport:
    """Bring the organisation's library documents in chroma in line with `library`."""
    chunking = chunking or ChunkingOptions()
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": [], "deleted": []}
    docs = library_documents(library)
    for doc in docs:
        content_hash = hashlib.sha256(doc.markdown.encode()).hexdigest()
        key = ingest_key(content_hash, doc.tags, {"chunking": chunking.model_dump(), "origin": "library"})
        existing = store.document(org, doc.doc_id)
        if existing is not None and existing.ingest_key == key:
            report["unchanged"].append(doc.doc_id)
            continue
        result = store_chunks(
            store,
            org,
            doc_id=doc.doc_id,
            tags=doc.tags,
            chunks=chunk_document(parse_markdown(doc.markdown), chunking),
            title=doc.title,
            source_name=f"{doc.doc_id}.md",
            media_type=MARKDOWN,
            content_hash=content_hash,
            key=key,
            origin=Origin.LIBRARY,
        )
        report["created" if result.status is IngestStatus.CREATED else "updated"].append(doc.doc_id)
    for stale in sorted(store.doc_ids(org, origin=Origin.LIBRARY) - {d.doc_id for d in docs}):
        store.delete_document(org, stale)
        report["deleted"].append(stale)
    return IndexReport(**report)
