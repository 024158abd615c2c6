from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guardrails.config import ConfigError
from guardrails.context import CheckContext
from guardrails.findings import Category, Severity
from guardrails.registry import RuleFamily
from guardrails.rules.provenance import ProvenanceFamily, canonical_link
from tests.guardrails.helpers import make_family, run_family, spans_of

ORG: dict[str, Any] = {
    "names": ["Larkspur Valley Health", "Larkspur Valley Health Brightwater Clinic"],
    "locations": [
        {
            "name": "Brightwater Clinic",
            "address": "410 Shore Rd, Brightwater, OR 97990",
            "phone": "(541) 555-0100",
        }
    ],
    "websites": ["https://larkspurvalleyhealth.example", "https://larkspurvalleyhealth.example/flu"],
    "handles": ["@LarkspurValleyHealth"],
    "staff": [{"name": "Maya Larkin", "credentials": "MD", "role": "Cardiologist"}],
}
PRODUCTS = [
    {"id": "cardelta", "brand_name": "Cardelta", "pi_url": "https://cardelta.example/prescribing-information"}
]
PROVIDED = {
    "links": ["https://larkspurvalleyhealth.example/stroke", "https://www.fda.gov/medwatch"],
    "texts": [
        "Free flu shots on Saturday, October 4 at the Brightwater Clinic",
        "Call 1-800-FDA-1088",
        "Your records are protected under 45 CFR Part 164.",
    ],
}
CONTEXT: dict[str, Any] = {"organisation": ORG, "products": PRODUCTS, "provided": PROVIDED}


@pytest.fixture(scope="module")
def family() -> RuleFamily:
    return make_family(ProvenanceFamily)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # links: brief, website, its home page, PI link, scheme and trailing slash ignored
        ("Details: https://larkspurvalleyhealth.example/stroke.", []),
        ("Details: larkspurvalleyhealth.example/flu/", []),
        ("Visit https://larkspurvalleyhealth.example today", []),
        ("Report side effects at https://www.fda.gov/medwatch", []),
        ("Full PI: https://cardelta.example/prescribing-information", []),
        # links made up: a plausible path on our domain, `www.` added, other sites, a stub
        (
            "Details: https://larkspurvalleyhealth.example/stroke-center",
            [("provenance.unknown_link", "https://larkspurvalleyhealth.example/stroke-center")],
        ),
        (
            "See https://www.larkspurvalleyhealth.example/flu",
            [("provenance.unknown_link", "https://www.larkspurvalleyhealth.example/flu")],
        ),
        (
            "Follow https://www.facebook.com/larkspur_health!",
            [("provenance.unknown_link", "https://www.facebook.com/larkspur_health")],
        ),
        ("More at cdc.gov/heartsbeat soon", [("provenance.unknown_link", "cdc.gov/heartsbeat")]),
        # phones: ours in any format, the brief's, and made-up ones
        ("Call 541-555-0100 to book.", []),
        ("Call 555-0100 to book.", []),
        ("Questions? 1-800-FDA-1088", []),
        ("Call (541) 555-0199 to book.", [("provenance.unknown_phone", "(541) 555-0199")]),
        # codes: made-up ids; years, ranges and counts are numbers, not codes
        (
            "Ref furthermore_1234567890 applies",
            [("provenance.unknown_id", "furthermore_1234567890")],
        ),
        ("Case 48213977 closed", [("provenance.unknown_id", "48213977")]),
        ("The 2025-2026 formula, 10000 steps, COVID-19 and A1C", []),
        # dates: the brief's in any order or format, and a new one
        ("See you on October 4th!", []),
        ("See you on 4 October!", []),
        ("See you on October 10th!", [("provenance.unknown_date", "October 10th")]),
        ("Clinics on 11/14/2026 only", [("provenance.unknown_date", "11/14/2026")]),
        ("Half of adults, 1/3 of kids and 24/7 care", []),
        ("Clinics open 2026-10-04", []),
        ("Awareness month, 2017-04-30: join us", [("provenance.unknown_date", "2017-04-30")]),
        ("Updated 2018-6-4", [("provenance.unknown_date", "2018-6-4")]),
        # near-miss names of the organisation or its places; real words and known names pass
        ("Join the LarkiRise Foundation walk", [("provenance.unknown_name", "LarkiRise")]),
        ("Brought to you by LarkssurfHealth", [("provenance.unknown_name", "LarkssurfHealth")]),
        ("Langerskruff neighbours welcome", [("provenance.unknown_name", "Langerskruff")]),
        ("Walk-ins in Brightwatter too", [("provenance.unknown_name", "Brightwatter")]),
        (
            "Larkspur Valley Health and Dr. Larkin at Brightwater #LarkspurCares #FluShot",
            [],
        ),
        ("Larkspurs bloom in June near Lakeview", []),
        # citations: the brief's in any spelling, laws commonly named, and made-up ones
        ("Protected under 45 C.F.R. Part 164, as HIPAA requires.", []),
        ("The Health Insurance Portability and Accountability Act protects you.", []),
        (
            "Laws: 2019 USPPA (Public Policy in the United States Act of 2019) 45 CFR Part 3.",
            [
                ("provenance.unknown_citation", "Public Policy in the United States Act of 2019"),
                ("provenance.unknown_citation", "45 CFR Part 3"),
            ],
        ),
        ("See 42 U.S.C. § 1320d-6.", [("provenance.unknown_citation", "42 U.S.C. § 1320d-6")]),
        ("Please Act Now and book your flu shot!", []),
    ],
)
def test_provenance_table(family: RuleFamily, text: str, expected: list[tuple[str, str]]) -> None:
    findings = run_family(family, text, context=CONTEXT)
    assert sorted(zip((f.rule_id for f in findings), spans_of(findings, text), strict=True)) == sorted(
        expected
    )
    assert all(f.category is Category.BRAND and f.severity is Severity.WARN for f in findings)


def test_text_a_person_wrote_is_not_checked(family: RuleFamily) -> None:
    # Without `provided` there is no brief to compare with: the author knows their own links.
    text = "Details at https://larkspurvalleyhealth.example/stroke-center or 555-0199 on October 10th"
    assert run_family(family, text, context={"organisation": ORG}) == []
    assert run_family(family, text, context=CONTEXT) != []


def test_messages_never_quote_the_text(family: RuleFamily) -> None:
    text = "Ref furthermore_1234567890 at https://x.example/abc with LarkiRise"
    findings = run_family(family, text, context=CONTEXT)
    assert len(findings) == 3
    for finding in findings:
        assert "furthermore" not in finding.message
        assert "x.example" not in finding.message
        assert "LarkiRise" not in finding.message


def test_severity_comes_from_configuration() -> None:
    family = make_family(ProvenanceFamily, rules={"provenance.unknown_link": {"severity": "block"}})
    findings = run_family(family, "https://larkspurvalleyhealth.example/x", context=CONTEXT)
    assert [f.severity for f in findings] == [Severity.BLOCK]


def test_canonical_link_keeps_www_and_path() -> None:
    assert canonical_link("HTTPS://Example.ORG/A/") == "example.org/A"
    assert canonical_link("https://www.example.org/a),") == "www.example.org/a"


@pytest.mark.parametrize(
    "body",
    [
        "version: 1\nbare_domain_tlds: []\n",
        "version: 2\n",
        "not: [a, mapping",
    ],
)
def test_bad_lexicon_refuses_to_start(tmp_path: Path, body: str) -> None:
    path = tmp_path / "provenance.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(ProvenanceFamily, lexicon_file=str(path))


def test_known_facts_are_built_once_per_distinct_context(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fresh family: the module's shared one has cached CONTEXT already.
    family = make_family(ProvenanceFamily)
    assert isinstance(family, ProvenanceFamily)
    built: list[CheckContext] = []
    build = family._build_known

    def counting(ctx: CheckContext) -> Any:
        built.append(ctx)
        return build(ctx)

    monkeypatch.setattr(family, "_build_known", counting)
    text = "Details: https://larkspurvalleyhealth.example/stroke-center"
    first = run_family(family, text, context=CONTEXT)
    # Same facts on another platform (a brief's next draft): the cached facts are reused.
    assert run_family(family, text, platform="x", context=CONTEXT) == first
    assert len(built) == 1
    # The brief now gives that link: different facts are built anew, never served from the cache.
    given = {**CONTEXT, "provided": {**PROVIDED, "links": [*PROVIDED["links"], text.split()[-1]]}}
    assert run_family(family, text, context=given) == []
    assert len(built) == 2
    # And the first facts still report it.
    assert run_family(family, text, context=CONTEXT) == first != []
    assert len(built) == 2


def test_known_facts_follow_the_organisation_not_only_the_brief() -> None:
    family = make_family(ProvenanceFamily)
    text = "Call (541) 555-0199 to book."
    assert [f.rule_id for f in run_family(family, text, context=CONTEXT)] == ["provenance.unknown_phone"]
    moved = {**ORG, "locations": [{**ORG["locations"][0], "phone": "(541) 555-0199"}]}
    assert run_family(family, text, context={**CONTEXT, "organisation": moved}) == []
