"""Errors of the drafting agents, split by audience, each with a `.message` safe to show.

Messages never quote a brief or model output: both may hold PHI.
"""

from __future__ import annotations


class AgentError(Exception):
    """Base class; `kind` is a stable string the API maps to a problem type."""

    kind = "agent_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BriefRefused(AgentError):
    """The brief asks for something Carepost must not write (e.g. a fabricated testimonial)."""

    kind = "brief_refused"

    def __init__(self, message: str, *, citation: str = "") -> None:
        super().__init__(message)
        self.citation = citation


class ModelOutputError(AgentError):
    """The model's output stayed invalid after the bounded re-ask."""

    kind = "model_output_invalid"


class ModelUnavailable(AgentError):
    """The provider failed after retries and fallbacks (timeout, outage, auth)."""

    kind = "model_unavailable"


class EngineNotConfigured(AgentError):
    """The `llm` engine was asked for without a model configured (developer or operator misuse)."""

    kind = "engine_not_configured"
