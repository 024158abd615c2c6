"""Structured libraries: products, approved claims, disclaimers, brand profile, templates."""

from knowledge.libraries.convert import approved_claim, context_facts, organisation_facts, product_facts
from knowledge.libraries.index import IndexReport, index_library, library_documents
from knowledge.libraries.loaders import PARTS, dump_library, load_library, parse_library, save_library
from knowledge.libraries.models import (
    BrandProfile,
    Claim,
    ClaimStatus,
    CrisisTemplate,
    Disclaimer,
    DisclaimerCategory,
    DisclaimerWhen,
    KnowledgeLibrary,
    LocationEntry,
    Observance,
    Product,
    ReviewReplyTemplate,
    StaffEntry,
    Templates,
)
from knowledge.libraries.repository import InMemoryLibraryRepository, LibraryRepository, YamlLibraryRepository

__all__ = [
    "PARTS",
    "BrandProfile",
    "Claim",
    "ClaimStatus",
    "CrisisTemplate",
    "Disclaimer",
    "DisclaimerCategory",
    "DisclaimerWhen",
    "InMemoryLibraryRepository",
    "IndexReport",
    "KnowledgeLibrary",
    "LibraryRepository",
    "LocationEntry",
    "Observance",
    "Product",
    "ReviewReplyTemplate",
    "StaffEntry",
    "Templates",
    "YamlLibraryRepository",
    "approved_claim",
    "context_facts",
    "dump_library",
    "index_library",
    "library_documents",
    "load_library",
    "organisation_facts",
    "parse_library",
    "product_facts",
    "save_library",
]
