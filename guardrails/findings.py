"""The unit every part of Carepost speaks: a finding, and the report of one check."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Severity(StrEnum):
    """What a finding means for sign-off: `block` cannot be approved as is."""

    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


class Category(StrEnum):
    """The stable taxonomy of DESIGN.md; evals and the API use these strings."""

    PHI = "phi"
    PATIENT_STATUS = "patient_status"
    FAIR_BALANCE = "fair_balance"
    UNSUBSTANTIATED_CLAIM = "unsubstantiated_claim"
    OFF_LABEL = "off_label"
    MISSING_DISCLAIMER = "missing_disclaimer"
    PLATFORM = "platform"
    BRAND = "brand"
    ACCESSIBILITY = "accessibility"
    RULE_ERROR = "rule_error"


class Entity(StrEnum):
    """Kinds of identifier (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(A)-(R))."""

    PERSON = "PERSON"
    DATE = "DATE"
    AGE = "AGE"
    LOCATION = "LOCATION"
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    SSN = "SSN"
    MRN = "MRN"
    HEALTH_PLAN_ID = "HEALTH_PLAN_ID"
    ACCOUNT_NUMBER = "ACCOUNT_NUMBER"
    LICENSE_NUMBER = "LICENSE_NUMBER"
    VEHICLE_ID = "VEHICLE_ID"
    DEVICE_ID = "DEVICE_ID"
    URL = "URL"
    IP_ADDRESS = "IP_ADDRESS"
    BIOMETRIC_ID = "BIOMETRIC_ID"
    PHOTO = "PHOTO"
    SOCIAL_HANDLE = "SOCIAL_HANDLE"
    OTHER_ID = "OTHER_ID"


class Finding(BaseModel):
    """One problem found in a text, with where, why and how to fix it.

    `start`/`end` index the text exactly as submitted (not the normalised form);
    both are None for whole-text findings. Findings never copy the matched text,
    so they can be stored and logged without holding PHI.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str = Field(min_length=1, examples=["phi.identifier"])
    category: Category
    severity: Severity
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    message: str
    citation: str = ""
    suggestion: str | None = None
    entity: Entity | None = None

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Finding:
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end must both be set or both be None")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end must not precede start")
        return self


class CheckReport(BaseModel):
    """All findings for one text; `blocked` is true when any finding blocks."""

    model_config = ConfigDict(frozen=True)

    findings: list[Finding]

    @property
    def blocked(self) -> bool:
        return any(finding.severity is Severity.BLOCK for finding in self.findings)

    def by_category(self, category: Category) -> list[Finding]:
        return [finding for finding in self.findings if finding.category is category]
