"""What a check knows beyond the text: platform, content type and the organisation's facts.

`ContextFacts` is the JSON `context` of `POST /v1/check` and of eval cases; every
field is optional. `CheckContext` adds the platform and content type of the text.
The knowledge package builds these facts from what it stores.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    LINKEDIN = "linkedin"
    GOOGLE_BUSINESS = "google_business"


class ContentType(StrEnum):
    POST = "post"
    AD = "ad"
    REVIEW_RESPONSE = "review_response"
    COMMENT_REPLY = "comment_reply"
    CRISIS = "crisis"


class ProductKind(StrEnum):
    DRUG = "drug"
    BIOLOGIC = "biologic"
    VACCINE = "vaccine"
    DEVICE = "device"
    PROCEDURE = "procedure"


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(_Fact):
    name: str = ""
    address: str = ""
    phone: str = ""


class StaffMember(_Fact):
    name: str
    credentials: str = ""
    role: str = ""


class OrganisationFacts(_Fact):
    names: list[str] = Field(default_factory=list, description="Approved names of the organisation")
    forbidden_names: list[str] = Field(default_factory=list, description="Wrong or outdated names")
    banned_terms: list[str] = Field(default_factory=list)
    preferred_terms: dict[str, str] = Field(
        default_factory=dict, description="Term to avoid mapped to the term to use"
    )
    locations: list[Location] = Field(default_factory=list)
    websites: list[str] = Field(default_factory=list)
    handles: list[str] = Field(default_factory=list, description="The organisation's own social handles")
    staff: list[StaffMember] = Field(default_factory=list)


class ProductFacts(_Fact):
    id: str
    brand_name: str
    established_name: str = ""
    kind: ProductKind = ProductKind.DRUG
    indications: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)
    boxed_warning: bool = False
    risk_statement: str = ""
    short_risk_statement: str = ""
    pi_url: str = ""


class ApprovedClaim(_Fact):
    id: str
    product_id: str | None = None
    text: str
    variations: list[str] = Field(default_factory=list)


class Consent(_Fact):
    """A patient authorisation (45 CFR 164.508) referenced by hint, never by full identifiers."""

    id: str
    subject_hint: str = Field(description="e.g. 'Maria L.'; matched against names in the text")
    scope: list[str] = Field(
        default_factory=list, description="Content types and platforms covered; empty covers all"
    )
    expires: date | None = None
    revoked: bool = False

    def covers(self, *, on: date, platform: Platform, content_type: ContentType) -> bool:
        """Valid on `on` and in scope: each named group (platforms, content types) must include ours."""
        if self.revoked or (self.expires is not None and self.expires < on):
            return False
        platforms = {value for value in self.scope if value in Platform.__members__.values()}
        content_types = {value for value in self.scope if value in ContentType.__members__.values()}
        return (not platforms or platform.value in platforms) and (
            not content_types or content_type.value in content_types
        )


class MediaItem(_Fact):
    kind: MediaKind = MediaKind.IMAGE
    alt_text: str | None = None


class ProvidedFacts(_Fact):
    """What a drafted text was written from (a brief and the approved modules), so that an
    identifier in the draft that is in none of it and not in the organisation's facts can be
    reported as possibly invented. Absent for text a person wrote: it knows its own links."""

    links: list[str] = Field(default_factory=list, description="URLs the writer was given")
    texts: list[str] = Field(
        default_factory=list, description="The brief's own wording (topic, key messages, reply text)"
    )
    instructions: list[str] = Field(
        default_factory=list,
        description="The fixed wording of the instructions the writer was given (a prompt without "
        "the brief and knowledge filled in): a draft repeating it is not copy",
    )


class ContextFacts(_Fact):
    organisation: OrganisationFacts = Field(default_factory=OrganisationFacts)
    products: list[ProductFacts] = Field(default_factory=list)
    approved_claims: list[ApprovedClaim] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)
    media: list[MediaItem] = Field(default_factory=list)
    provided: ProvidedFacts | None = Field(
        default=None, description="For drafted text: the links and wording it was drafted from"
    )


class CheckContext(ContextFacts):
    """Everything a rule may consult besides the text itself."""

    platform: Platform
    content_type: ContentType
    today: date | None = Field(default=None, description="Date for consent validity; defaults to today")

    @classmethod
    def of(
        cls, platform: Platform | str, content_type: ContentType | str, facts: ContextFacts | None = None
    ) -> CheckContext:
        base = facts.model_dump() if facts is not None else {}
        return cls(platform=Platform(platform), content_type=ContentType(content_type), **base)

    @property
    def check_date(self) -> date:
        return self.today or date.today()
