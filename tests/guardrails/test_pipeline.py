from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from guardrails.analysis import AnalyzedText
from guardrails.config import GuardrailConfig
from guardrails.context import CheckContext
from guardrails.findings import Category, Finding, Severity
from guardrails.language import LanguageGate, load_language_gate
from guardrails.pipeline import CRASHED, UNSUPPORTED_LANGUAGE, Checker, instantiate_families
from guardrails.registry import Registry, RuleFamily, RuleSpec

if TYPE_CHECKING:
    from spacy.language import Language

SECRET = "Maria Lopez MRN 00482913"


class Exploding(RuleFamily):
    name = "exploding"
    specs = (RuleSpec("exploding.never", Category.BRAND, Severity.WARN, "", ""),)

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        # The message quotes the text, as careless library errors do.
        raise ValueError(f"cannot parse {text.original!r}")
        yield  # pragma: no cover - makes this a generator like real families


class Words(RuleFamily):
    """Flags every word of four or more capital letters: spans only, so order is testable."""

    name = "words"
    specs = (RuleSpec("words.caps", Category.ACCESSIBILITY, Severity.WARN, "", ""),)

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        position = 0
        for word in text.text.split():
            start = text.text.index(word, position)
            position = start + len(word)
            if len(word) >= 4 and word.isupper():
                yield self.finding("words.caps", "capitals", span=text.span(start, position))


class Entities(RuleFamily):
    """Reports spaCy's entities: exercises the shared doc (and `nlp.pipe` in batches)."""

    name = "entities"
    specs = (RuleSpec("entities.ent", Category.BRAND, Severity.WARN, "", ""),)

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        for ent in text.doc.ents:
            yield self.finding("entities.ent", ent.label_, span=text.span(ent.start_char, ent.end_char))


class FakeIdentifier:
    def __init__(self, language: str, confidence: float, english: float | None = None) -> None:
        rest = 1.0 - confidence
        english = rest if english is None else english
        ranked = [(language, confidence), ("en", english), ("xx", max(rest - english, 0.0))]
        self.ranked = sorted(dict(ranked).items(), key=lambda item: -item[1])
        self.calls = 0

    def rank(self, text: str) -> list[tuple[str, float]]:
        self.calls += 1
        return self.ranked


def _checker(
    *families: type[RuleFamily], nlp: Language | None = None, gate: LanguageGate | None = None
) -> Checker:
    registry = Registry(families)
    config = GuardrailConfig.model_validate({"version": 1, "families": {f.name: {} for f in families}})
    return Checker(instantiate_families(config, registry), nlp=nlp, language_gate=gate)


def _ctx() -> CheckContext:
    return CheckContext.of("facebook", "post")


# --- fail closed ------------------------------------------------------------


def test_a_crashing_family_yields_one_blocking_rule_error(caplog: pytest.LogCaptureFixture) -> None:
    text = f"URGENT NEWS for {SECRET}"
    with caplog.at_level(logging.ERROR, logger="guardrails.pipeline"):
        report = _checker(Exploding, Words).check(text, _ctx())
    errors = report.by_category(Category.RULE_ERROR)
    assert [(f.rule_id, f.severity) for f in errors] == [(CRASHED, Severity.BLOCK)]
    assert report.blocked
    # the other family still ran
    assert [
        text[f.start : f.end] for f in report.by_category(Category.ACCESSIBILITY) if f.start is not None
    ] == [
        "URGENT",
        "NEWS",
    ]
    # neither the finding nor the log carries the exception's message (it quotes the text)
    dumped = errors[0].model_dump_json()
    for secret in ("Maria", "00482913", "cannot parse"):
        assert secret not in dumped
        assert secret not in caplog.text
    assert "exploding" in errors[0].message
    assert "ValueError" in caplog.text


def test_a_checker_with_no_findings_does_not_block() -> None:
    report = _checker(Words).check("all quiet here", _ctx())
    assert report.findings == []
    assert not report.blocked


def test_findings_are_ordered_by_position() -> None:
    text = "ZULU then ALPHA then MIKE"
    starts = [f.start for f in _checker(Words).check(text, _ctx()).findings if f.start is not None]
    assert starts == sorted(starts)
    assert len(starts) == 3


# --- language gate ----------------------------------------------------------


def test_unsupported_language_from_a_fake_identifier_blocks_everything() -> None:
    identifier = FakeIdentifier("es", 0.99)
    gate = LanguageGate(identifier=identifier)
    report = _checker(Words, gate=gate).check("ESTA CLINICA ofrece vacunas gratis hoy", _ctx())
    assert [(f.rule_id, f.category, f.severity) for f in report.findings] == [
        (UNSUPPORTED_LANGUAGE, Category.RULE_ERROR, Severity.BLOCK)
    ]
    assert "'es'" in report.findings[0].message
    assert "vacunas" not in report.findings[0].message
    assert identifier.calls == 1


LONG_SPANISH = "Esta semana la clínica ofrece vacunas gratis para toda la familia sin cita previa"


def test_unsure_identifier_still_blocks_a_long_text_that_is_clearly_not_english() -> None:
    # top language unsure (Spanish names mixed with English ones) but English all but ruled out
    gate = LanguageGate(identifier=FakeIdentifier("es", 0.4, english=0.0002))
    report = _checker(Words, gate=gate).check(LONG_SPANISH, _ctx())
    assert [f.rule_id for f in report.findings] == [UNSUPPORTED_LANGUAGE]


@pytest.mark.parametrize(
    ("identifier", "text"),
    [
        (FakeIdentifier("es", 0.5), "Esta clínica ofrece vacunas gratis hoy"),  # not confident
        (FakeIdentifier("es", 0.4, english=0.02), LONG_SPANISH),  # English still plausible
        (FakeIdentifier("es", 0.4, english=0.0002), "Dr. José Hernández joins Clínica Santa María"),  # short
        (FakeIdentifier("en", 0.99), "This clinic offers free shots today"),  # supported
        (FakeIdentifier("es", 0.99), "Hola Dr. Ruiz!"),  # too short to judge
        (FakeIdentifier("es", 0.99), "#VacunasGratis #Salud @ClinicaRuiz https://example.com/es"),
    ],
)
def test_language_gate_lets_through(identifier: FakeIdentifier, text: str) -> None:
    report = _checker(Words, gate=LanguageGate(identifier=identifier)).check(text, _ctx())
    assert report.by_category(Category.RULE_ERROR) == []


def test_a_configured_language_is_supported() -> None:
    gate = LanguageGate(identifier=FakeIdentifier("es", 0.99), supported=frozenset({"en", "es"}))
    report = _checker(Words, gate=gate).check("Esta clínica ofrece vacunas gratis hoy", _ctx())
    assert report.findings == []


@pytest.fixture(scope="module")
def real_gate() -> LanguageGate:
    return load_language_gate()


@pytest.mark.parametrize(
    "text",
    [
        "Esta semana nuestra clínica ofrece vacunas contra la gripe sin costo para toda la familia. "
        "No necesita cita previa; traiga su tarjeta del seguro y llegue temprano.",
        # English names and addresses pull the top guess below the confidence bar
        "Exámenes de presión arterial gratis el martes en Northgate Mall Community Room, Suite 200, "
        "de 10 a. m. a 2 p. m. Pregunte por Heather o Mike.",
    ],
)
def test_real_language_gate_flags_a_spanish_paragraph(real_gate: LanguageGate, text: str) -> None:
    report = _checker(Words, gate=real_gate).check(text, _ctx())
    assert [f.rule_id for f in report.findings] == [UNSUPPORTED_LANGUAGE]
    assert "'es'" in report.findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Congrats Dr. Okafor!",
        "Flu shots today.",
        "Thank you, Riverbend team! #NursesWeek",
        "Join us Saturday for free blood pressure checks at the Main Street clinic, 9 am to noon.",
        "Dr. José Hernández and Dr. Anaïs Dubois join our cardiology team this fall.",
        "Dr. José Hernández joins Clínica Santa María in San Antonio.",
    ],
)
def test_real_language_gate_passes_english(real_gate: LanguageGate, text: str) -> None:
    assert _checker(Words, gate=real_gate).check(text, _ctx()).by_category(Category.RULE_ERROR) == []


# --- batches ----------------------------------------------------------------


BATCH = [
    "Dr. Maya Chen joins our cardiology team in Boston.",
    "FREE FLU SHOTS at Riverbend Regional on Saturday.",
    "",
    "Ｍａｒｉａ visited Chicago on March 3.",
    "Plain text with NOTHING",
    "Apple and Google announced a health study in London.",
]


def test_check_many_equals_check_one_by_one(nlp: Language) -> None:
    checker = _checker(Words, Entities, nlp=nlp)
    items = [(text, _ctx()) for text in BATCH]
    one_by_one = [checker.check(text, ctx) for text, ctx in items]
    batched = list(checker.check_many(items, batch_size=4))  # two batches, the last one partial
    assert batched == one_by_one
    assert any(f.rule_id == "entities.ent" for report in batched for f in report.findings)


def test_check_many_without_a_pipeline_and_with_a_crash() -> None:
    checker = _checker(Words, Exploding)
    items = [(text, _ctx()) for text in BATCH]
    batched = list(checker.check_many(items, batch_size=2))
    assert batched == [checker.check(text, ctx) for text, ctx in items]
    assert all(report.blocked for report in batched)
