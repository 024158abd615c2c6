"""The one door through which rule families enter a checker.

A rule family is a class with a stable `name`, the `specs` of every rule id it
may emit, an `Options` model for its configuration (unknown keys are errors) and
a `check()` method. Families are listed explicitly in `guardrails.rules`; asking
for a name that is not registered is an error, never a silent no-op.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict

from guardrails.analysis import AnalyzedText
from guardrails.context import CheckContext
from guardrails.findings import Category, Entity, Finding, Severity

if TYPE_CHECKING:
    from spacy.language import Language


class GuardrailError(Exception):
    """Base class for errors of guardrail set-up (developer or operator misuse)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownRuleError(GuardrailError):
    """A configuration or caller named a rule or family that is not registered."""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """What one rule id means: its category, default severity and regulatory source."""

    rule_id: str
    category: Category
    severity: Severity
    citation: str
    description: str
    overridable: bool = False


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """A rule's effective configuration after the YAML is applied."""

    spec: RuleSpec
    severity: Severity
    enabled: bool
    overridable: bool


@dataclass(frozen=True, slots=True)
class RuleResources:
    """Heavy shared objects a family may need, loaded once by `build_checker`."""

    nlp: Language | None = None


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleFamily(ABC):
    """Base class of every rule family. Subclasses set `name`, `specs` and `Options`."""

    name: ClassVar[str]
    specs: ClassVar[tuple[RuleSpec, ...]]
    Options: ClassVar[type[BaseModel]] = NoOptions
    # A fallback family's finding counts only where no other family found its category
    # (block or warn) in the same text: a second opinion that adds recall, never a duplicate.
    fallback: ClassVar[bool] = False

    def __init__(self, options: BaseModel, settings: Mapping[str, RuleSetting]) -> None:
        self.options = options
        self._settings = settings

    def prepare(self, resources: RuleResources) -> None:  # noqa: B027 - optional hook
        """Load what the family needs (models, lexicon files); called once by `build_checker`."""

    @abstractmethod
    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterable[Finding]:
        """Yield findings; spans must already point into the submitted text."""

    def finding(
        self,
        rule_id: str,
        message: str,
        *,
        span: tuple[int, int] | None = None,
        suggestion: str | None = None,
        entity: Entity | None = None,
        severity: Severity | None = None,
        citation: str | None = None,
    ) -> Finding:
        """Build a finding for one of this family's rules with its configured severity.

        `severity` overrides the configuration only for annotations a rule must
        downgrade itself (e.g. a named patient whose consent is on file -> info).
        """
        setting = self._settings.get(rule_id)
        if setting is None:
            raise UnknownRuleError(f"rule {rule_id!r} is not declared by family {self.name!r}")
        start, end = span if span is not None else (None, None)
        return Finding(
            rule_id=rule_id,
            category=setting.spec.category,
            severity=severity or setting.severity,
            start=start,
            end=end,
            message=message,
            citation=citation if citation is not None else setting.spec.citation,
            suggestion=suggestion,
            entity=entity,
        )

    def enabled(self, rule_id: str) -> bool:
        setting = self._settings.get(rule_id)
        return setting is not None and setting.enabled

    def overridable(self, rule_id: str) -> bool:
        """Whether a reviewer may override this rule's block findings (False for rules it does not own)."""
        setting = self._settings.get(rule_id)
        return setting is not None and setting.overridable


class Registry:
    """An explicit, ordered set of rule families, keyed by family name."""

    def __init__(self, families: Iterable[type[RuleFamily]] = ()) -> None:
        self._families: dict[str, type[RuleFamily]] = {}
        self._specs: dict[str, RuleSpec] = {}
        for family in families:
            self.register(family)

    def register(self, family: type[RuleFamily]) -> None:
        if family.name in self._families:
            raise GuardrailError(f"rule family {family.name!r} registered twice")
        for spec in family.specs:
            if spec.rule_id in self._specs:
                raise GuardrailError(f"rule id {spec.rule_id!r} declared twice")
            if not spec.rule_id.startswith(f"{family.name}.") and spec.category is not Category.RULE_ERROR:
                raise GuardrailError(f"rule id {spec.rule_id!r} must start with {family.name!r}.")
            self._specs[spec.rule_id] = spec
        self._families[family.name] = family

    def family(self, name: str) -> type[RuleFamily]:
        try:
            return self._families[name]
        except KeyError:
            raise UnknownRuleError(f"unknown rule family {name!r}") from None

    def spec(self, rule_id: str) -> RuleSpec:
        try:
            return self._specs[rule_id]
        except KeyError:
            raise UnknownRuleError(f"unknown rule id {rule_id!r}") from None

    def __iter__(self) -> Iterator[type[RuleFamily]]:
        return iter(self._families.values())

    @property
    def family_names(self) -> list[str]:
        return list(self._families)

    @property
    def specs(self) -> list[RuleSpec]:
        return list(self._specs.values())
