"""Every rule family, listed explicitly: this tuple is the registry's single source."""

from __future__ import annotations

from guardrails.registry import Registry, RuleFamily
from guardrails.rules.accessibility import AccessibilityFamily
from guardrails.rules.brand import BrandFamily
from guardrails.rules.claims import UnsubstantiatedClaimFamily
from guardrails.rules.disclaimers import DisclaimersFamily
from guardrails.rules.echo import EchoFamily
from guardrails.rules.fair_balance import FairBalanceFamily
from guardrails.rules.off_label import OffLabelFamily
from guardrails.rules.patient_status import PatientStatusFamily
from guardrails.rules.phi import PhiFamily
from guardrails.rules.platform import PlatformFamily
from guardrails.rules.provenance import ProvenanceFamily
from guardrails.rules.text_model import TextModelFamily

FAMILIES: tuple[type[RuleFamily], ...] = (
    PhiFamily,
    PatientStatusFamily,
    PlatformFamily,
    BrandFamily,
    AccessibilityFamily,
    FairBalanceFamily,
    UnsubstantiatedClaimFamily,
    OffLabelFamily,
    DisclaimersFamily,
    ProvenanceFamily,
    EchoFamily,
    TextModelFamily,
)


def default_registry() -> Registry:
    return Registry(FAMILIES)
