"""Validated rule configuration: which families run, rule severities, overridability, options.

The YAML is checked against the registry before a checker is built: an unknown
family or rule id, a missing family, a bad option or an unreadable file raises
`ConfigError`, so a misconfigured service refuses to start instead of quietly
skipping a check.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guardrails.findings import Severity
from guardrails.registry import GuardrailError, Registry, RuleSetting

DEFAULT_CONFIG = "rules.yaml"


class ConfigError(GuardrailError):
    """The guardrail configuration cannot be used; the service must not start."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleOverride(_Strict):
    severity: Severity | None = None
    enabled: bool = True
    overridable: bool | None = None


class FamilyConfig(_Strict):
    enabled: bool = True
    options: dict[str, Any] = Field(default_factory=dict)


class GuardrailConfig(_Strict):
    version: Literal[1]
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    families: dict[str, FamilyConfig]
    rules: dict[str, RuleOverride] = Field(default_factory=dict)

    def rule_settings(self, registry: Registry) -> dict[str, RuleSetting]:
        """Every registered rule with this configuration applied."""
        settings: dict[str, RuleSetting] = {}
        for spec in registry.specs:
            override = self.rules.get(spec.rule_id, RuleOverride())
            settings[spec.rule_id] = RuleSetting(
                spec=spec,
                severity=override.severity or spec.severity,
                enabled=override.enabled,
                overridable=spec.overridable if override.overridable is None else override.overridable,
            )
        return settings

    def validate_against(self, registry: Registry) -> None:
        known_families = set(registry.family_names)
        unknown = sorted(set(self.families) - known_families)
        if unknown:
            raise ConfigError(f"unknown rule families in configuration: {', '.join(unknown)}")
        missing = sorted(known_families - set(self.families))
        if missing:
            # Omission must not disable a family silently; say `enabled: false` instead.
            raise ConfigError(f"rule families missing from configuration: {', '.join(missing)}")
        known_rules = {spec.rule_id for spec in registry.specs}
        unknown_rules = sorted(set(self.rules) - known_rules)
        if unknown_rules:
            raise ConfigError(f"unknown rule ids in configuration: {', '.join(unknown_rules)}")


def parse_config(data: Mapping[str, Any], registry: Registry) -> GuardrailConfig:
    try:
        config = GuardrailConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid guardrail configuration: {exc}") from None
    config.validate_against(registry)
    return config


def load_config(registry: Registry, path: Path | None = None) -> GuardrailConfig:
    """Read the packaged default configuration, or the YAML at `path`."""
    try:
        if path is None:
            raw = resources.files("guardrails.data").joinpath(DEFAULT_CONFIG).read_text(encoding="utf-8")
        else:
            raw = path.read_text(encoding="utf-8")
        data = yaml.safe_load(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read guardrail configuration: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError("guardrail configuration must be a mapping")
    return parse_config(data, registry)
