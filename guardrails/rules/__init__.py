"""Every rule family, listed explicitly: this tuple is the registry's single source."""

from __future__ import annotations

from guardrails.registry import Registry, RuleFamily

FAMILIES: tuple[type[RuleFamily], ...] = ()


def default_registry() -> Registry:
    return Registry(FAMILIES)
