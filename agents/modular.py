"""The `modular` engine: drafts composed only from approved modules and the brief's own facts.

No model writes anything here. A draft is a list of parts (opener, key messages,
approved claims, risk statement and link, disclaimers, call to action, hashtags),
each marked required or optional, rendered per platform:

- X: 280 characters with every link counted as 23; short risk statements and
  short disclaimers; at most 2 hashtags; optional parts dropped first when long.
- Instagram: links are not clickable in captions, so the link becomes "link in
  bio" and hashtags go in their own block.
- Facebook, LinkedIn, Google Business Profile: full statements, links inline;
  LinkedIn reads more formally; Google Business Profile takes no hashtags.

This is how regulated teams work when copy may come only from approved modules;
it is also the default engine when no model is configured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from agents.brief import Brief, Pillar, Tone
from guardrails.context import ContentType, Platform, ProductKind
from knowledge.libraries.models import Claim, Disclaimer, KnowledgeLibrary, Product

X_URL_LENGTH = 23
# Prescription drug and biologic labeling pairs the brand with its established name (21 CFR 202.1(b)(1)).
_NAMED_KINDS = frozenset({ProductKind.DRUG, ProductKind.BIOLOGIC, ProductKind.VACCINE})
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True, slots=True)
class Style:
    limit: int
    max_hashtags: int
    links_clickable: bool = True
    short: bool = False  # use short risk statements and short disclaimers


STYLES: dict[Platform, Style] = {
    Platform.X: Style(limit=280, max_hashtags=2, short=True),
    Platform.INSTAGRAM: Style(limit=2200, max_hashtags=5, links_clickable=False),
    Platform.FACEBOOK: Style(limit=63206, max_hashtags=3),
    Platform.LINKEDIN: Style(limit=3000, max_hashtags=4),
    Platform.GOOGLE_BUSINESS: Style(limit=1500, max_hashtags=0),
}


# Per content type limits that differ from the platform's (guardrails/data/platforms.yaml).
_CONTENT_STYLES: dict[tuple[Platform, ContentType], Style] = {
    (Platform.LINKEDIN, ContentType.AD): Style(limit=600, max_hashtags=3, short=True),
}


def style_for(platform: Platform, content_type: ContentType = ContentType.POST) -> Style:
    return _CONTENT_STYLES.get((platform, content_type), STYLES[platform])


def x_length(text: str) -> int:
    """Length as X counts it: every link is 23 characters (t.co)."""
    return len(_URL.sub("x" * X_URL_LENGTH, text))


def platform_length(text: str, platform: Platform) -> int:
    return x_length(text) if platform is Platform.X else len(text)


@dataclass(frozen=True, slots=True)
class Part:
    role: str  # opener | message | claim | risk | disclaimer | cta | hashtags
    text: str
    required: bool = True
    source: str = ""  # the module it came from, for citations


@dataclass(frozen=True, slots=True)
class Composition:
    """A draft as parts; rendering joins them for one platform."""

    platform: Platform
    parts: tuple[Part, ...]
    alt_texts: tuple[str, ...] = ()
    content_type: ContentType = ContentType.POST

    @property
    def style(self) -> Style:
        return style_for(self.platform, self.content_type)

    def render(self) -> str:
        body = [p.text for p in self.parts if p.role != "hashtags" and p.text]
        tags = " ".join(p.text for p in self.parts if p.role == "hashtags" and p.text)
        separator = "\n\n" if self.platform in (Platform.INSTAGRAM, Platform.LINKEDIN) else " "
        text = " ".join(body)
        return f"{text}{separator}{tags}" if tags else text

    def citations(self) -> list[str]:
        return list(dict.fromkeys(p.source for p in self.parts if p.source))

    def without(self, role: str, *, keep_required: bool = True) -> Composition:
        """Drop the last part of `role` (optional ones only unless keep_required is False)."""
        for index in range(len(self.parts) - 1, -1, -1):
            part = self.parts[index]
            if part.role == role and (not part.required or not keep_required):
                return replace(self, parts=self.parts[:index] + self.parts[index + 1 :])
        return self

    def with_part(self, part: Part, *, before: str = "cta") -> Composition:
        roles = [p.role for p in self.parts]
        index = roles.index(before) if before in roles else len(self.parts)
        return replace(self, parts=(*self.parts[:index], part, *self.parts[index:]))


def sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?:)" else text + "."


def camel_hashtag(tag: str) -> str:
    """'#flu shot' or '#flushot' stay readable for screen readers as '#FluShot' only when words are known."""
    words = re.findall(r"[A-Za-z0-9]+", tag)
    if len(words) > 1:
        return "#" + "".join(w[:1].upper() + w[1:] for w in words)
    word = words[0] if words else ""
    return "#" + (word[:1].upper() + word[1:] if word.islower() else word)


class ModularComposer:
    """Composes drafts from one organisation's library. Construction does no I/O."""

    def __init__(self, library: KnowledgeLibrary) -> None:
        self.library = library

    # -- parts ---------------------------------------------------------------------------

    def opener(self, brief: Brief, platform: Platform) -> str:
        """A first line in the platform's register; the full organisation name on first reference."""
        org = self.library.brand.organisation
        topic = brief.topic.rstrip(".!")
        if platform is Platform.X:
            return f"{org}: {topic}."
        if platform is Platform.LINKEDIN:
            lead = f"{brief.observance}: " if brief.observance else ""
            return f"{lead}{topic}, an update from {org}."
        if platform is Platform.GOOGLE_BUSINESS:
            return f"Update from {org}: {topic}."
        if brief.observance:
            return f"{brief.observance} is here, and {org} wants to help you and your family stay well."
        if platform is Platform.INSTAGRAM:
            return f"{topic}. From all of us at {org}."
        if brief.tone is Tone.CELEBRATORY or brief.pillar is Pillar.COMMUNITY:
            return f"News from {org}: {topic}!"
        if brief.tone is Tone.URGENT:
            return f"Update from {org}: {topic}."
        return f"From {org}: {topic}."

    def products(self, brief: Brief) -> list[Product]:
        return [p for p in self.library.products if p.id in brief.product_ids]

    def claim_text(self, claim: Claim, style: Style) -> str:
        """The claim as approved; on short platforms its shortest approved variation that names the product."""
        if not style.short:
            return claim.text
        product = self.library.product(claim.product_id) if claim.product_id else None
        options = [claim.text] + [
            sentence(v)
            for v in claim.variations
            if product is None or product.brand_name.lower() in v.lower()
        ]
        return min(options, key=len)

    def claim_for(self, product: Product, brief: Brief, day_claims: list[Claim]) -> Claim | None:
        """The product's indication-level claim: the approved claim that best matches the brief's topics."""
        claims = [c for c in day_claims if c.product_id == product.id]
        if not claims:
            return None
        wanted = set(brief.topics)
        return max(claims, key=lambda c: (len(wanted & set(c.topics)), bool(c.topics), -len(c.text)))

    def hashtags(self, brief: Brief, style: Style) -> list[str]:
        brand = self.library.brand
        tags: list[str] = []
        for topic in brief.topics:
            tags += brand.topic_hashtags.get(topic, [])
        observance = next(
            (
                o
                for o in self.library.templates.observances
                if brief.observance and o.name == brief.observance
            ),
            None,
        )
        if observance:
            tags = list(observance.hashtags) + tags
        tags += brand.hashtags[:1]
        unique = list(dict.fromkeys(camel_hashtag(t) for t in tags))
        return unique[: style.max_hashtags]

    def cta(self, brief: Brief, style: Style) -> str:
        action = sentence(brief.call_to_action) if brief.call_to_action else ""
        link = brief.links[0] if brief.links else ""
        if not link:
            return action
        if not style.links_clickable:
            return f"{action} Link in bio.".strip()
        # "Action: link" keeps the link visibly attached to what it is for.
        return f"{action.rstrip('.!')}: {link}" if action else link

    def risk(self, product: Product, style: Style) -> str:
        statement = product.short_risk_statement if style.short else product.risk_statement
        statement = " ".join(statement.split())
        if not product.pi_url:
            return statement
        if not style.links_clickable:
            return f"{statement} Full safety information: link in bio."
        label = "Info" if style.short else "Full safety information"
        return f"{statement} {label}: {product.pi_url}"

    def disclaimer(self, disclaimer: Disclaimer, style: Style) -> str:
        # Only approved wordings: where links are not clickable the library may hold one for that.
        if not style.links_clickable and disclaimer.no_link_text:
            return disclaimer.no_link_text
        return disclaimer.short_text if style.short and disclaimer.short_text else disclaimer.text

    def alt_texts(self, brief: Brief) -> tuple[str, ...]:
        texts = []
        for media in brief.media:
            if media.alt_text:
                texts.append(media.alt_text)
            elif media.description:
                texts.append(sentence(media.description))
        return tuple(texts)

    # -- composition ---------------------------------------------------------------------

    def compose(
        self, brief: Brief, platform: Platform, disclaimers: list[Disclaimer], claims: list[Claim]
    ) -> Composition:
        style = style_for(platform, brief.content_type)
        parts: list[Part] = [Part("opener", self.opener(brief, platform), required=False)]
        parts += [Part("message", sentence(m)) for m in brief.key_messages]
        for product in self.products(brief):
            claim = self.claim_for(product, brief, claims)
            if claim is not None:
                required = not _mentions(parts, product.brand_name)
                text = self.claim_text(claim, style)
                parts.append(Part("claim", text, required=required, source=f"claim:{claim.id}"))
            parts.append(Part("risk", self.risk(product, style), source=f"product:{product.id}"))
        # Required disclaimers, placed where the library says (start or end).
        start = [d for d in disclaimers if d.placement == "start"]
        end = [d for d in disclaimers if d.placement != "start"]
        parts = [
            Part("disclaimer", self.disclaimer(d, style), source=f"disclaimer:{d.id}") for d in start
        ] + parts
        parts.append(Part("cta", self.cta(brief, style)))
        parts += [Part("disclaimer", self.disclaimer(d, style), source=f"disclaimer:{d.id}") for d in end]
        parts += [Part("hashtags", tag, required=False) for tag in self.hashtags(brief, style)]
        for product in self.products(brief):
            parts = name_established(parts, product)
        parts_kept = tuple(p for p in parts if p.text)
        return fit(Composition(platform, parts_kept, self.alt_texts(brief), brief.content_type))


def name_established(parts: list[Part], product: Product) -> list[Part]:
    """The first mention of a brand name carries its established name: 'CARDELTA (semvaridone)'."""
    if not product.established_name or product.kind not in _NAMED_KINDS:
        return parts
    full = f"{product.brand_name} ({product.established_name})"
    if any(full.lower() in p.text.lower() for p in parts):
        return parts
    for index, part in enumerate(parts):
        at = part.text.find(product.brand_name)
        if at >= 0:
            text = part.text[:at] + full + part.text[at + len(product.brand_name) :]
            return [*parts[:index], replace(part, text=text), *parts[index + 1 :]]
    return parts


def _mentions(parts: list[Part], name: str) -> bool:
    return any(name.lower() in p.text.lower() for p in parts if p.role == "message")


def fit(composition: Composition) -> Composition:
    """Drop optional parts (hashtags, then opener, then extra claims) until the draft fits the platform."""
    style = composition.style
    for role in ("hashtags", "hashtags", "opener", "claim", "claim"):
        if platform_length(composition.render(), composition.platform) <= style.limit:
            break
        composition = composition.without(role)
    return composition
