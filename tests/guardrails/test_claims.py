"""unsubstantiated_claim and off_label: red flags with their exceptions, approved claims, label limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guardrails.config import ConfigError
from guardrails.context import ProductFacts
from guardrails.rules.claims import UnsubstantiatedClaimFamily
from guardrails.rules.off_label import OffLabelFamily, label_ages
from tests.guardrails.helpers import make_family, run_family, spans_of

ZOLVANT: dict[str, Any] = {
    "id": "zolvant",
    "brand_name": "ZOLVANT",
    "established_name": "pemitrazine",
    "kind": "drug",
    "indications": ["For the treatment of moderate to severe plaque psoriasis in adults."],
    "limitations": ["Not studied in patients under 18 years of age.", "Not for use in the eyes or mouth."],
}
SENSA: dict[str, Any] = {
    "id": "sensa",
    "brand_name": "Sensa 7",
    "established_name": "continuous glucose monitoring system",
    "kind": "device",
    "indications": ["For the management of diabetes in persons age 2 years and older."],
    "limitations": ["Remove the sensor before an MRI.", "Not evaluated in people who are pregnant."],
}
SCREEN: dict[str, Any] = {
    "id": "screen",
    "brand_name": "Northside Lung Check",
    "established_name": "low-dose CT lung cancer screening",
    "kind": "procedure",
    "indications": ["Annual screening for lung cancer in adults aged 50 to 80 years with a smoking history."],
}
CLAIMS = [
    {
        "id": "z1",
        "product_id": "zolvant",
        "text": "ZOLVANT is a prescription medicine used to treat moderate to severe plaque psoriasis in adults.",
        "variations": ["ZOLVANT treats plaque psoriasis in adults"],
    },
    {
        "id": "z2",
        "product_id": "zolvant",
        "text": "In clinical trials, 4 in 10 adults using ZOLVANT had clear or almost clear skin at 16 weeks.",
    },
    {"id": "org", "text": "Northside Health is the region's only Level I trauma center.", "variations": []},
]
ALIGNA: dict[str, Any] = {
    "id": "aligna",
    "brand_name": "ALIGNA",
    "established_name": "clear orthodontic aligners",
    "kind": "device",
    "indications": ["For the alignment of teeth in patients with permanent dentition."],
}
CONTEXT: dict[str, Any] = {"products": [ZOLVANT, SENSA, SCREEN, ALIGNA], "approved_claims": CLAIMS}


def claims_lexicon_messages() -> set[str]:
    from guardrails.rules.claims import load_claims_lexicon

    return set(load_claims_lexicon().messages.values())


@pytest.fixture(scope="module")
def claims() -> UnsubstantiatedClaimFamily:
    built = make_family(UnsubstantiatedClaimFamily)
    assert isinstance(built, UnsubstantiatedClaimFamily)
    return built


@pytest.fixture(scope="module")
def off_label() -> OffLabelFamily:
    built = make_family(OffLabelFamily)
    assert isinstance(built, OffLabelFamily)
    return built


# -- red flags -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Our new therapy can cure your back pain for good.", "cure"),
        ("Feel 10 years younger with our IV vitamin drips.", "Feel 10 years younger"),
        ("Boost your immune system naturally with our detox program.", "Boost your immune system"),
        ("Guaranteed results or your money back!", "Guaranteed"),
        ("100% effective against cavities.", "100% effective"),
        ("Enjoy smooth skin with no side effects.", "no side effects"),
        ("A risk-free way to look younger.", "risk-free"),
        ("Visit the safest hospital in the state.", "safest"),
        ("Voted #1 med spa in Phoenix!", "Voted #1"),
        ("Our surgeons are the best in the state.", "best in the state"),
        ("Get painless laser treatments at our clinic.", "painless"),
        ("This miracle cream erases wrinkles.", "miracle cream"),
        ("Our program reverses diabetes in 12 weeks.", "reverses diabetes"),
        ("Enjoy permanent results after one visit.", "permanent results"),
        ("Our implants last better than dentures.", "better than"),
        ("Clinically proven to melt fat.", "Clinically proven"),
        ("Our injections eliminate wrinkles.", "eliminate wrinkles"),
        ("Our pediatricians never miss an ear infection.", "never miss"),
        ("TMS eliminates depression for good.", "eliminates depression for good"),
        (
            "Patients recover faster and with less pain than with traditional surgery.",
            "faster and with less pain than with traditional",
        ),
        ("Our surgeons have the lowest infection rates in the state.", "lowest infection rates"),
        ("Zero complications in 500 procedures!", "Zero complications"),
        ("No needles, no pain, just results.", "no pain"),
        ("One dose gives lifetime protection.", "lifetime protection"),
        ("Our sedation dentistry makes every visit 100% stress-free.", "100% stress-free"),
        ("It works while you sleep, with no increased risk to your baby.", "no increased risk"),
        ("The best dentist in Fenwick? We think so.", "The best dentist"),
        # absolutes in other wordings than the classic list
        ("This serum stops every breakout before it starts.", "stops every breakout"),
        ("Acupuncture works when nothing else does.", "when nothing else does"),
        ("Laser hair removal with no downtime.", "no downtime"),
        ("Bye to back pain forever with spinal decompression!", "Bye to back pain forever"),
        ("Try our miracle anti-aging serum today.", "miracle anti-aging serum"),
        ("Dr. Lee is the top hand surgeon in Ohio.", "the top hand surgeon"),
        ("Our hydration drip heals hangovers instantly.", "heals hangovers instantly"),
        ("Ridgeway Dental is the best practice in the county.", "the best practice"),
        ("Our radiologists get it right every time.", "get it right every time"),
        ("Nobody does shoulder rehab better than our team.", "Nobody does shoulder rehab better"),
        # a look-alike letter does not hide the word
        ("Guаranteed results!", "Guаranteed"),
        # superlatives placed in a region, comparisons with everyone else, absolute efficacy
        ("Our new birthing suites are the nicest in Spokane.", "the nicest in Spokane"),
        ("The friendliest front desk in town!", "The friendliest front desk in town"),
        ("Our implants last longer than any others.", "longer than any others"),
        ("Patients here are twice as likely to conceive as at other clinics.", "as at other clinics"),
        ("Three stretches that fixed my back pain in a week.", "fixed my back pain in a week"),
        ("Our laser facials erase acne scars completely.", "erase acne scars completely"),
        ("Our hearing aids restore hearing to normal.", "restore hearing to normal"),
        # claim structure: a universal quantifier over the people treated plus an outcome
        (
            "Every client who tries our peel leaves with brighter skin.",
            "Every client who tries our peel leaves with brighter skin",
        ),
        (
            "All of our hip patients are back on their bikes in a month.",
            "All of our hip patients are back on their bikes",
        ),
        (
            "Not one of our implant patients has had an infection.",
            "Not one of our implant patients has had an infection",
        ),
        (
            "Our program gets rid of cravings for every member who sticks with it.",
            "gets rid of cravings for every member who",
        ),
        # an outcome figure with no source
        ("87% of our patients report less pain after one visit.", "87% of our patients"),
        ("4 out of 5 clients notice firmer skin.", "4 out of 5 clients"),
        ("Our IVF success rate is 68%.", "success rate is 68%"),
        ("Members lose an average of 18 pounds.", "lose an average of 18"),
        # a comparison with a class of treatment, no comparator source
        ("Heals in half the time of conventional stitches.", "half the time of conventional"),
        (
            "Our aligners work three times as fast as traditional braces.",
            "three times as fast as traditional",
        ),
        # an unattributed vote, regrowth, toxins, a season without illness, wiping out
        ("Voted Albany's best pharmacy!", "Voted Albany's best"),
        ("PRP injections regrow damaged tendons.", "regrow damaged tendons"),
        ("Our foot detox pads draw out toxins while you sleep.", "draw out toxins"),
        ("Zinc lozenges keep sniffles away all season long.", "away all season long"),
        ("This cream wipes out psoriasis plaques.", "wipes out psoriasis"),
        ("95% client satisfaction on every facial.", "95% client satisfaction"),
        ("Anyone who follows our plan loses weight.", "Anyone who follows our plan loses"),
        ("These insoles work wonderfully for everyone.", "work wonderfully for everyone"),
        ("The county's premier spine team.", "The county's premier"),
        ("Unlike other dentists, we never cause pain.", "never cause pain"),
        ("Our knee injections give you relief that lasts for years.", "relief that lasts for years"),
        ("Our LASIK: 20/20 vision or your money back.", "or your money back"),
        ("Nobody does Botox like we do!", "Nobody does Botox like we do"),
        ("With our knee program, you'll never feel knee pain again.", "never feel knee pain again"),
        ("One adjustment and your headaches are history.", "headaches are history"),
        (
            "Our decompression fixes the problem at the source, permanently.",
            "fixes the problem at the source, permanently",
        ),
        ("Members lose weight faster with us than with any app.", "faster with us than with any"),
        ("Our cream stops eczema itch overnight.", "stops eczema itch overnight"),
        # said indirectly: no trigger word, a promise all the same
        ("Honestly, nobody in Mesa does frown lines better.", "nobody in Mesa does frown lines better"),
        ("Nobody beats our prices on generics.", "Nobody beats our"),
        ("Fairview's BEST chiropractor 3 years running!", "Fairview's BEST chiropractor"),
        ("Once you finish treatment, your teeth stay straight for life.", "teeth stay straight for life"),
        ("Hot flashes gone in a week with our new protocol.", "gone in a week"),
        ("Melt up to 10 lbs a week with our shots.", "Melt up to 10 lbs a week"),
        ("Bye-bye under-eye hollows!", "Bye-bye under-eye hollows"),
        ("Six weeks from now, your knee will feel brand new.", "will feel brand new"),
        ("Laser hair removal: six sessions and you'll never shave again.", "never shave again"),
        (
            "Kids who see us every six months don't get cavities.",
            "Kids who see us every six months don't get cavities",
        ),
        (
            "Our spine team gets people moving without surgery, and it works better than months of PT.",
            "works better than",
        ),
        (
            "Fun fact: we are the only dental office in the county open until 8 pm.",
            "the only dental office in",
        ),
        ("9 out of 10 dentists say kids who brush to a song miss fewer spots.", "9 out of 10 dentists say"),
        (
            "In 20 years, our oncologists have never lost a patient to early-stage colon cancer.",
            "never lost a patient",
        ),
        ("One dose and you're covered every season from here on out.", "from here on out"),
    ],
)
def test_red_flags(claims: UnsubstantiatedClaimFamily, text: str, span: str) -> None:
    findings = run_family(claims, text)
    assert [f.rule_id for f in findings] == ["unsubstantiated_claim.red_flag"]
    assert spans_of(findings, text) == [span]
    # a fixed message per kind of red flag: nothing of the checked text is copied into it
    assert findings[0].message in claims_lexicon_messages()


@pytest.mark.parametrize(
    "text",
    [
        # negations
        "There is no cure for the common cold, but rest and fluids help.",
        "Researchers are still working toward a cure for psoriasis.",
        "Voted Best Chiropractor in Alder Falls, Alder Falls Gazette Readers' Choice Awards 2026.",
        "I am sleeping better than I have in years.",
        "There is no risk of getting the flu from the flu shot.",
        "Boost your immunity this fall: get your flu shot at any clinic.",
        '"I look ten years younger!" says our client Dana.',
        "Antibiotics don't cure viral infections.",
        "Results are not guaranteed, and every patient is different.",
        # attendance, not a result
        "Congratulations to Ava, who never missed a session of our pulmonary rehab class!",
        "We can't guarantee a same-day appointment in flu season.",
        # myth-busting
        "Myth: vitamin C cures colds. Fact: it may shorten them slightly.",
        # attributed rankings with a source and year
        "Named a top 100 hospital by Example Ratings, 2025.",
        "Ranked #1 for heart care in Oregon by U.S. News & World Report, 2025-2026.",
        "No treatment is risk-free, so every visit starts with a consultation.",
        "No vaccine is 100% effective, but a flu shot lowers your chance of severe illness.",
        # a question answered with a no
        "Is teeth whitening painless? Not always. Some people feel sensitivity.",
        # a ranking attributed with the year first
        "We were voted Best Dentist in the 2025 Cedar Grove Courier Readers' Choice Awards.",
        # numbered tips and proceeds are not rankings or absolutes
        "Tip #1 for healthier gums: floss once a day.",
        "100% of proceeds from the 5K go to the pediatric playroom fund.",
        "No pain, no gain: join our charity 5K on Saturday.",
        # public-health advice and proverbs use superlatives and comparisons too
        "Sunscreen is the most effective way to prevent sunburn.",
        "Vaccines are one of the safest ways to protect your kids.",
        "Prevention is better than cure.",
        "Guaranteed parking is available in Lot B for every visit.",
        "We offer permanent and temporary positions for RNs.",
        # ordinary uses of the words
        "Heart disease is the number one cause of death for women.",
        "Best wishes to our graduating residents!",
        "The best way to prevent the flu is a yearly vaccine.",
        "We follow infection-control best practices in every room.",
        "Kids get their permanent teeth around age six.",
        "Feeling better than ever after the holidays? Stay active!",
        "We're hiring a permanent charge nurse for the ICU.",
        "Proud to support the Children's Miracle Network.",
        "Keep your family safe this summer: wear sunscreen.",
        "Seating is guaranteed for every registered guest at the health fair.",
        "Is it safest to travel before or after your booster? Ask your pharmacist.",
        "Our top priority is your comfort during every visit.",
        "Nobody does Halloween better than our pediatric nurses!",
        "Flu activity is rising, with the largest increases in Portland this week.",
        "The latest guidance in Ohio says to get your booster.",
        "Flu is the most common reason for missed school days in winter.",
        "Our ER is busier than usual tonight.",
        # figures with their source, risks as figures, statistics about a population
        "In clinical trials, 70% of patients saw clearer skin at 16 weeks.",
        "In our 2025 Press Ganey survey, 94% of patients said they felt heard.",
        "About 1 in 10 patients get a mild headache after the injection.",
        "80% of adults will have back pain at some point.",
        "People with AFib are five times as likely to have a stroke.",
        # universal words without an outcome, and an outcome denied
        "Every patient gets a reminder call the day before.",
        "Not every patient sees the same results, so we start with a consult.",
        "Named after our founder, Dr. Ruth Baker, the clinic opened in 1962.",
        "Hand washing keeps germs away.",
        # a universal over things, not the people treated
        "All of our offices are back to regular hours on Monday.",
        "Anyone who joins the 5K gets a free T-shirt.",
        "Every patient leaves with a printed care plan and a follow-up date.",
        "All of our patients are back in their rooms by 6 p.m. for visiting hours.",
        # an approved organisation-wide claim
        "Northside Health is the region's only Level I trauma center.",
        # a member's result told (a testimonial), an offer of a consult, an honest "can't"
        "Member Tony dropped 41 pounds and ran his first 5K.",
        "You can now book a same-day results consult after your mammogram.",
        "We can't compound a miracle hair tonic, and no one else can either.",
        # a person's own result is a testimonial (missing_disclaimer), not the account's promise
        "Six weeks after rehab, Marcus ran the mile in 6 minutes flat.",
        "Since her sleep study, Ana sleeps through every single night.",
        # a negation five words back; a promise quoted to warn against it; a ranking's source and year
        "Real talk from our medical director: no laser, cream or injectable gives permanent results.",
        "If a clinic promises your arthritis will be 'reversed' or gone for good, ask to see their evidence.",
        "Congratulations to Dr. Rachel Kim, named to Madison Example Magazine's Top Doctors list for "
        "orthopedic surgery, 2025!",
    ],
)
def test_red_flag_exceptions(claims: UnsubstantiatedClaimFamily, text: str) -> None:
    assert run_family(claims, text, context=CONTEXT) == []


def test_overstated_safety_only_for_named_products(claims: UnsubstantiatedClaimFamily) -> None:
    findings = run_family(claims, "Botox is safe and gentle.")
    assert [f.rule_id for f in findings] == ["unsubstantiated_claim.overstated_safety"]
    assert findings[0].severity == "block"
    assert run_family(claims, "Stay safe on the roads this weekend.") == []
    assert run_family(claims, "Botox is not safe during pregnancy.") == []


# -- product claims against the approved-claims library --------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # approved wording and its close paraphrases
        ("ZOLVANT (pemitrazine) treats plaque psoriasis in adults.", []),
        ("In clinical trials, 4 in 10 adults using ZOLVANT had clear or almost clear skin.", []),
        # restating the indication in plain words is labeling, not a new claim
        ("ZOLVANT (pemitrazine) treats moderate to severe plaque psoriasis in adults.", []),
        # a short approved claim cannot vouch for a longer new one
        (
            "In clinical trials, 4 in 10 adults had clear skin, and ZOLVANT also melts away stubborn belly "
            "fat and boosts your energy for weeks.",
            ["unsubstantiated_claim.unapproved_product_claim"],
        ),
        # a risk sentence is not a benefit claim
        ("ZOLVANT (pemitrazine) may lower your ability to fight infections.", []),
        # claims the library does not hold
        (
            "ZOLVANT (pemitrazine) works fast to relieve itching.",
            ["unsubstantiated_claim.unapproved_product_claim"],
        ),
        (
            "Meet ZOLVANT. It helps you feel confident again.",
            ["unsubstantiated_claim.unapproved_product_claim"],
        ),
        # a statement of what the product is for: the off_label family checks the use
        (
            "ZOLVANT (pemitrazine) is a prescription medicine for adults whose psoriasis leaves red, scaly patches.",
            [],
        ),
        ("ZOLVANT (pemitrazine) is FDA-approved for adults with psoriasis that clears slowly on creams.", []),
        (
            "ZOLVANT (pemitrazine) treats plaque psoriasis in adults. It's also approved for adults with psoriatic arthritis.",
            [],
        ),
        # a question about the product and a risk of misuse claim nothing
        (
            "For questions about ZOLVANT (pemitrazine), including how it works and whether it's right for "
            "you, talk with your doctor.",
            [],
        ),
        ("Not using ZOLVANT (pemitrazine) as directed may result in a flare.", []),
        # a great option to treat is promotion, not a statement of use
        (
            "ZOLVANT (pemitrazine) is in stock, and it's a great option to protect your skin!",
            ["unsubstantiated_claim.unapproved_product_claim"],
        ),
        # unless it also claims a result
        (
            "ZOLVANT (pemitrazine) is approved for adults with psoriasis and clears skin in two weeks.",
            ["unsubstantiated_claim.unapproved_product_claim"],
        ),
        # the indication and a limitation in one sentence: only what the labeling says
        (
            "ZOLVANT (pemitrazine) treats moderate to severe plaque psoriasis in adults; not for use in the eyes.",
            [],
        ),
        # a reminder makes no claim
        ("ZOLVANT is now in stock at our pharmacy.", []),
        # "slow" said of someone, not a benefit; a recall notice promotes nothing
        ("Sorry your ZOLVANT prior authorization took a month. Insurers have been slow on these.", []),
        # a benefit word inside the product's own name is its name, not a claim
        ("ALIGNA (clear orthodontic aligners) is now available. Book a consult at our office.", []),
        (
            "ALIGNA (clear orthodontic aligners) works fast to fix crooked teeth.",
            ["unsubstantiated_claim.unapproved_product_claim"],
        ),
    ],
)
def test_product_claims(claims: UnsubstantiatedClaimFamily, text: str, expected: list[str]) -> None:
    assert [f.rule_id for f in run_family(claims, text, context=CONTEXT)] == expected


def test_a_recall_notice_makes_no_product_claim(claims: UnsubstantiatedClaimFamily) -> None:
    text = "We are recalling Sensa 7 sensor lots 22-24 because they may read lower than your actual glucose."
    assert run_family(claims, text, context=CONTEXT, content_type="crisis") == []
    assert run_family(claims, "Sensa 7 lowers your glucose fast.", context=CONTEXT, content_type="post")


def test_a_ratio_in_ten_is_the_approved_out_of_ten(claims: UnsubstantiatedClaimFamily) -> None:
    approved = {"id": "z3", "product_id": "zolvant", "text": "4 out of 10 people saw clear skin at 16 weeks."}
    context = {**CONTEXT, "approved_claims": [*CLAIMS, approved]}
    text = "4 in 10 people taking ZOLVANT (pemitrazine) saw clear skin at 16 weeks."
    assert run_family(claims, text, context=context) == []
    assert run_family(claims, "4 in 10 people saw clear skin with our cream.", context=CONTEXT)


def test_product_claims_need_a_library_unless_configured(claims: UnsubstantiatedClaimFamily) -> None:
    text = "ZOLVANT works fast to relieve itching."
    without_library = {"products": [ZOLVANT]}
    assert run_family(claims, text, context=without_library) == []
    strict = make_family(UnsubstantiatedClaimFamily, require_claims_library=False)
    assert [f.rule_id for f in run_family(strict, text, context=without_library)] == [
        "unsubstantiated_claim.unapproved_product_claim"
    ]


# -- off label -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule", "span"),
    [
        ("ZOLVANT (pemitrazine) is great for kids with psoriasis.", "off_label.population", "kids"),
        ("ZOLVANT (pemitrazine) also helps with eczema.", "off_label.condition", "eczema"),
        ("Try ZOLVANT (pemitrazine) for acne flare-ups.", "off_label.condition", "acne"),
        ("Sensa 7 is safe to wear during an MRI.", "off_label.condition", "MRI"),
        ("Sensa 7 is perfect for pregnant moms tracking glucose.", "off_label.population", "pregnant"),
        (
            "Northside Lung Check: screening for adults over 40 who smoke.",
            "off_label.population",
            "adults over 40",
        ),
        ("Double the dose of ZOLVANT for faster results.", "off_label.dose", "Double the dose"),
        # "isn't just for" widens the use instead of denying it
        (
            "ZOLVANT (pemitrazine) isn't just for plaques: it clears eczema too.",
            "off_label.condition",
            "eczema",
        ),
        # a set-up question before the product names the use
        ("Acne flare-ups? ZOLVANT (pemitrazine) can clear them.", "off_label.condition", "Acne"),
        # a benefit sentence names its use without "for"
        (
            "Our clients use ZOLVANT (pemitrazine) to lose 10 pounds fast.",
            "off_label.condition",
            "lose 10 pounds",
        ),
        # a set-up question answered by the product's sentence, even without a benefit word
        (
            "Eczema driving you crazy? ZOLVANT (pemitrazine) could be the answer.",
            "off_label.condition",
            "Eczema",
        ),
        # a headline closed by an emoji is a set-up line, and the emoji ends the sentence
        (
            "Lose those last 15 pounds 🎯 ZOLVANT (pemitrazine) is here.",
            "off_label.condition",
            "Lose those last 15 pounds",
        ),
        # taking more than one at a time
        (
            "If one ZOLVANT (pemitrazine) tablet isn't enough, many people take two.",
            "off_label.dose",
            "take two",
        ),
        # an age in years, below the label's
        ("ZOLVANT (pemitrazine) for your 7-year-old's psoriasis.", "off_label.population", "7-year-old"),
        # everything a limitation clause excludes
        (
            "Use ZOLVANT (pemitrazine) in the eyes to clear psoriasis there too.",
            "off_label.condition",
            "eyes",
        ),
    ],
)
def test_off_label(off_label: OffLabelFamily, text: str, rule: str, span: str) -> None:
    findings = run_family(off_label, text, context=CONTEXT)
    assert [f.rule_id for f in findings] == [rule]
    assert spans_of(findings, text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "ZOLVANT (pemitrazine) treats moderate to severe plaque psoriasis in adults.",
        "ZOLVANT is not for children or teens under 18.",
        # the negation reaches every population of the clause
        "ZOLVANT (pemitrazine) is not recommended for use in children or during pregnancy.",
        "Sensa 7 helps kids age 2 and older manage diabetes.",
        "Remove your Sensa 7 sensor before an MRI.",
        "Northside Lung Check is for adults aged 50 to 80 with a smoking history.",
        # limitations stated as such, and risk sentences
        "ZOLVANT (pemitrazine) treats plaque psoriasis. It has not been studied in patients under 18 years of age.",
        "Sensa 7 helps manage diabetes. Tell your doctor if you are pregnant before using Sensa 7.",
        # "kidneys" is not "kids"
        "Your kidneys work hard. Sensa 7 helps manage diabetes in people age 2 and older.",
        # research news disclosing an unapproved use
        "Now enrolling: a Phase 3 study of ZOLVANT in children with eczema. ZOLVANT is not approved for this use.",
        # "take two minutes" is not a dose
        "Take two minutes to ask about ZOLVANT (pemitrazine) for plaque psoriasis in adults.",
        # a negated age limit anywhere before it in the sentence
        "ZOLVANT (pemitrazine) treats plaque psoriasis; it is not approved for the eyes or for anyone under 18.",
        # no product facts: off_label has nothing to compare with
        "Ozempic for weight loss? Ask us.",
        # a product not mentioned
        "Kids with eczema? Our dermatologists can help.",
    ],
)
def test_off_label_negatives(off_label: OffLabelFamily, text: str) -> None:
    assert run_family(off_label, text, context=CONTEXT) == []


@pytest.mark.parametrize(
    ("indication", "expected"),
    [
        ("in adults with plaque psoriasis", (18, 120)),
        ("persons 6 months of age and older", (0.5, 120)),
        ("adults aged 50 to 80 years", (50, 80)),
        ("for people with palpitations", None),
    ],
)
def test_label_ages(indication: str, expected: tuple[float, float] | None) -> None:
    product = ProductFacts(id="p", brand_name="P", indications=[indication])
    assert label_ages(product) == expected


# -- configuration ---------------------------------------------------------------


@pytest.mark.parametrize("family_cls", [UnsubstantiatedClaimFamily, OffLabelFamily])
@pytest.mark.parametrize(
    "content",
    [
        "version: 1\nmessages: {}\n",
        "version: 2\n",
        "red_flags: [unclosed\n",
    ],
)
def test_bad_lexicon_refuses_to_start(tmp_path: Path, family_cls: type[Any], content: str) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(family_cls, lexicon=str(path))


def test_red_flag_kind_without_message_refuses_to_start(tmp_path: Path) -> None:
    from guardrails.datafiles import read_data_text

    good = read_data_text("lexicons/claims.yaml")
    bad = good.replace("  instant: Promises instant results.\n", "")
    assert bad != good
    path = tmp_path / "claims.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(UnsubstantiatedClaimFamily, lexicon=str(path))


def test_unknown_option_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        make_family(OffLabelFamily, strictness="high")


def test_a_sentence_of_the_products_own_risk_statement_is_not_an_off_label_use() -> None:
    from guardrails.rules.off_label import OffLabelFamily

    risk = (
        "If your glucose alerts and readings do not match your symptoms or expectations, use a blood glucose "
        "meter to make treatment decisions. Sensor insertion may cause skin irritation, redness, bleeding or "
        "a small chance of infection at the insertion site. Remove the sensor before MRI, CT or diathermy. "
        "Hydroxyurea can cause falsely high readings. Prescription only."
    )
    context = {
        "products": [
            {
                "id": "glucotrace",
                "brand_name": "GlucoTrace 10",
                "kind": "device",
                "indications": [
                    "A real-time continuous glucose monitoring system for the management of diabetes in persons "
                    "age 2 years and older, intended to replace fingerstick blood glucose testing for diabetes "
                    "treatment decisions."
                ],
                "limitations": [
                    "Remove the sensor before an MRI, CT scan or high-frequency electrical heat (diathermy) treatment.",
                    "Taking hydroxyurea may cause falsely high sensor readings.",
                    "Not evaluated in people who are pregnant, on dialysis or critically ill.",
                ],
                "risk_statement": risk,
                "pi_url": "https://glucotrace.example/safety-information",
            }
        ]
    }
    post = (
        "National Diabetes Month is here, and Larkspur Valley Health wants to help you and your family stay well. "
        "Ask your care team whether a glucose monitor fits your plan. "
        "GlucoTrace 10 sends a glucose reading to your smartphone every 5 minutes. "
        f"{risk} Full safety information: https://glucotrace.example/safety-information #DiabetesAwareness"
    )
    assert run_family(make_family(OffLabelFamily), post, context=context) == []


def test_the_organisations_own_name_is_not_a_use(off_label: OffLabelFamily) -> None:
    context = {**CONTEXT, "organisation": {"names": ["Northside Eye Center"]}}
    text = "ZOLVANT (pemitrazine) clears plaque psoriasis fast, now at Northside Eye Center."
    assert run_family(off_label, text, context=context) == []
    # the same word outside the name is still a use the labeling excludes
    used = "ZOLVANT (pemitrazine) clears plaque psoriasis fast, even near the eye."
    assert [f.rule_id for f in run_family(off_label, used, context=context)] == ["off_label.condition"]


def test_a_group_both_indicated_and_limited_is_decided_by_age() -> None:
    # "adolescents 12 and older" is indicated, "children under 12" is a limitation: "teens" alone
    # is inside the label, a stated age below 12 is not.
    family = make_family(OffLabelFamily)
    product = {
        "id": "derm",
        "brand_name": "Dermiva",
        "established_name": "lebrikumab",
        "indications": ["atopic dermatitis in adults and adolescents 12 years and older"],
        "limitations": ["not studied in children under 12"],
    }
    context = {"products": [product]}
    ok = "Dermiva (lebrikumab) is for adults and teens 12 and older with eczema."
    assert run_family(family, ok, context=context) == []
    young = "Ask if Dermiva (lebrikumab) is right for your 6-year-old's eczema."
    findings = run_family(family, young, context=context)
    assert [f.rule_id for f in findings] == ["off_label.population"]
    assert spans_of(findings, young) == ["6-year-old"]


@pytest.mark.parametrize(("a", "b"), [("stroke", "strokes"), ("reduce", "reduced"), ("reduce", "reduces")])
def test_stems_meet_across_a_silent_e(a: str, b: str) -> None:
    from guardrails.rules.claim_text import stem

    assert stem(a) == stem(b)


def test_a_stroke_indication_covers_preventing_strokes() -> None:
    family = make_family(OffLabelFamily)
    product = {
        "id": "cv",
        "brand_name": "Cardivex",
        "established_name": "rivanoxate",
        "indications": ["to reduce the risk of stroke in adults with nonvalvular atrial fibrillation"],
    }
    text = "Cardivex (rivanoxate) helps prevent strokes in adults with AFib."
    assert run_family(family, text, context={"products": [product]}) == []


def test_a_limitations_number_must_stand_with_its_words() -> None:
    # "not for use in type 1 diabetes": a "1" elsewhere in the sentence is not type 1 diabetes
    family = make_family(OffLabelFamily)
    product = {
        "id": "gl",
        "brand_name": "Glucentra",
        "established_name": "sitavaglutide",
        "indications": ["to improve glycemic control in adults with type 2 diabetes mellitus"],
        "limitations": ["not for use in type 1 diabetes"],
    }
    context = {"products": [product]}
    ok = "For adults with type 2 diabetes, Glucentra (sitavaglutide) lowered A1C by up to 1.8% in a study."
    assert run_family(family, ok, context=context) == []
    bad = "Glucentra (sitavaglutide) helps people with type 1 diabetes lower their blood sugar."
    assert [f.rule_id for f in run_family(family, bad, context=context)] == ["off_label.condition"]


def test_an_emoji_before_a_capital_ends_a_sentence() -> None:
    from guardrails.rules.claim_text import sentences

    text = "Fuller lips in minutes 💋 Swelling is common. Book now ✨ today"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Fuller lips in minutes 💋",
        "Swelling is common.",
        "Book now ✨ today",
    ]


def test_plump_is_approved_volume_wording(claims: UnsubstantiatedClaimFamily) -> None:
    product = {"id": "vel", "brand_name": "Vellora", "established_name": "hyaluronic acid filler"}
    approved = [{"id": "v1", "product_id": "vel", "text": "Adds volume to the lips for up to 6 months"}]
    context = {"products": [product], "approved_claims": approved}
    ok = "Plump lips for up to 6 months with Vellora (hyaluronic acid filler) 💋 Bruising is common."
    assert run_family(claims, ok, context=context) == []
    new = "Vellora (hyaluronic acid filler) erases smoker's lines for good."
    assert run_family(claims, new, context=context) != []


def test_a_red_flag_added_to_approved_wording_is_flagged(claims: UnsubstantiatedClaimFamily) -> None:
    product = {"id": "gv", "brand_name": "Glucavra", "established_name": "teplizatide", "kind": "drug"}
    approved = [
        {"id": "g1", "product_id": "gv", "text": "Glucavra lowers A1C in adults with type 2 diabetes"}
    ]
    context = {"products": [product], "approved_claims": approved}
    ok = "Glucavra (teplizatide) lowers A1C in adults with type 2 diabetes."
    assert run_family(claims, ok, context=context) == []
    faster = "Glucavra (teplizatide) lowers A1C in adults with type 2 diabetes faster than any other option."
    assert [f.rule_id for f in run_family(claims, faster, context=context)] == [
        "unsubstantiated_claim.red_flag"
    ]
    # a red flag the approved claim itself states is substantiated
    fastest = [
        {"id": "g2", "product_id": "gv", "text": "Glucavra is the fastest-acting option we have studied"}
    ]
    said = "Glucavra (teplizatide) is the fastest-acting option we have studied."
    assert run_family(claims, said, context={"products": [product], "approved_claims": fastest}) == []
