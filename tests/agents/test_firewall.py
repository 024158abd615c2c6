"""The PHI firewall: what a model that is not phi_safe receives, and what comes back."""

from __future__ import annotations

import json
from datetime import date

import pytest

from agents.brief import Brief
from agents.chat import ChatMessage
from agents.firewall import PhiFirewall
from agents.orchestrator import Orchestrator
from agents.testing import CallInfo, FunctionChatModel
from guardrails.context import Consent, ContentType, Platform
from guardrails.redact import Redactor
from knowledge.retrieval import KnowledgeBase
from tests.agents.conftest import ORG, TODAY

# Synthetic identifiers only.
PATIENT_IDENTIFIERS = [
    "Maria Lopez",
    "4455-2219",
    "maria.lopez@example.com",
    "(503) 555-0142",
    "March 3, 2026",
]
STAFF = ["Maya Chen", "Elena Vasquez"]

PHI_BRIEF = Brief.model_validate(
    {
        "id": "firewall-1",
        "topic": "Thank our heart team for caring for Maria Lopez",
        "platforms": ["facebook", "x"],
        "key_messages": [
            "Dr. Maya Chen and Elena Vasquez, MD, led the care of our patient Maria Lopez, MRN 4455-2219",
            "Maria Lopez was admitted on March 3, 2026 and can be reached at maria.lopez@example.com or (503) 555-0142",
        ],
        "call_to_action": "Meet our heart team",
        "links": ["https://larkspurvalleyhealth.example/heart"],
        "topics": ["heart"],
        "consent_ids": ["consent-maria"],
    }
)


@pytest.fixture
def firewall(redactor: Redactor, pack_kb: KnowledgeBase) -> PhiFirewall:
    return PhiFirewall(redactor, pack_kb.facts(ORG, on=TODAY))


def test_patient_identifiers_are_masked_and_staff_and_org_facts_stay(firewall: PhiFirewall) -> None:
    masked = firewall.mask_fields(PHI_BRIEF.free_text_fields())
    joined = "\n".join(masked.values())
    for value in PATIENT_IDENTIFIERS:
        assert value not in joined
    for name in STAFF:
        assert name in joined
    assert "[PERSON_1]" in masked["topic"]
    # the same person gets the same placeholder in every field
    assert masked["key_messages.1"].startswith("[PERSON_1] was admitted")
    stats = firewall.stats()
    assert stats["PERSON"] == 3
    assert set(stats) >= {"PERSON", "EMAIL", "PHONE", "DATE"}
    assert not any(value in json.dumps(stats) for value in PATIENT_IDENTIFIERS)


def test_org_facts_and_event_dates_without_a_person_pass(firewall: PhiFirewall) -> None:
    text = "Free flu shots on Saturday, October 10 at the Brightwater Clinic, 415 Harbor Street. Call (541) 555-0142."
    assert firewall.mask(text) == text
    assert firewall.stats() == {}


def test_a_review_is_masked_without_exceptions(firewall: PhiFirewall) -> None:
    masked = firewall.mask_fields({"reply_to.text": "Seen on May 2 for my stroke. - Jo Smith"})
    assert "May 2" not in masked["reply_to.text"]
    assert "Jo Smith" not in masked["reply_to.text"]


@pytest.mark.parametrize(
    ("consent", "platform", "restored"),
    [
        (Consent(id="c", subject_hint="Maria L.", scope=["facebook"]), Platform.FACEBOOK, True),
        (Consent(id="c", subject_hint="Maria L.", scope=["facebook"]), Platform.X, False),
        (Consent(id="c", subject_hint="Maria L.", expires=date(2026, 1, 1)), Platform.FACEBOOK, False),
        (Consent(id="c", subject_hint="Maria L.", revoked=True), Platform.FACEBOOK, False),
        (Consent(id="c", subject_hint="Dana K."), Platform.FACEBOOK, False),
    ],
)
def test_placeholders_return_only_with_a_covering_consent(
    firewall: PhiFirewall, consent: Consent, platform: Platform, restored: bool
) -> None:
    masked = firewall.mask("So proud of Maria Lopez, admitted March 3, 2026.")
    out = firewall.restore(masked, [consent], platform=platform, content_type=ContentType.POST, on=TODAY)
    assert ("Maria Lopez" in out and "March 3, 2026" in out) is restored
    assert ("[PERSON_1]" in out) is not restored


def test_a_model_receives_no_patient_identifier_but_staff_names_pass(orchestrator: Orchestrator) -> None:
    """End to end through the llm engine with a capturing fake provider."""

    def answer(messages: list[ChatMessage], info: CallInfo) -> str:
        return json.dumps(
            {"text": "Thank you to our heart team. [PERSON_1]", "alt_texts": [], "citations": []}
        )

    model = FunctionChatModel(answer)
    llm = Orchestrator(
        orchestrator.kb, orchestrator.checker, orchestrator.redactor, chat_model=model, today=lambda: TODAY
    )
    result = llm.draft(ORG, PHI_BRIEF, engine="llm")
    sent = model.sent_text()
    assert model.calls
    for value in PATIENT_IDENTIFIERS:
        assert value not in sent
    for name in STAFF:
        assert name in sent
    assert result.masked["PERSON"] >= 3
    # no consent record given: the placeholder stays and blocks the draft
    assert all(d.status.value == "blocked" for d in result.drafts)
    assert all(any(f.rule_id == "agents.masked_detail" for f in d.findings) for d in result.drafts)


def test_consent_restores_the_name_in_the_draft(orchestrator: Orchestrator) -> None:
    model = FunctionChatModel(
        lambda m, i: json.dumps({"text": "Thank you, [PERSON_1]!", "alt_texts": [], "citations": []})
    )
    llm = Orchestrator(
        orchestrator.kb,
        orchestrator.checker,
        orchestrator.redactor,
        chat_model=model,
        today=lambda: TODAY,
        max_rounds=0,
    )
    consent = Consent(id="consent-maria", subject_hint="Maria L.", scope=["facebook", "x", "post"])
    result = llm.draft(ORG, PHI_BRIEF, engine="llm", consents=[consent])
    assert all("Maria Lopez" in d.text for d in result.drafts)
    assert "Maria Lopez" not in model.sent_text()


def test_a_phi_safe_model_sees_the_brief_unmasked(orchestrator: Orchestrator) -> None:
    model = FunctionChatModel(
        lambda m, i: json.dumps({"text": "Thanks to our heart team.", "alt_texts": [], "citations": []}),
        phi_safe=True,
    )
    llm = Orchestrator(
        orchestrator.kb, orchestrator.checker, None, chat_model=model, today=lambda: TODAY, max_rounds=0
    )
    result = llm.draft(ORG, PHI_BRIEF, engine="llm")
    assert "Maria Lopez" in model.sent_text()
    assert result.masked == {}
