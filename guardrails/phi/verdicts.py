"""The outcome of context for one detected identifier."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from guardrails.findings import Entity
from guardrails.phi.engine import Detection


class Verdict(StrEnum):
    PHI = "phi"  # a patient's or relative's identifier, no consent on file
    CONSENTED = "consented"  # a patient's identifier covered by a valid consent
    CLEAR = "clear"  # not a patient's: staff, public figure, persona, the organisation's own, an event


@dataclass(frozen=True, slots=True)
class Decision:
    detection: Detection
    entity: Entity
    verdict: Verdict
    reason: str
    consent_id: str | None = None
