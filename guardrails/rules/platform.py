"""Platform limits and conventions: length, hashtag counts, links where they do not work.

Limits live in guardrails/data/platforms.yaml (validated by `PlatformLimits`),
per platform and per content type. Too long for the platform blocks (the text
cannot be posted); breaking a convention warns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext, ContentType, Platform
from guardrails.datafiles import load_data_file
from guardrails.findings import Category, Finding, Severity
from guardrails.registry import RuleFamily, RuleResources, RuleSpec

_STRICT = ConfigDict(extra="forbid", frozen=True)


class LimitOverride(BaseModel):
    model_config = _STRICT

    max_chars: int | None = Field(default=None, gt=0)
    max_hashtags: int | None = Field(default=None, ge=0)


class PlatformRules(BaseModel):
    model_config = _STRICT

    display_name: str = Field(min_length=1)
    max_chars: int = Field(gt=0)
    max_hashtags: int = Field(ge=0)
    url_length: int | None = Field(default=None, gt=0)
    links_clickable: bool = True
    source: str = Field(min_length=1)
    content_types: dict[ContentType, LimitOverride] = Field(default_factory=dict)

    def max_chars_for(self, content_type: ContentType) -> int:
        override = self.content_types.get(content_type)
        return override.max_chars if override and override.max_chars is not None else self.max_chars

    def max_hashtags_for(self, content_type: ContentType) -> int:
        override = self.content_types.get(content_type)
        if override and override.max_hashtags is not None:
            return override.max_hashtags
        return self.max_hashtags


class PlatformLimits(BaseModel):
    """The schema of platforms.yaml."""

    model_config = _STRICT

    version: int = Field(ge=1, le=1)
    platforms: dict[Platform, PlatformRules]
    link_tlds: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_platform(self) -> PlatformLimits:
        missing = sorted(p.value for p in Platform if p not in self.platforms)
        if missing:
            raise ValueError(f"limits missing for platforms: {', '.join(missing)}")
        bad = [tld for tld in self.link_tlds if not re.fullmatch(r"[a-z]{2,24}", tld)]
        if bad:
            raise ValueError("link_tlds must be lowercase letters only")
        return self


class PlatformOptions(BaseModel):
    model_config = _STRICT

    limits_file: str = Field(default="platforms.yaml", description="Data file under guardrails/data")


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int


# A hashtag starts after a non-word character (not inside "a#b", a URL path or
# an HTML entity) and must contain a letter: "#1 in the region" is a number sign.
HASHTAG = re.compile(r"(?<![\w#&/])#(?=\w*[^\W\d_])\w+")
_SCHEMED_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"]+")
_TRAILING = ".,;:!?)]}'\""


def _bare_url_pattern(tlds: list[str]) -> re.Pattern[str]:
    # Not after "@" or a word character: keeps e-mail addresses and handles out.
    return re.compile(
        r"(?i)(?<![@\w.\-/])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:"
        + "|".join(sorted(tlds, key=len, reverse=True))
        + r")\b(?![@\-])(?:/[^\s<>\"]*)?"
    )


class PlatformFamily(RuleFamily):
    name = "platform"
    Options = PlatformOptions
    specs = (
        RuleSpec(
            "platform.too_long",
            Category.PLATFORM,
            Severity.BLOCK,
            "Platform character limits (guardrails/data/platforms.yaml)",
            "The text is longer than the platform accepts for this content type.",
        ),
        RuleSpec(
            "platform.too_many_hashtags",
            Category.PLATFORM,
            Severity.WARN,
            "Platform hashtag limits and conventions (guardrails/data/platforms.yaml)",
            "More hashtags than the platform allows or its conventions expect.",
        ),
        RuleSpec(
            "platform.link_in_caption",
            Category.PLATFORM,
            Severity.WARN,
            "Instagram help: links in captions are not clickable",
            "A link where the platform does not make it clickable.",
        ),
    )

    def prepare(self, resources: RuleResources) -> None:
        assert isinstance(self.options, PlatformOptions)
        self.limits = load_data_file(self.options.limits_file, PlatformLimits)
        self._bare_url = _bare_url_pattern(self.limits.link_tlds)

    def links(self, text: AnalyzedText) -> list[_Match]:
        """Links in the normalised text, trailing punctuation excluded."""
        found: list[_Match] = []
        for pattern in (_SCHEMED_URL, self._bare_url):
            for m in pattern.finditer(text.text):
                end = m.end()
                while end > m.start() and text.text[end - 1] in _TRAILING:
                    end -= 1
                if not any(m.start() < other.end and other.start < end for other in found):
                    found.append(_Match(m.start(), end))
        return sorted(found, key=lambda match: match.start)

    def hashtags(self, text: AnalyzedText, links: list[_Match]) -> list[_Match]:
        return [
            _Match(m.start(), m.end())
            for m in HASHTAG.finditer(text.text)
            if not any(link.start <= m.start() < link.end for link in links)
        ]

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        rules = self.limits.platforms[ctx.platform]
        links = self.links(text)
        yield from self._length(text, ctx, rules, links)
        yield from self._hashtags(text, ctx, rules, links)
        if not rules.links_clickable:
            for link in links:
                yield self.finding(
                    "platform.link_in_caption",
                    f"Links are not clickable in {rules.display_name} text, so readers cannot follow this one.",
                    span=text.span(link.start, link.end),
                    suggestion="Put the link in your bio and write 'link in bio' here instead.",
                    citation=rules.source,
                )

    def _length(
        self, text: AnalyzedText, ctx: CheckContext, rules: PlatformRules, links: list[_Match]
    ) -> Iterator[Finding]:
        # The platform counts what was submitted, invisible characters included.
        length = len(text.original)
        if rules.url_length is not None:
            for link in links:
                start, end = text.span(link.start, link.end)
                length += rules.url_length - (end - start)
        limit = rules.max_chars_for(ctx.content_type)
        if length <= limit:
            return
        counting = f" (each link counts as {rules.url_length})" if rules.url_length is not None else ""
        yield self.finding(
            "platform.too_long",
            f"This text is {length:,} characters{counting}; {rules.display_name} accepts at most "
            f"{limit:,} for this content type, so it cannot be posted.",
            suggestion=f"Shorten it by at least {length - limit:,} characters.",
            citation=rules.source,
        )

    def _hashtags(
        self, text: AnalyzedText, ctx: CheckContext, rules: PlatformRules, links: list[_Match]
    ) -> Iterator[Finding]:
        tags = self.hashtags(text, links)
        limit = rules.max_hashtags_for(ctx.content_type)
        if len(tags) <= limit:
            return
        excess = tags[limit:]
        if limit == 0:
            message = f"{rules.display_name} does not use hashtags; this text has {len(tags)}."
            suggestion = "Remove the hashtags."
        else:
            message = (
                f"This text has {len(tags)} hashtags; {rules.display_name} posts should use at most {limit}."
            )
            suggestion = f"Keep the {limit} most relevant hashtags."
        yield self.finding(
            "platform.too_many_hashtags",
            message,
            span=text.span(excess[0].start, excess[-1].end),
            suggestion=suggestion,
            citation=rules.source,
        )
