"""`Checker.check(text, ctx) -> CheckReport`: every enabled rule family, failing closed."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from guardrails.analysis import AnalyzedText
from guardrails.config import ConfigError, GuardrailConfig
from guardrails.context import CheckContext
from guardrails.findings import Category, CheckReport, Finding, Severity
from guardrails.language import LanguageGate
from guardrails.registry import Registry, RuleFamily, UnknownRuleError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

CRASHED = "rule_error.crashed"
UNSUPPORTED_LANGUAGE = "rule_error.unsupported_language"
_FAIL_CLOSED = "Carepost guardrail policy: a check that cannot run blocks the text (fail closed)"


@dataclass(frozen=True, slots=True)
class _Item:
    text: str
    ctx: CheckContext


class Checker:
    """Runs the configured rule families over one text or a batch.

    Build it with `build_checker()`; construction does no I/O, so tests can pass
    fakes for the NLP pipeline and the language gate.
    """

    def __init__(
        self,
        families: Sequence[RuleFamily],
        nlp: Language | None,
        language_gate: LanguageGate | None,
    ) -> None:
        self.families = tuple(families)
        self._nlp = nlp
        self._language_gate = language_gate

    def without(self, names: Iterable[str]) -> Checker:
        """This checker minus the named families: the phrase rules alone, say, measured on data
        a learned family was trained on. An unknown name is an error, never a no-op."""
        dropped = set(names)
        unknown = sorted(dropped - {family.name for family in self.families})
        if unknown:
            raise UnknownRuleError(f"no rule family named {', '.join(unknown)} in this checker")
        kept = [family for family in self.families if family.name not in dropped]
        return Checker(kept, self._nlp, self._language_gate)

    def check(self, text: str, ctx: CheckContext) -> CheckReport:
        return self._run(AnalyzedText(text, nlp=self._nlp), ctx)

    def overridable(self, rule_id: str) -> bool:
        """Whether the configuration lets a reviewer override `rule_id`; unknown rules are not (fail closed)."""
        return any(family.overridable(rule_id) for family in self.families)

    def check_many(
        self, items: Iterable[tuple[str, CheckContext]], batch_size: int = 64
    ) -> Iterator[CheckReport]:
        """Check texts in order, running spaCy over each batch with `nlp.pipe`."""
        batch: list[_Item] = []
        for text, ctx in items:
            batch.append(_Item(text, ctx))
            if len(batch) >= batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[_Item]) -> Iterator[CheckReport]:
        analyzed = [AnalyzedText(item.text, nlp=self._nlp) for item in batch]
        if self._nlp is not None:
            docs = self._nlp.pipe(a.text for a in analyzed)
            analyzed = [
                AnalyzedText(item.text, nlp=self._nlp, doc=doc) for item, doc in zip(batch, docs, strict=True)
            ]
        for text, item in zip(analyzed, batch, strict=True):
            yield self._run(text, item.ctx)

    def _run(self, text: AnalyzedText, ctx: CheckContext) -> CheckReport:
        if self._language_gate is not None:
            language = self._language_gate.unsupported_language(text.text)
            if language is not None:
                return CheckReport(findings=[_unsupported_language(language)])
        findings: list[Finding] = []
        fallbacks: list[Finding] = []
        for family in self.families:
            try:
                found = [f for f in family.check(text, ctx) if family.enabled(f.rule_id)]
            except Exception as exc:
                # Only the exception type: its message may quote the checked text.
                logger.error("rule family %s crashed: %s", family.name, type(exc).__name__)
                findings.append(_crashed(family.name))
                continue
            (fallbacks if family.fallback else findings).extend(found)
        covered = {f.category for f in findings if f.severity is not Severity.INFO}
        findings += [f for f in fallbacks if f.category not in covered]
        findings.sort(key=lambda f: (f.start if f.start is not None else -1, f.rule_id))
        return CheckReport(findings=findings)


def _crashed(family: str) -> Finding:
    return Finding(
        rule_id=CRASHED,
        category=Category.RULE_ERROR,
        severity=Severity.BLOCK,
        message=f"The {family} checks could not run on this text, so it cannot be approved yet.",
        citation=_FAIL_CLOSED,
        suggestion="Retry; if it persists, report it to the Carepost administrators.",
    )


def _unsupported_language(language: str) -> Finding:
    return Finding(
        rule_id=UNSUPPORTED_LANGUAGE,
        category=Category.RULE_ERROR,
        severity=Severity.BLOCK,
        message=f"This text looks like language '{language}', which the compliance checks do not support.",
        citation=_FAIL_CLOSED,
        suggestion="Submit an English version, or have compliance review this text manually.",
    )


def instantiate_families(config: GuardrailConfig, registry: Registry) -> list[RuleFamily]:
    """Create each enabled family with its validated options (unknown option -> ConfigError)."""
    config.validate_against(registry)
    settings = config.rule_settings(registry)
    families: list[RuleFamily] = []
    for family_cls in registry:
        family_config = config.families[family_cls.name]
        if not family_config.enabled:
            continue
        try:
            options = family_cls.Options.model_validate(family_config.options)
        except ValidationError as exc:
            raise ConfigError(f"invalid options for rule family {family_cls.name!r}: {exc}") from None
        family_settings = {spec.rule_id: settings[spec.rule_id] for spec in family_cls.specs}
        families.append(family_cls(options, family_settings))
    return families
