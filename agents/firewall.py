"""The PHI firewall: what a model that is not `phi_safe` may see of a brief.

Every identifier the guardrails' context-free detector (`guardrails.redact`) finds
is replaced by a typed placeholder (`[PERSON_1]`), numbered across the whole
brief so the same value always gets the same placeholder, except:

- the organisation's own facts (its names, locations, phone numbers, websites,
  handles) and its known staff, which are not patients' identifiers;
- dates, ages and places in a field that names nobody (an event's date, a
  clinic's town), which identify no one on their own. The review or comment
  being answered is the exception: it is the person's own words, so everything
  in it is masked.

The placeholder -> value map lives in this object only (never logged, never
stored); `restore()` puts values back only where a consent covers the post, and
`stats()` gives entity type -> count for the audit trail, never values.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from guardrails.context import Consent, ContentType, ContextFacts, Platform
from guardrails.findings import Entity
from guardrails.redact import Redactor

# Identify someone only together with a person in the same text (Safe Harbor's dates, ages, places).
_QUASI = frozenset({Entity.DATE, Entity.AGE, Entity.LOCATION})
_TITLES = re.compile(r"^(?:dr|doctor|nurse|prof|mr|mrs|ms|mx)\.?\s+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[([A-Z_]+)_(\d+)\]")
_ALWAYS_MASKED_FIELDS = ("reply_to.",)


def _words(value: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", value.lower())


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _domain(value: str) -> str:
    value = value.lower().split("@")[-1]
    value = re.sub(r"^https?://", "", value).removeprefix("www.")
    return value.split("/")[0]


@dataclass(frozen=True, slots=True)
class _Masked:
    entity: Entity
    value: str


class OrganisationAllowList:
    """What the organisation says about itself: never masked."""

    def __init__(self, facts: ContextFacts) -> None:
        org = facts.organisation
        self._staff = [_words(_TITLES.sub("", s.name)) for s in org.staff]
        texts = [*org.names, *(loc.name for loc in org.locations), *(loc.address for loc in org.locations)]
        self._place_text = " ".join(t.lower() for t in texts)
        self._phones = {_digits(loc.phone)[-10:] for loc in org.locations if _digits(loc.phone)}
        self._domains = {_domain(w) for w in org.websites}
        self._handles = {h.lower().lstrip("@") for h in org.handles}

    def allows(self, entity: Entity, value: str) -> bool:
        if entity is Entity.PERSON:
            words = _words(_TITLES.sub("", value))
            # "Dr. Chen" and "Maya Chen" are both the cardiologist Maya Chen.
            return bool(words) and any(set(words) <= set(staff) for staff in self._staff)
        if entity is Entity.LOCATION:
            return bool(value.strip()) and value.lower().strip() in self._place_text
        if entity in (Entity.PHONE, Entity.FAX):
            return _digits(value)[-10:] in self._phones
        if entity in (Entity.URL, Entity.EMAIL):
            host = _domain(value)
            return any(host == d or host.endswith("." + d) for d in self._domains)
        if entity is Entity.SOCIAL_HANDLE:
            return value.lower().lstrip("@") in self._handles
        return False


@dataclass
class PhiFirewall:
    """One brief's masking session. Build one per brief; it holds identifiers in memory only."""

    redactor: Redactor
    facts: ContextFacts
    _allow: OrganisationAllowList = field(init=False)
    _by_value: dict[tuple[Entity, str], str] = field(init=False, default_factory=dict)
    _values: dict[str, _Masked] = field(init=False, default_factory=dict)
    _counts: Counter[Entity] = field(init=False, default_factory=Counter)
    _numbers: Counter[Entity] = field(init=False, default_factory=Counter)

    def __post_init__(self) -> None:
        self._allow = OrganisationAllowList(self.facts)

    def mask_fields(self, fields: dict[str, str]) -> dict[str, str]:
        """Mask each named field; fields named `reply_to.*` are masked without exceptions for quasi-identifiers."""
        return {
            name: self.mask(text, strict=name.startswith(_ALWAYS_MASKED_FIELDS))
            for name, text in fields.items()
        }

    def mask(self, text: str, *, strict: bool = False) -> str:
        result = self.redactor.redact(text)
        kept = [e for e in result.entities if not self._allow.allows(e.entity, text[e.start : e.end])]
        names_someone = any(e.entity is Entity.PERSON for e in kept)
        pieces: list[str] = []
        cursor = 0
        for span in kept:
            if span.entity in _QUASI and not (strict or names_someone):
                continue
            value = text[span.start : span.end]
            pieces += [text[cursor : span.start], self._placeholder(span.entity, value)]
            self._counts[span.entity] += 1
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def _placeholder(self, entity: Entity, value: str) -> str:
        key = (entity, " ".join(value.lower().split()))
        if key not in self._by_value:
            self._numbers[entity] += 1
            placeholder = f"[{entity.value}_{self._numbers[entity]}]"
            self._by_value[key] = placeholder
            self._values[placeholder] = _Masked(entity, value)
        return self._by_value[key]

    def stats(self) -> dict[str, int]:
        """Entity type -> number of masked occurrences: safe for the audit trail."""
        return {entity.value: n for entity, n in sorted(self._counts.items())}

    def placeholders(self) -> list[str]:
        return list(self._values)

    def restore(
        self,
        text: str,
        consents: list[Consent],
        *,
        platform: Platform,
        content_type: ContentType,
        on: date | None = None,
    ) -> str:
        """Put back the values a valid consent allows; other placeholders stay for a person to resolve.

        A person's name comes back when a covering consent's subject hint names
        them; their other details (dates, places) only when at least one
        consented person is in this brief.
        """
        day = on or date.today()
        valid = [c for c in consents if c.covers(on=day, platform=platform, content_type=content_type)]
        if not valid:
            return text
        people = {
            placeholder
            for placeholder, masked in self._values.items()
            if masked.entity is Entity.PERSON
            and any(_hint_matches(c.subject_hint, masked.value) for c in valid)
        }

        def swap(match: re.Match[str]) -> str:
            placeholder = match.group(0)
            masked = self._values.get(placeholder)
            if masked is None:
                return placeholder
            if placeholder in people or (masked.entity is not Entity.PERSON and people):
                return masked.value
            return placeholder

        return _PLACEHOLDER.sub(swap, text)


def unresolved_placeholders(text: str) -> list[str]:
    return [m.group(0) for m in _PLACEHOLDER.finditer(text)]


def _hint_matches(hint: str, value: str) -> bool:
    """'Maria L.' matches 'Maria Lopez': every word of the hint starts a word of the name."""
    hint_words = [w.rstrip(".") for w in _words(hint)] or []
    name_words = _words(value)
    return bool(hint_words) and all(any(n.startswith(h) for n in name_words) for h in hint_words)
