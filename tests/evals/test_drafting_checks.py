"""The drafting suite's per-draft measures and its metrics, on hand-made inputs (no models)."""

from __future__ import annotations

import pytest

from evals.metrics.bootstrap import Resampler
from evals.metrics.drafting import drafting_metrics
from evals.report.model import DraftRow, FoundSpan
from evals.runner import draft_checks as dc

SOURCES = dc.IdentifierSources(
    [
        "Call Larkspur Valley Health at (555) 010-2200 or visit https://larkspurvalleyhealth.example/flu",
        "Dr. Maya Chen leads cardiology at the Brightwater Clinic, 12 Harbor Road.",
    ]
)


@pytest.mark.parametrize(
    ("surface", "known"),
    [
        ("Dr. Maya Chen", True),
        ("maya  chen", True),  # case and spacing do not matter
        ("555-010-2200", True),  # digits match whatever the punctuation
        ("larkspurvalleyhealth.example/flu", True),
        ("https://www.larkspurvalleyhealth.example/flu/", True),
        ("12 Harbor Road", True),
        ("Maria Lopez", False),
        ("555-867-5309", False),
        ("https://tinyurl.example/x9", False),
        ("MRN 4471829", False),
    ],
)
def test_identifier_sources(surface: str, known: bool) -> None:
    assert SOURCES.knows(surface) is known


def test_invented_lists_only_unknown_spans_and_brief_text_counts_as_a_source() -> None:
    text = "Meet Dr. Maya Chen and Jo Park at 12 Harbor Road."
    spans = [("PERSON", 5, 18), ("PERSON", 23, 30), ("LOCATION", 34, 48)]
    assert dc.invented(text, spans, SOURCES) == [FoundSpan(entity="PERSON", start=23, end=30)]
    with_brief = SOURCES.with_texts(["Staff spotlight: Jo Park, our new nurse manager"])
    assert dc.invented(text, spans, with_brief) == []
    assert SOURCES.knows("Jo Park") is False  # the merged sources are a new object


def test_missing_disclaimers_accepts_any_approved_wording() -> None:
    required = [
        ("medical", ("This post is not medical advice.", "Not medical advice.", "")),
        ("ad", ("Paid partnership with Larkspur Valley Health.", "#ad", "")),
        ("emergency", ("In an emergency, call 911.", "", "")),
        ("rx", ("See full PI at the link.", "", "See full PI via the link in bio.")),
    ]
    text = "Flu shots are here. THIS POST IS NOT  MEDICAL ADVICE. #ad See full PI via the link in bio."
    assert dc.missing_disclaimers(text, required) == ["emergency"]


def test_a_disclaimer_a_cited_template_covers_is_not_missing() -> None:
    required = [("privacy", ("Please don't share health details here.", "", ""))]
    text = "We protect everyone's privacy; please call Patient Relations."
    assert dc.missing_disclaimers(text, required) == ["privacy"]
    assert dc.missing_disclaimers(text, required, covered={"privacy"}) == []


@pytest.mark.parametrize(
    ("message", "text", "covered"),
    [
        (
            "Free flu shots on Saturdays at the Brightwater Clinic",
            "Saturdays: free flu shots, Brightwater Clinic!",
            True,
        ),
        ("Free flu shots on Saturdays at the Brightwater Clinic", "Get your flu shot this fall.", False),
        (
            "Flu shots are for everyone 6 months and older",
            "Everyone 6 months and older needs a flu shot",
            True,
        ),
        ("the and of", "anything", True),  # nothing but stop words: nothing to miss
    ],
)
def test_key_message_coverage(message: str, text: str, covered: bool) -> None:
    assert dc.covered(message, text) is covered


def test_within_limits_reads_the_platform_limit_rules_only() -> None:
    assert dc.within_limits(["phi.identifier", "platform.link_in_caption"])
    assert not dc.within_limits(["platform.too_long"])
    assert not dc.within_limits(["platform.too_many_hashtags"])


def _row(case_id: str, platform: str, **kw: object) -> DraftRow:
    base: dict[str, object] = {
        "case_id": case_id,
        "platform": platform,
        "status": "needs_review",
        "passed": True,
        "within_limits": True,
    }
    base.update(kw)
    return DraftRow.model_validate(base)


def test_drafting_metrics_per_platform_with_cases_behind_each_shortfall() -> None:
    rows = [
        _row("b1", "x", key_messages=2, key_messages_covered=1, latency_ms=10.0),
        _row("b1", "facebook", status="blocked", passed=False, rules=["phi.identifier"], latency_ms=30.0),
        _row(
            "b2",
            "x",
            invented=[FoundSpan(entity="PHONE", start=0, end=12)],
            disclaimers_required=["d1"],
            disclaimers_missing=["d1"],
            within_limits=False,
            passed=False,
            latency_ms=20.0,
        ),
        _row("b3", "facebook", status="error", error="ModelOutputError", passed=False, within_limits=None),
        _row("b4", "x", status="refused", passed=False, within_limits=None),
    ]
    metrics = drafting_metrics(
        ["b1", "b2", "b3", "b4"], rows, Resampler(4, samples=200, seed=1, confidence=0.95)
    )
    assert metrics["guardrail_pass_rate"].value == 0.25  # 1 of 4 drafted (the refusal is not a draft)
    assert metrics["guardrail_pass_rate"].cases == ["b1/facebook", "b2/x", "b3/facebook"]
    assert metrics["blocked_rate"].value == 0.5  # blocked, and the draft that could not be made
    assert metrics["blocked_rate"].better == "lower"
    assert metrics["error_rate"].cases == ["b3/facebook"]
    assert metrics["platform_limit_adherence"].value == pytest.approx(2 / 3)  # of drafts with text
    assert metrics["invented_identifier_rate"].cases == ["b2/x"]
    assert metrics["disclaimer_presence"].value == 0.0
    assert metrics["disclaimer_presence"].support == 1
    assert metrics["key_message_coverage"].value == 0.5
    assert metrics["x.guardrail_pass_rate"].value == 0.5
    assert metrics["facebook.guardrail_pass_rate"].value == 0.0
    assert "facebook.key_message_coverage" not in metrics  # no key messages there: no figure
    assert metrics["refused_briefs"].cases == ["b4"]
    assert metrics["drafts"].value == 4
    assert "cost_usd" not in metrics  # no draft was priced
    low, high = metrics["guardrail_pass_rate"].ci_low, metrics["guardrail_pass_rate"].ci_high
    assert low is not None
    assert high is not None
    assert 0.0 <= low <= 0.25 <= high <= 1.0


def test_cost_is_left_out_when_any_draft_is_unpriced() -> None:
    rows = [_row("b1", "x", cost_usd=0.5), _row("b2", "x", cost_usd=None)]
    metrics = drafting_metrics(["b1", "b2"], rows, Resampler(2, samples=0, seed=1, confidence=0.95))
    assert "cost_usd" not in metrics
    priced = drafting_metrics(
        ["b1", "b2"],
        [_row("b1", "x", cost_usd=0.5), _row("b2", "x", cost_usd=0.25)],
        Resampler(2, samples=0, seed=1, confidence=0.95),
    )
    assert priced["cost_usd"].value == 0.75
