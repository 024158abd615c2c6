"""The structured libraries: products, approved claims, disclaimers, brand profile, templates.

Validated strictly (`extra="forbid"`): a typo in a compliance library must be an
error, not a silently ignored field. Converters to the guardrails' fact models
live in `convert.py`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from guardrails.context import ContentType, Platform, ProductKind

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")]
Topic = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Product(_Item):
    """A drug, biologic, vaccine, device or procedure, with what its labeling says."""

    id: ItemId
    brand_name: Text
    established_name: str = ""
    kind: ProductKind
    manufacturer: str = ""
    dosage_form: str = ""
    indications: list[Text] = Field(min_length=1)
    limitations: list[Text] = Field(default_factory=list, description="Limitations of use")
    contraindications: list[Text] = Field(default_factory=list)
    boxed_warning: str | None = Field(default=None, description="Text of the boxed warning, if there is one")
    risk_statement: Text = Field(description="The minimum risk information for any benefit claim")
    short_risk_statement: Text = Field(
        max_length=200, description="The most serious risks in one sentence, for character-limited platforms"
    )
    pi_url: Url | None = Field(default=None, description="Prescribing information / ISI / full risk page")
    topics: list[Topic] = Field(default_factory=list)


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


class Claim(_Item):
    """A claim medical-legal review approved, with the wording variations that count as the same claim."""

    id: ItemId
    text: Text
    product_id: ItemId | None = None
    variations: list[Text] = Field(default_factory=list)
    references: list[Text] = Field(default_factory=list, description="Substantiation, e.g. label section")
    status: ClaimStatus = ClaimStatus.APPROVED
    effective: date | None = None
    expires: date | None = None
    topics: list[Topic] = Field(default_factory=list)
    platforms: list[Platform] = Field(default_factory=list, description="Empty: every platform")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.effective and self.expires and self.expires < self.effective:
            raise ValueError("expires is before effective")
        if self.status is ClaimStatus.APPROVED and not self.references:
            raise ValueError("an approved claim needs at least one reference")
        return self

    def usable_on(self, day: date) -> bool:
        """Approved and within its dates: expired or withdrawn claims must not be used."""
        return (
            self.status is ClaimStatus.APPROVED
            and (self.effective is None or self.effective <= day)
            and (self.expires is None or day <= self.expires)
        )


class DisclaimerCategory(StrEnum):
    MEDICAL_ADVICE = "medical_advice"
    EMERGENCY = "emergency"
    TESTIMONIAL = "testimonial"
    MATERIAL_CONNECTION = "material_connection"
    FAIR_BALANCE = "fair_balance"
    PRIVACY = "privacy"
    COVERAGE = "coverage"
    OTHER = "other"


class DisclaimerWhen(_Item):
    """When a disclaimer is required: every non-empty list must match (empty matches anything)."""

    always: bool = False
    content_types: list[ContentType] = Field(default_factory=list)
    platforms: list[Platform] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    product_kinds: list[ProductKind] = Field(default_factory=list)

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not self.always and not (
            self.content_types or self.platforms or self.topics or self.product_kinds
        ):
            raise ValueError("set always: true or at least one condition")
        return self


class Disclaimer(_Item):
    id: ItemId
    category: DisclaimerCategory
    text: Text
    short_text: str = Field(default="", max_length=120, description="For character-limited platforms")
    no_link_text: str = Field(
        default="",
        description="Approved wording where links are not clickable (an Instagram caption: 'link in bio')",
    )
    required_when: DisclaimerWhen
    placement: Literal["start", "end", "anywhere"] = "end"

    def applies(
        self,
        *,
        content_type: ContentType | None = None,
        platform: Platform | None = None,
        topics: set[str] | frozenset[str] = frozenset(),
        product_kinds: set[ProductKind] | frozenset[ProductKind] = frozenset(),
    ) -> bool:
        when = self.required_when
        if when.always:
            return True
        checks = (
            not when.content_types or content_type in when.content_types,
            not when.platforms or platform in when.platforms,
            not when.topics or bool(topics & set(when.topics)),
            not when.product_kinds or bool(product_kinds & set(when.product_kinds)),
        )
        return all(checks)


class LocationEntry(_Item):
    id: ItemId
    name: Text
    address: Text
    phone: Text
    hours: str = ""
    services: list[str] = Field(default_factory=list)


class StaffEntry(_Item):
    name: Text
    credentials: str = ""
    role: str = ""
    department: str = ""
    location_id: ItemId | None = None


class BrandProfile(_Item):
    organisation: Text = Field(description="The primary name")
    names: list[Text] = Field(min_length=1, description="Every approved name, the primary one included")
    forbidden_names: list[Text] = Field(default_factory=list)
    tagline: str = ""
    voice_rules: list[Text] = Field(default_factory=list)
    banned_terms: list[Text] = Field(default_factory=list)
    preferred_terms: dict[str, str] = Field(default_factory=dict, description="Avoid → use instead")
    hashtags: list[str] = Field(default_factory=list)
    topic_hashtags: dict[Topic, list[str]] = Field(default_factory=dict)
    websites: list[Url] = Field(default_factory=list)
    handles: dict[Platform, str] = Field(default_factory=dict)
    main_phone: str = ""
    patient_relations_contact: str = Field(default="", description="Where review replies send people offline")
    locations: list[LocationEntry] = Field(default_factory=list)
    staff: list[StaffEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _primary_is_approved(self) -> Self:
        if self.organisation not in self.names:
            raise ValueError("organisation must be one of names")
        clash = {n.lower() for n in self.names} & {n.lower() for n in self.forbidden_names}
        if clash:
            raise ValueError("a name is both approved and forbidden")
        return self


class CrisisTemplate(_Item):
    id: ItemId
    title: Text
    situation: Text = Field(description="When to use it")
    text: Text
    platforms: list[Platform] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)


class ReviewReplyTemplate(_Item):
    id: ItemId
    title: Text
    sentiment: Literal["positive", "neutral", "negative"]
    situation: Text
    text: Text
    covers: list[ItemId] = Field(
        default_factory=list,
        description="Required disclaimers this approved wording already carries in substance, as "
        "compliance approved it (the reply then does not repeat them)",
    )


class Observance(_Item):
    id: ItemId
    name: Text
    month: int = Field(ge=1, le=12)
    topics: list[Topic] = Field(default_factory=list)
    angles: list[Text] = Field(default_factory=list, description="Post ideas")
    hashtags: list[str] = Field(default_factory=list)


class Templates(_Item):
    crisis: list[CrisisTemplate] = Field(default_factory=list)
    review_replies: list[ReviewReplyTemplate] = Field(default_factory=list)
    observances: list[Observance] = Field(default_factory=list)

    def observances_in(self, month: int) -> list[Observance]:
        return [o for o in self.observances if o.month == month]


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


class KnowledgeLibrary(_Item):
    """Everything structured an organisation keeps; cross-references are checked on load."""

    brand: BrandProfile
    products: list[Product] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    disclaimers: list[Disclaimer] = Field(default_factory=list)
    templates: Templates = Field(default_factory=Templates)

    @model_validator(mode="after")
    def _ids_unique_and_claims_resolve(self) -> Self:
        groups = {
            "products": [p.id for p in self.products],
            "claims": [c.id for c in self.claims],
            "disclaimers": [d.id for d in self.disclaimers],
            "locations": [loc.id for loc in self.brand.locations],
            "templates": [t.id for t in self.templates.crisis]
            + [t.id for t in self.templates.review_replies],
            "observances": [o.id for o in self.templates.observances],
        }
        for group, ids in groups.items():
            if dupes := _duplicates(ids):
                raise ValueError(f"duplicate {group} ids: {', '.join(dupes)}")
        known = set(groups["products"])
        if unknown := sorted(
            {c.product_id for c in self.claims if c.product_id and c.product_id not in known}
        ):
            raise ValueError(f"claims refer to unknown products: {', '.join(unknown)}")
        disclaimers = set(groups["disclaimers"])
        covered = {d for t in self.templates.review_replies for d in t.covers}
        if unknown := sorted(covered - disclaimers):
            raise ValueError(f"reply templates cover unknown disclaimers: {', '.join(unknown)}")
        return self

    def covered_disclaimers(self, citations: list[str]) -> set[str]:
        """Ids of the disclaimers that the reply templates among `citations` ("template:ID") carry."""
        cited = {c.removeprefix("template:") for c in citations if c.startswith("template:")}
        return {d for t in self.templates.review_replies if t.id in cited for d in t.covers}

    def product(self, product_id: str) -> Product | None:
        return next((p for p in self.products if p.id == product_id), None)

    def usable_claims(self, day: date, product_ids: list[str] | None = None) -> list[Claim]:
        """Claims usable on `day`; with product_ids, those products' claims plus general ones."""
        wanted = None if product_ids is None else set(product_ids)
        return [
            c
            for c in self.claims
            if c.usable_on(day) and (wanted is None or c.product_id is None or c.product_id in wanted)
        ]
