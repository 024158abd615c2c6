from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

import guardrails.rules
from guardrails.analysis import AnalyzedText
from guardrails.config import ConfigError, load_config, parse_config
from guardrails.context import CheckContext
from guardrails.findings import Category, Finding, Severity
from guardrails.pipeline import Checker, instantiate_families
from guardrails.registry import GuardrailError, Registry, RuleFamily, RuleSpec, UnknownRuleError
from guardrails.rules import FAMILIES, default_registry


class _AlphaOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: int = 1


class Alpha(RuleFamily):
    name = "alpha"
    Options = _AlphaOptions
    specs = (
        RuleSpec("alpha.one", Category.BRAND, Severity.WARN, "cite one", "first rule"),
        RuleSpec("alpha.two", Category.BRAND, Severity.WARN, "cite two", "second rule", overridable=True),
    )

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        yield self.finding("alpha.one", "first")
        yield self.finding("alpha.two", "second")


class Beta(RuleFamily):
    name = "beta"
    specs = (RuleSpec("beta.only", Category.PLATFORM, Severity.BLOCK, "cite", "only rule"),)

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        yield self.finding("beta.only", "only")


def _registry() -> Registry:
    return Registry([Alpha, Beta])


def _config(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"version": 1, "families": {"alpha": {}, "beta": {}}, "rules": {}}
    data.update(overrides)
    return data


def _ctx() -> CheckContext:
    return CheckContext.of("facebook", "post")


def _run(config: dict[str, Any]) -> list[Finding]:
    registry = _registry()
    families = instantiate_families(parse_config(config, registry), registry)
    return Checker(families, nlp=None, language_gate=None).check("Some text.", _ctx()).findings


# --- registry ---------------------------------------------------------------


def test_duplicate_family_is_refused() -> None:
    with pytest.raises(GuardrailError, match="registered twice"):
        Registry([Alpha, Alpha])


def test_duplicate_rule_id_is_refused() -> None:
    class AlphaAgain(RuleFamily):
        name = "alpha_again"
        specs: ClassVar[tuple[RuleSpec, ...]] = (
            RuleSpec("alpha_again.x", Category.BRAND, Severity.WARN, "", ""),
            RuleSpec("alpha_again.x", Category.BRAND, Severity.WARN, "", ""),
        )

        def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
            yield from ()

    with pytest.raises(GuardrailError, match="declared twice"):
        Registry([AlphaAgain])


def test_rule_id_must_carry_the_family_name() -> None:
    class Stray(RuleFamily):
        name = "stray"
        specs: ClassVar[tuple[RuleSpec, ...]] = (RuleSpec("other.x", Category.BRAND, Severity.WARN, "", ""),)

        def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
            yield from ()

    with pytest.raises(GuardrailError, match="must start with"):
        Registry([Stray])


def test_unknown_names_are_errors_not_no_ops() -> None:
    registry = _registry()
    with pytest.raises(UnknownRuleError):
        registry.family("gamma")
    with pytest.raises(UnknownRuleError):
        registry.spec("alpha.three")


def test_a_family_cannot_emit_an_undeclared_rule() -> None:
    registry = _registry()
    family = instantiate_families(parse_config(_config(), registry), registry)[0]
    with pytest.raises(UnknownRuleError):
        family.finding("alpha.three", "nope")


# --- configuration ----------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "match"),
    [
        (_config(families={"alpha": {}, "beta": {}, "gamma": {}}), "unknown rule families"),
        (_config(families={"alpha": {}}), "missing from configuration"),
        (_config(rules={"alpha.three": {"severity": "warn"}}), "unknown rule ids"),
        (_config(rules={"alpha.one": {"severity": "fatal"}}), "invalid guardrail configuration"),
        (_config(rules={"alpha.one": {"colour": "red"}}), "invalid guardrail configuration"),
        (_config(version=2), "invalid guardrail configuration"),
        (_config(languages=[]), "invalid guardrail configuration"),
        (_config(extra_key=True), "invalid guardrail configuration"),
        ({"version": 1, "rules": {}}, "invalid guardrail configuration"),
    ],
)
def test_bad_configuration_is_refused(config: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        parse_config(config, _registry())


@pytest.mark.parametrize("options", [{"threshold": "many"}, {"thresold": 2}, {"threshold": 1, "extra": True}])
def test_bad_family_option_is_refused(options: dict[str, Any]) -> None:
    registry = _registry()
    config = parse_config(_config(families={"alpha": {"options": options}, "beta": {}}), registry)
    with pytest.raises(ConfigError, match="invalid options for rule family 'alpha'"):
        instantiate_families(config, registry)


def test_good_family_option_is_applied() -> None:
    registry = _registry()
    config = parse_config(_config(families={"alpha": {"options": {"threshold": 3}}, "beta": {}}), registry)
    alpha = instantiate_families(config, registry)[0]
    assert alpha.options == _AlphaOptions(threshold=3)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("version: 1\nfamilies: {alpha: {}, beta: [", "cannot read"),
        ("- version: 1\n- families: {}\n", "must be a mapping"),
        ("just a string", "must be a mapping"),
        ("", "must be a mapping"),
        ("version: 1\nfamilies: {alpha: {}}\n", "missing from configuration"),
    ],
)
def test_bad_configuration_file_is_refused(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        load_config(_registry(), path)


def test_missing_or_undecodable_configuration_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(_registry(), tmp_path / "absent.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"version: 1\n# caf\xe9\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(_registry(), path)


def test_disabled_rule_is_filtered_out() -> None:
    findings = _run(_config(rules={"alpha.two": {"enabled": False}}))
    assert sorted(f.rule_id for f in findings) == ["alpha.one", "beta.only"]


def test_disabled_family_does_not_run() -> None:
    findings = _run(_config(families={"alpha": {"enabled": False}, "beta": {}}))
    assert [f.rule_id for f in findings] == ["beta.only"]


def test_severity_override_is_applied() -> None:
    findings = {f.rule_id: f for f in _run(_config(rules={"alpha.one": {"severity": "block"}}))}
    assert findings["alpha.one"].severity is Severity.BLOCK
    assert findings["alpha.two"].severity is Severity.WARN
    assert findings["beta.only"].severity is Severity.BLOCK


def test_overridable_default_and_override() -> None:
    registry = _registry()
    settings = parse_config(_config(rules={"alpha.one": {"overridable": True}}), registry).rule_settings(
        registry
    )
    assert settings["alpha.one"].overridable is True
    assert settings["alpha.two"].overridable is True
    assert settings["beta.only"].overridable is False
    settings = parse_config(_config(rules={"alpha.two": {"overridable": False}}), registry).rule_settings(
        registry
    )
    assert settings["alpha.two"].overridable is False


# --- the real registry --------------------------------------------------------


def _rule_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(guardrails.rules.__path__, prefix="guardrails.rules.")
        if not info.name.rsplit(".", 1)[-1].startswith("_")
    ]


def test_every_rule_family_in_guardrails_rules_is_registered() -> None:
    defined: set[type[RuleFamily]] = set()
    for module_name in _rule_modules():
        module = importlib.import_module(module_name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, RuleFamily) and obj.__module__ == module_name and not inspect.isabstract(obj):
                defined.add(obj)
    assert defined, "no rule family found under guardrails/rules"
    unregistered = sorted(cls.__qualname__ for cls in defined - set(FAMILIES))
    assert unregistered == []


def test_registered_families_come_from_guardrails_rules() -> None:
    for family in FAMILIES:
        assert family.__module__.startswith("guardrails.rules.")


def test_packaged_configuration_matches_the_registry() -> None:
    registry = default_registry()
    config = load_config(registry)
    assert set(config.families) == set(registry.family_names)
