"""Deterministic compliance checks for healthcare social-media text. No LLM, no network."""

from guardrails.context import CheckContext, ContentType, ContextFacts, Platform
from guardrails.findings import Category, CheckReport, Entity, Finding, Severity

__all__ = [
    "Category",
    "CheckContext",
    "CheckReport",
    "ContentType",
    "ContextFacts",
    "Entity",
    "Finding",
    "Platform",
    "Severity",
]
