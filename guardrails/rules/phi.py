"""PHI: identifiers of a patient or a patient's relative, decided by context.

presidio with our healthcare recognizers finds every identifier; context then
decides whose it is (guardrails.phi.decide): staff, public figures, personas, the
organisation's own facts and event dates are not PHI. A named patient covered by a
valid consent record is an `info` annotation that cites the consent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from guardrails.analysis import AnalyzedText
from guardrails.config import ConfigError
from guardrails.context import CheckContext
from guardrails.findings import Category, Entity, Finding, Severity
from guardrails.phi.entities import DESCRIPTION, SAFE_HARBOR_LETTER
from guardrails.phi.loader import PhiModels, load_phi
from guardrails.phi.verdicts import Verdict
from guardrails.phi.wording import KIN_BEFORE
from guardrails.registry import RuleFamily, RuleResources, RuleSpec

IDENTIFIER = "phi.identifier"
CONSENTED = "phi.consented"
PATIENT_STATUS = "phi.patient_status"
SAFE_HARBOR = "45 CFR 164.514(b)(2)(i)"
AUTHORIZATION = "45 CFR 164.508(a)"
DISCLOSURE = "45 CFR 164.502(a)"


class PhiOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lexicon: Path | None = None  # an operator's own phi.yaml instead of the packaged one
    public_figures: Path | None = None


class PhiFamily(RuleFamily):
    name = "phi"
    Options = PhiOptions
    specs = (
        RuleSpec(
            IDENTIFIER,
            Category.PHI,
            Severity.BLOCK,
            SAFE_HARBOR,
            "An identifier of a patient or a patient's relative (one of HIPAA Safe Harbor's 18 kinds) "
            "with no valid consent on file.",
        ),
        RuleSpec(
            CONSENTED,
            Category.PHI,
            Severity.INFO,
            AUTHORIZATION,
            "A patient is identified, and a valid consent record on file covers this use.",
        ),
        RuleSpec(
            PATIENT_STATUS,
            Category.PATIENT_STATUS,
            Severity.BLOCK,
            DISCLOSURE,
            "The text identifies a patient (or a patient's relative) without consent, which also "
            "discloses that the person is or was a patient.",
        ),
    )

    _models: PhiModels | None = None

    def prepare(self, resources: RuleResources) -> None:
        if resources.nlp is None:
            raise ConfigError("the phi rule family needs the spaCy pipeline (build the checker with NLP)")
        options = self.options
        assert isinstance(options, PhiOptions)
        self._models = load_phi(resources.nlp, options.lexicon, options.public_figures)

    def check(self, text: AnalyzedText, ctx: CheckContext) -> Iterator[Finding]:
        if self._models is None:
            raise RuntimeError("phi family used before prepare()")
        detections = self._models.engine.detect(text.text, text.doc)
        first: tuple[int, int] | None = None
        consented_story = unconsented_patient = False
        for decision in self._models.judge.decide(text.text, text.doc, ctx, detections):
            if decision.verdict is Verdict.CLEAR:
                continue
            entity = decision.entity
            span = text.span(decision.detection.start, decision.detection.end)
            letter = SAFE_HARBOR_LETTER[entity]
            if decision.verdict is Verdict.CONSENTED and decision.consent_id is not None:
                consented_story = True
                yield self.finding(
                    CONSENTED,
                    f"This is {DESCRIPTION[entity]} of a patient; consent record {decision.consent_id} "
                    "on file covers this platform and content type.",
                    span=span,
                    entity=entity,
                    citation=f"{AUTHORIZATION}; consent {decision.consent_id}",
                )
                continue
            first = first or span
            if entity is Entity.PERSON and not KIN_BEFORE.search(text.text, 0, decision.detection.start):
                unconsented_patient = True
            yield self.finding(
                IDENTIFIER,
                f"This is {DESCRIPTION[entity]} of a patient or a patient's relative, a HIPAA "
                f"identifier (Safe Harbor ({letter})), and no valid consent on file covers it.",
                span=span,
                entity=entity,
                citation=f"{SAFE_HARBOR}({letter})",
                suggestion="Remove or generalise it, or attach a signed patient authorization to the "
                "consent records and reference it.",
            )
        if first is not None and (unconsented_patient or not consented_story):
            # An identifier is PHI only once context ties it to care here, so the same text
            # confirms that the person is (or was) a patient: one finding, on the first identifier.
            # Not in a story a patient consented to whose other identifiers are only of family
            # introduced as such ("Her husband, Arthur, ..."): no one else's care is disclosed.
            yield self.finding(
                PATIENT_STATUS,
                "This text identifies a patient or a patient's relative alongside their care, which "
                "discloses that they are a patient.",
                span=first,
                suggestion="Remove the identifier or the care details, or reference the patient's signed "
                "authorization in the consent records.",
            )
