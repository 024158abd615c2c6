"""fair_balance: benefit claims need risk information and a link; brands need established names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guardrails.config import ConfigError
from guardrails.rules.fair_balance import FairBalanceFamily
from tests.guardrails.helpers import make_family, run_family, spans_of

ZOLVANT: dict[str, Any] = {
    "id": "zolvant",
    "brand_name": "ZOLVANT",
    "established_name": "pemitrazine",
    "kind": "drug",
    "indications": ["For the treatment of moderate to severe plaque psoriasis in adults."],
    "limitations": ["Not studied in patients under 18 years of age."],
    "risk_statement": "ZOLVANT can cause serious infections and liver injury. Tell your doctor if you have hepatitis.",
    "short_risk_statement": "ZOLVANT may cause serious infections and liver problems.",
    "pi_url": "https://zolvant.example/pi",
}
HEMAVEX: dict[str, Any] = {
    "id": "hemavex",
    "brand_name": "HEMAVEX",
    "established_name": "dorabaxan",
    "kind": "drug",
    "indications": ["To reduce the risk of stroke in adults with atrial fibrillation."],
    "boxed_warning": True,
    "risk_statement": "HEMAVEX can cause serious, possibly fatal bleeding.",
    "short_risk_statement": "HEMAVEX can cause serious, possibly fatal bleeding. See Boxed Warning.",
    "pi_url": "https://hemavex.example/pi",
}
PULSEBAND: dict[str, Any] = {
    "id": "pulseband",
    "brand_name": "PulseBand Monitor",
    "established_name": "wearable ECG recorder",
    "kind": "device",
    "indications": ["Records heart rhythm for up to 7 days in adults with palpitations."],
    "short_risk_statement": "May cause skin irritation. Not for emergencies.",
    "pi_url": "https://pulseband.example/ifu",
}
CONTEXT = {"products": [ZOLVANT, HEMAVEX, PULSEBAND]}


@pytest.fixture(scope="module")
def family() -> FairBalanceFamily:
    built = make_family(FairBalanceFamily)
    assert isinstance(built, FairBalanceFamily)
    return built


def rules(family: FairBalanceFamily, text: str, context: dict[str, Any] | None = None) -> list[str]:
    return sorted(f.rule_id for f in run_family(family, text, context=context or CONTEXT))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # benefit claim, no risk at all
        ("ZOLVANT (pemitrazine) helps clear plaque psoriasis in adults.", ["fair_balance.missing_risk"]),
        # a link alone is not risk information (Diclegis 2015)
        (
            "ZOLVANT (pemitrazine) helps clear plaque psoriasis. Full info: https://zolvant.example/pi",
            ["fair_balance.missing_risk"],
        ),
        # risk statement but no link to the full risk information
        (
            "ZOLVANT (pemitrazine) helps clear plaque psoriasis. It may cause serious infections.",
            ["fair_balance.missing_risk_link"],
        ),
        # brand without its established name, claim and risks otherwise complete
        (
            "ZOLVANT helps clear plaque psoriasis. Serious side effects include infections. zolvant.example/pi",
            ["fair_balance.established_name"],
        ),
        # the benefit in the next sentence is still about the product
        (
            "Meet ZOLVANT (pemitrazine). Clearer skin in 12 weeks for many adults.",
            ["fair_balance.missing_risk"],
        ),
        # an indication is a claim too: not a reminder post
        ("ZOLVANT (pemitrazine) for moderate to severe plaque psoriasis.", ["fair_balance.missing_risk"]),
        # boxed-warning product: even a name-only reminder needs risks
        ("HEMAVEX (dorabaxan) is now available at our pharmacy.", ["fair_balance.boxed_warning_reminder"]),
        # procedures and brands recognised without product facts
        ("Say goodbye to stubborn fat with CoolSculpting®. Book today!", ["fair_balance.missing_risk"]),
        ("Our laser hair removal packages mean smoother skin all summer.", ["fair_balance.missing_risk"]),
        ("Here's her before-and-after from her chemical peel.", ["fair_balance.missing_risk"]),
        # the claims family's red flags are benefit claims too, the boldest kind
        (
            "Tired of rosacea? Our laser treatment wipes it out for good, guaranteed.",
            ["fair_balance.missing_risk"],
        ),
        (
            "Our hip replacement success rate is 98%.",
            ["fair_balance.missing_risk"],
        ),
        (
            "Botox smooths frown lines in minutes.",
            ["fair_balance.established_name", "fair_balance.missing_risk"],
        ),
        ("Ask about semaglutide: patients lose up to 15% of their weight.", ["fair_balance.missing_risk"]),
        # a device needs its risks too
        (
            "The PulseBand Monitor helps your doctor find the cause of palpitations.",
            ["fair_balance.missing_risk"],
        ),
        # a hashtag names the product too
        (
            "I felt so much better after taking #ZOLVANT and it worked!",
            ["fair_balance.established_name", "fair_balance.missing_risk"],
        ),
        # comfort promises and durations are benefits
        ("Painless lip filler? Yes! Book with Jess today.", ["fair_balance.missing_risk"]),
        ("Lip volume that lasted up to 12 months: lip fillers are here!", ["fair_balance.missing_risk"]),
        # a drug stem with no product facts, and a weight-loss result
        (
            "Now offering pemaglutide injections. Patients lost an average of 15% of their weight.",
            ["fair_balance.missing_risk"],
        ),
        # procedures and benefits in wordings beyond the classic list
        (
            "Our minimally invasive spine surgery gets most people home in days.",
            ["fair_balance.missing_risk"],
        ),
        ("IV vitamin drips that leave you refreshed and energised.", ["fair_balance.missing_risk"]),
        ("Cure your rosacea in three sessions with our vascular laser.", ["fair_balance.missing_risk"]),
        (
            "Our spinal decompression fixes the problem at the source, permanently.",
            ["fair_balance.missing_risk"],
        ),
        ("Our PRP hair restoration has reversed thinning for our clients.", ["fair_balance.missing_risk"]),
        ("The PulseBand Monitor flags irregular rhythms on your phone.", ["fair_balance.missing_risk"]),
        ("My lips have never looked better after my lip filler!", ["fair_balance.missing_risk"]),
        ("Nitrous oxide helps nervous patients relax during a filling.", ["fair_balance.missing_risk"]),
        ("Our IV migraine cocktail gets you feeling better in under an hour.", ["fair_balance.missing_risk"]),
        ("Spider veins gone for good with our laser vein treatment.", ["fair_balance.missing_risk"]),
        ("A year after her hip replacement she ran her first 10K!", ["fair_balance.missing_risk"]),
        ("Our lens implant gives you sharp vision without glasses.", ["fair_balance.missing_risk"]),
        (
            "Endometrial ablation takes just 5 minutes and means lighter periods.",
            ["fair_balance.missing_risk"],
        ),
        ("Dry needling speeds healing of stubborn muscle pain.", ["fair_balance.missing_risk"]),
        ("Three weeks after her lip refresh: soft, hydrated and glowing.", ["fair_balance.missing_risk"]),
        ("Our rotator cuff repair restores your strength for the court.", ["fair_balance.missing_risk"]),
        ("Allergy shots are a permanent cure for hay fever.", ["fair_balance.missing_risk"]),
        (
            "Our proton therapy targets tumors with pinpoint precision and zero damage.",
            ["fair_balance.missing_risk"],
        ),
        (
            "Home dialysis is better than in-center dialysis: more freedom, zero risks.",
            ["fair_balance.missing_risk"],
        ),
        # unicode: a look-alike letter in the brand does not hide it
        ("ZОLVANT (pemitrazine) helps clear plaque psoriasis.", ["fair_balance.missing_risk"]),
    ],
)
def test_positives(family: FairBalanceFamily, text: str, expected: list[str]) -> None:
    assert rules(family, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # complete: established name, claim, risk, link
        "ZOLVANT (pemitrazine) helps clear plaque psoriasis. ZOLVANT may cause serious infections and "
        "liver problems. See https://zolvant.example/pi",
        # reminder post for a product without a boxed warning
        "ZOLVANT (pemitrazine) is now stocked at every Northside pharmacy.",
        # boxed-warning reminder that carries its risk and link
        "HEMAVEX (dorabaxan) is in stock. HEMAVEX can cause serious, possibly fatal bleeding. "
        "See Boxed Warning: https://hemavex.example/pi",
        # unbranded public-health education about a class
        "Flu vaccines lower your risk of getting sick. Get yours this month.",
        "Statins lower cholesterol; ask your doctor whether one is right for you.",
        # no product at all
        "Our new cardiology wing opens Monday with extended hours.",
        "Ask about our dental cleanings this spring.",
        # a device with its risk statement and instructions link
        "The PulseBand Monitor records your heart rhythm for 7 days. May cause skin irritation; not for "
        "emergencies. pulseband.example/ifu",
        # a question answered with a no promises nothing; its risk sentence is not promotion either
        "Is teeth whitening painless? Not always. Some people have temporary sensitivity.",
        # research news: the use is disclosed as not approved
        "We completed enrollment in a Phase 3 study of pemitrazine in eczema. Pemitrazine is not approved "
        "for this use.",
        # a procedure offered with no benefit stated
        "We're now offering microneedling! Book a consult to talk about whether it's a good fit for you.",
        # adverse-event words used as a benefit are not risk info, but here nothing is promoted
        "Ice and rest reduce swelling after a sprain.",
    ],
)
def test_negatives(family: FairBalanceFamily, text: str) -> None:
    assert rules(family, text) == []


def test_benefit_wording_around_adverse_words_is_not_risk(family: FairBalanceFamily) -> None:
    text = "ZOLVANT (pemitrazine) reduces itching and redness. zolvant.example/pi"
    assert rules(family, text) == ["fair_balance.missing_risk"]


def test_finding_points_at_the_product_and_never_quotes_the_text(family: FairBalanceFamily) -> None:
    text = "Results you'll love: ZOLVANT (pemitrazine) helps clear plaque psoriasis."
    findings = run_family(family, text, context=CONTEXT)
    assert spans_of(findings, text) == ["ZOLVANT"]
    finding = findings[0]
    assert "ZOLVANT" not in finding.message
    assert "psoriasis" not in finding.message
    # the suggestion is the approved copy from the product facts
    assert finding.suggestion is not None
    assert ZOLVANT["short_risk_statement"] in finding.suggestion
    assert ZOLVANT["pi_url"] in finding.suggestion


def test_span_maps_back_through_normalisation(family: FairBalanceFamily) -> None:
    text = "New!\u200b ZOLVANT\u2122 (pemitrazine) helps clear plaque psoriasis."
    findings = run_family(family, text, context=CONTEXT)
    assert [f.rule_id for f in findings] == ["fair_balance.missing_risk"]
    assert spans_of(findings, text)[0].startswith("ZOLVANT")


def test_review_replies_promote_only_the_organisations_products(family: FairBalanceFamily) -> None:
    reply = "Thank you for the review! We're thrilled your Botox results look so natural."
    assert run_family(family, reply, content_type="review_response") == []
    assert rules(family, reply) == ["fair_balance.established_name", "fair_balance.missing_risk"]
    own = "Thanks for asking! ZOLVANT (pemitrazine) helps clear plaque psoriasis."
    findings = run_family(family, own, content_type="review_response", context=CONTEXT)
    assert [f.rule_id for f in findings] == ["fair_balance.missing_risk"]


def test_replies_and_education_that_promote_nothing(family: FairBalanceFamily) -> None:
    def found(text: str, content_type: str) -> list[str]:
        return sorted(f.rule_id for f in run_family(family, text, context=CONTEXT, content_type=content_type))

    # a limit stated in answer to a question
    limit = "Thanks for asking! ZOLVANT (pemitrazine) is not for treating psoriasis of the scalp or nails."
    assert found(limit, "comment_reply") == []
    # a review reply about the reviewer's prescription: no reminder advertisement
    review = "We're sorry the prior authorization for your HEMAVEX prescription took a month. We'll call you Friday."
    assert found(review, "review_response") == []
    assert found("HEMAVEX is now in stock at our pharmacy.", "post") == [
        "fair_balance.boxed_warning_reminder",
        "fair_balance.established_name",
    ]
    # myth-busting about a kind of treatment is education
    myths = (
        "Filler myths, busted! Myth: filler is permanent. Fact: hyaluronic acid filler breaks down over time. "
        "Myth: there's no downtime. Fact: swelling and bruising are common for a few days."
    )
    assert found(myths, "post") == []
    assert found("Our filler gives you fuller lips that last!", "post")


def test_product_risk_statement_paraphrase_counts_as_risk(family: FairBalanceFamily) -> None:
    text = "HEMAVEX (dorabaxan) lowers stroke risk in AFib. Fatal bleeding possible. hemavex.example/pi"
    assert rules(family, text) == []


def test_established_name_paraphrase_is_accepted(family: FairBalanceFamily) -> None:
    text = "The PulseBand Monitor, a wearable ECG recorder, is here."
    assert rules(family, text) == []
    vaccine = {
        "products": [
            {
                "id": "v",
                "brand_name": "FLUSHIELD",
                "established_name": "Influenza Vaccine, quadrivalent",
                "kind": "vaccine",
            }
        ]
    }
    assert rules(family, "FLUSHIELD, a quadrivalent flu vaccine, is in stock.", vaccine) == []
    assert rules(family, "FLUSHIELD is in stock.", vaccine) == ["fair_balance.established_name"]


def test_known_brand_names_option(family: FairBalanceFamily) -> None:
    relaxed = make_family(FairBalanceFamily, check_known_brand_names=False)
    text = "Botox smooths frown lines. Risks include bruising and headache. lumen.example/botox-safety"
    assert rules(family, text) == ["fair_balance.established_name"]
    assert run_family(relaxed, text) == []
    # a brand known only from the lexicon, named without any claim, is not its advertising
    assert run_family(family, "Our pharmacists can answer your questions about Ozempic shortages.") == []


def test_unknown_option_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        make_family(FairBalanceFamily, no_such_option=True)


@pytest.mark.parametrize(
    ("content", "option"),
    [
        ("version: 1\nrisk: {}\n", "lexicon"),
        ("risk: [unclosed\n", "lexicon"),
        ("version: 1\nnames: {}\n", "products_lexicon"),
    ],
)
def test_bad_lexicon_refuses_to_start(tmp_path: Path, content: str, option: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    options: dict[str, Any] = {option: str(path)}
    with pytest.raises(ConfigError):
        make_family(FairBalanceFamily, **options)


def test_bad_regular_expression_refuses_to_start(tmp_path: Path) -> None:
    from guardrails.datafiles import read_data_text

    good = read_data_text("lexicons/fair_balance.yaml")
    path = tmp_path / "fair_balance.yaml"
    path.write_text(good.replace("'\\bside[- ]effects?\\b'", "'\\bside[- effects?\\b'"), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != good
    with pytest.raises(ConfigError):
        make_family(FairBalanceFamily, lexicon=str(path))


def test_a_pointer_to_the_boxed_warning_is_no_risk_information(family: FairBalanceFamily) -> None:
    text = (
        "ZOLVANT (pemitrazine) clears plaque psoriasis. For full Prescribing Information, "
        "including Boxed Warning, visit https://zolvant.example/pi"
    )
    assert rules(family, text) == ["fair_balance.missing_risk"]


def test_quoting_an_approved_claim_is_a_benefit_claim(family: FairBalanceFamily) -> None:
    context = {
        **CONTEXT,
        "approved_claims": [
            {"id": "pb-1", "product_id": "pulseband", "text": "Captures every heartbeat for a full week"}
        ],
    }
    text = "PulseBand Monitor (wearable ECG recorder) captures every heartbeat for a full week. pulseband.example/ifu"
    assert rules(family, text, context) == ["fair_balance.missing_risk"]
    assert rules(family, "PulseBand Monitor (wearable ECG recorder) is in stock.", context) == []
