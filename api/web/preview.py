"""What a platform preview shows: length against the platform's limit, hashtags and links.

Limits, link counting and hashtag detection come from the guardrails' own platform
rule family (guardrails/data/platforms.yaml through the running checker), so the
preview counts exactly what the `platform.*` rules count.
"""

from __future__ import annotations

from dataclasses import dataclass

from guardrails.analysis import AnalyzedText
from guardrails.context import ContentType, Platform
from guardrails.pipeline import Checker
from guardrails.rules.platform import PlatformFamily


@dataclass(frozen=True)
class Preview:
    platform: Platform
    display_name: str
    length: int
    limit: int
    max_hashtags: int
    hashtags: list[tuple[int, int]]
    links: list[tuple[int, int]]
    url_length: int | None
    links_clickable: bool

    @property
    def over_limit(self) -> bool:
        return self.length > self.limit

    @property
    def too_many_hashtags(self) -> bool:
        return len(self.hashtags) > self.max_hashtags


class PlatformFamilyMissing(RuntimeError):
    """The checker runs without the platform rules: no limits to preview against."""


def platform_family(checker: Checker) -> PlatformFamily:
    for family in checker.families:
        if isinstance(family, PlatformFamily):
            return family
    raise PlatformFamilyMissing("the guardrail configuration has no platform rule family")


def preview(family: PlatformFamily, platform: Platform, content_type: ContentType, text: str) -> Preview:
    rules = family.limits.platforms[platform]
    analyzed = AnalyzedText(text)
    links = [analyzed.span(m.start, m.end) for m in family.links(analyzed)]
    hashtags = [analyzed.span(m.start, m.end) for m in family.hashtags(analyzed, family.links(analyzed))]
    length = len(text)
    if rules.url_length is not None:
        length += sum(rules.url_length - (end - start) for start, end in links)
    return Preview(
        platform=platform,
        display_name=rules.display_name,
        length=length,
        limit=rules.max_chars_for(content_type),
        max_hashtags=rules.max_hashtags_for(content_type),
        hashtags=hashtags,
        links=links,
        url_length=rules.url_length,
        links_clickable=rules.links_clickable,
    )
