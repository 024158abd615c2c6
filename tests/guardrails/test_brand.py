from __future__ import annotations

from typing import Any

import pytest

from guardrails.findings import Category, Severity
from guardrails.registry import RuleFamily
from guardrails.rules.brand import BrandFamily, term_pattern
from tests.guardrails.helpers import make_family, run_family, spans_of

ORG: dict[str, Any] = {
    "organisation": {
        "names": ["Riverbend Regional Medical Center", "Riverbend Regional"],
        "forbidden_names": ["Riverbend Community Hospital", "RCH", "St. Bridget's Hospital"],
        "banned_terms": ["world class", "cheap", "#1"],
        "preferred_terms": {
            "doctor": "physician",
            "ER": "Emergency Department",
            "Riverbend": "Riverbend Regional",
        },
    }
}


@pytest.fixture(scope="module")
def family() -> RuleFamily:
    return make_family(BrandFamily)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # forbidden (old) names, any case, possessive, look-alike letters
        (
            "Welcome to Riverbend Community Hospital!",
            [("brand.forbidden_name", "Riverbend Community Hospital")],
        ),
        (
            "riverbend community hospital's new wing",
            [("brand.forbidden_name", "riverbend community hospital")],
        ),
        (
            "Visit Riverbend  Community\nHospital today",
            [("brand.forbidden_name", "Riverbend  Community\nHospital")],
        ),
        ("At Rivеrbend Community Hospital", [("brand.forbidden_name", "Rivеrbend Community Hospital")]),
        ("The RCH team", [("brand.forbidden_name", "RCH")]),
        (
            "St. Bridget\u2019s Hospital blood drive",
            [("brand.forbidden_name", "St. Bridget\u2019s Hospital")],
        ),
        ("St. Bridget's Hospital blood drive", [("brand.forbidden_name", "St. Bridget's Hospital")]),
        ("St. Bridgets Hospital blood drive", []),
        # banned terms: whole words, hyphen or space, plural
        ("Our world-class team", [("brand.banned_term", "world-class")]),
        ("World Class care, every day", [("brand.banned_term", "World Class")]),
        ("Not cheap, just fair", [("brand.banned_term", "cheap")]),
        ("Our world\u2011class team", [("brand.banned_term", "world\u2011class")]),  # non-breaking hyphen
        ("Our world \u2013 class team", [("brand.banned_term", "world \u2013 class")]),
        ("We are #1 in town", [("brand.banned_term", "#1")]),
        # preferred terms, plural included
        ("Ask your doctor", [("brand.preferred_term", "doctor")]),
        ("Our doctors care", [("brand.preferred_term", "doctors")]),
        ("Go to the ER now", [("brand.preferred_term", "ER")]),
        # hard negatives: substrings, approved names, the preferred wording itself
        ("Cheapside Street parking; doctorate programmes; the ERA of care", []),
        ("Riverbend Regional Medical Center welcomes you", []),
        ("Riverbend Regional is hiring", []),
        ("Our physicians and the Emergency Department", []),
        ("RCHS and ARCH are other codes", []),
        ("We are #10 on the list", []),
    ],
)
def test_brand_terms(family: RuleFamily, text: str, expected: list[tuple[str, str]]) -> None:
    findings = run_family(family, text, context=ORG)
    assert [(f.rule_id, text[f.start : f.end]) for f in findings if f.start is not None] == expected
    assert all(f.category is Category.BRAND and f.severity is Severity.WARN for f in findings)


def test_preferred_term_outside_approved_name(family: RuleFamily) -> None:
    text = "Riverbend Regional and plain Riverbend"
    findings = run_family(family, text, context=ORG)
    assert spans_of(findings, text) == ["Riverbend"]
    assert findings[0].start == text.rindex("Riverbend")


def test_suggestions_name_the_approved_copy_but_messages_quote_nothing(family: RuleFamily) -> None:
    text = "Riverbend Community Hospital doctors are cheap"
    findings = {f.rule_id: f for f in run_family(family, text, context=ORG)}
    assert (
        findings["brand.forbidden_name"].suggestion
        == "Use the approved name: Riverbend Regional Medical Center."
    )
    assert findings["brand.preferred_term"].suggestion == "Use the preferred term: physician."
    for finding in findings.values():
        for word in ("Community", "doctor", "cheap"):
            assert word not in finding.message


def test_without_brand_facts_nothing_is_checked(family: RuleFamily) -> None:
    assert run_family(family, "Riverbend Community Hospital's world class doctors") == []


def test_forbidden_name_without_approved_names_has_no_suggestion(family: RuleFamily) -> None:
    findings = run_family(
        family, "Old Name Clinic", context={"organisation": {"forbidden_names": ["Old Name Clinic"]}}
    )
    assert [f.suggestion for f in findings] == [None]


def test_a_term_matched_twice_is_reported_once(family: RuleFamily) -> None:
    context = {"organisation": {"banned_terms": ["cheap", "Cheap"], "forbidden_names": ["cheap"]}}
    assert [f.rule_id for f in run_family(family, "cheap", context=context)] == ["brand.forbidden_name"]


@pytest.mark.parametrize("term", ["", "   ", "---", "- -"])
def test_terms_without_words_match_nothing(term: str) -> None:
    assert term_pattern(term) is None


def test_no_options() -> None:
    with pytest.raises(ValueError, match="extra"):
        make_family(BrandFamily, lexicon_file="x.yaml")


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("Crestview", "Crestview Clinic", ["Crestview"]),
        ("Crestview", "Visit\nCrestview today", ["Crestview"]),
        ("Crestview", "(crestview)", ["crestview"]),
        ("Crestview", "NewCrestview and Crestviews", ["Crestviews"]),
        ("Crestview", "Crestview_2", []),
        ("_internal", "an _internal memo", ["_internal"]),
        ("C", "C-section, ABC", ["C"]),
        ("#1", "our #1 pick, not a#1", ["#1"]),
    ],
)
def test_term_edges(term: str, text: str, found: list[str]) -> None:
    """Whole words only: the word-edge check runs after the first letter, so it is tested here."""
    pattern = term_pattern(term)
    assert pattern is not None
    assert [m.group() for m in pattern.finditer(text)] == found
