from __future__ import annotations

from pathlib import Path
from typing import Any

import emoji
import pytest
import yaml

from guardrails.config import ConfigError
from guardrails.datafiles import read_data_text
from guardrails.findings import Category, Severity
from guardrails.rules.accessibility import AccessibilityFamily
from tests.guardrails.helpers import make_family, run_family, spans_of


@pytest.fixture(scope="module")
def family() -> AccessibilityFamily:
    built = make_family(AccessibilityFamily)
    assert isinstance(built, AccessibilityFamily)
    return built


def _media(*alts: str | None, kind: str = "image") -> dict[str, Any]:
    return {"media": [{"kind": kind, "alt_text": alt} for alt in alts]}


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (_media(None), ["accessibility.missing_alt_text"]),
        (_media(""), ["accessibility.missing_alt_text"]),
        (_media("   \n"), ["accessibility.missing_alt_text"]),
        (_media(None, kind="video"), ["accessibility.missing_alt_text"]),
        (_media("IMG_2041.jpg"), ["accessibility.unhelpful_alt_text"]),
        (_media("photo_final (2).PNG"), ["accessibility.unhelpful_alt_text"]),
        (_media("DSC0042"), ["accessibility.unhelpful_alt_text"]),
        (_media("PXL_20250301_143022"), ["accessibility.unhelpful_alt_text"]),
        (_media("Image"), ["accessibility.unhelpful_alt_text"]),
        (_media("photo."), ["accessibility.unhelpful_alt_text"]),
        (
            _media("Two nurses smile at the front desk.", None, "IMG_1.jpg"),
            ["accessibility.missing_alt_text", "accessibility.unhelpful_alt_text"],
        ),
        # described media, and no media at all, are fine
        (_media("Dr. Rao stands beside a red fire engine with four firefighters."), []),
        (_media("A photo of our new MRI suite with a wide-bore scanner."), []),
        (_media("Image of the IMG_2041 clinic sign at dusk"), []),
        ({}, []),
    ],
)
def test_alt_text(family: AccessibilityFamily, context: dict[str, Any], expected: list[str]) -> None:
    findings = run_family(family, "Come see us.", context=context)
    assert [f.rule_id for f in findings] == expected
    assert all(f.start is None and f.category is Category.ACCESSIBILITY for f in findings)


def test_alt_text_message_names_the_item_not_its_text(family: AccessibilityFamily) -> None:
    findings = run_family(family, "Hi", context=_media("A sunny lobby.", "IMG_777.jpg"))
    assert len(findings) == 1
    assert "Media item 2" in findings[0].message
    assert "IMG_777" not in findings[0].message


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("February is #hearthealthmonth!", ["#hearthealthmonth"]),
        ("#NATIONALNURSESWEEK thank you", ["#NATIONALNURSESWEEK"]),
        ("Walk in today #flushotclinic #mentalhealthmatters", ["#flushotclinic", "#mentalhealthmatters"]),
        ("#adhdawareness month", ["#adhdawareness"]),
        ("Spread the word #breastcancerawareness", ["#breastcancerawareness"]),
        ("#covid19vaccine clinic", ["#covid19vaccine"]),
        ("#merrychristmas and #womenshealth", ["#merrychristmas", "#womenshealth"]),
        # cased, single words, compounds, names and initialisms are fine
        ("February is #HeartHealthMonth", []),
        ("#Hearthealthmonth is still mixed case", []),
        ("#wellness #dentist #fitness #healthcare #skincare #teamwork #collab", []),
        ("#HIPAA #COVID19 #BDS #NICU #ozempic #wegovy #mammogram", []),
        # rarer dictionary words that split into common ones are still one word
        ("#fundraiser #weightless #spillover #injectables #buttonhole #awesomeness", []),
        ("#heart_health_month uses underscores", []),
        ("Ranked #1 and #2025", []),
    ],
)
def test_hashtag_case(family: AccessibilityFamily, text: str, flagged: list[str]) -> None:
    findings = run_family(family, text)
    assert spans_of(findings, text) == flagged
    assert all(f.rule_id == "accessibility.hashtag_case" and f.severity is Severity.WARN for f in findings)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Party time 🎉🎉🎉🎉🎉 see you there", ["🎉🎉🎉🎉🎉"]),
        ("Go team 💪 🏥 ❤️ 🙌 👏 today", ["💪 🏥 ❤️ 🙌 👏"]),
        ("Family day 👨\u200d👩\u200d👧🎉🎉🎉 fun", []),  # one family emoji, not three: four in a row
        ("Thanks 🎉🎉🎉🎉 and 🎉", []),
        ("Ozempic® and Wegovy™ ©2025 Halvorsen ®®®®®", []),
        ("Great care 😀", []),
    ],
)
def test_emoji_walls(family: AccessibilityFamily, text: str, flagged: list[str]) -> None:
    findings = run_family(family, text)
    assert spans_of(findings, text) == flagged
    assert all(f.rule_id == "accessibility.emoji_wall" for f in findings)


def test_plain_ascii_text_holds_no_emoji() -> None:
    # The emoji check skips ASCII-only text; that is sound only while no emoji (nor a sequence
    # of them, which joins emoji with U+200D) is made of ASCII characters alone.
    assert not [e for e in emoji.EMOJI_DATA if e.isascii()]
    assert emoji.emoji_list("".join(chr(c) for c in range(128)) * 3) == []


def test_more_than_ten_emoji_in_a_post(family: AccessibilityFamily) -> None:
    scattered = " word ".join(["🎉"] * 11)
    findings = run_family(family, scattered)
    assert [(f.rule_id, f.start) for f in findings] == [("accessibility.emoji_wall", None)]
    assert run_family(family, " word ".join(["🎉"] * 10)) == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("FREE FLU SHOTS THIS SATURDAY at the clinic.", ["FREE FLU SHOTS THIS SATURDAY"]),
        ("Reminder: CALL US OR TEXT US TODAY!", ["CALL US OR TEXT US TODAY"]),
        ("\u201cWE ARE HERE FOR YOU\u201d, says the team.", ["WE ARE HERE FOR YOU"]),
        ("ＷＥ ＡＲＥ ＯＰＥＮ ＮＯＷ", ["ＷＥ ＡＲＥ ＯＰＥＮ ＮＯＷ"]),
        # acronyms do not count as shouting, numbers and hashtags neither count nor break a run
        ("HIPAA FDA CDC NIH ADHD guidance explained", []),
        ("Our ICU and NICU teams: MRI, CT, EKG and COVID-19 testing.", []),
        ("NEW HOURS 8 AM TO 6 PM", ["NEW HOURS 8 AM TO 6 PM"]),  # PM belongs to the run, uncounted
        ("BIG NEWS #RiverbendProud TODAY ONLY", ["BIG NEWS #RiverbendProud TODAY ONLY"]),
        # a sentence or line boundary ends a run; short runs are fine
        ("STOP. THINK. ACT. NOW.", []),
        ("OPEN LATE TONIGHT\nCome in", []),
        ("NEW PATIENT SPECIALS this month", []),
        ("Account WLP 884 201 337 is closed", []),
    ],
)
def test_all_caps(family: AccessibilityFamily, text: str, flagged: list[str]) -> None:
    findings = run_family(family, text)
    assert spans_of(findings, text) == flagged
    assert all(f.rule_id == "accessibility.all_caps" for f in findings)


def _lexicon() -> dict[str, Any]:
    data = yaml.safe_load(read_data_text("lexicons/accessibility.yaml"))
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "accessibility.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_custom_lexicon_limits_apply(tmp_path: Path) -> None:
    data = _lexicon()
    data["emoji"]["wall_run"] = 3
    data["all_caps"]["min_words"] = 2
    custom = make_family(AccessibilityFamily, lexicon_file=_write(tmp_path, data))
    assert [f.rule_id for f in run_family(custom, "Yay 🎉🎉🎉 BIG NEWS")] == [
        "accessibility.emoji_wall",
        "accessibility.all_caps",
    ]


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("alt_text"),
        lambda d: d["emoji"].update(wall_run=0),
        lambda d: d["emoji"].update(colour="red"),
        lambda d: d["all_caps"].update(acronyms=[]),
        lambda d: d["all_caps"].update(heading_phrases=["Important Safety Information"]),
        lambda d: d["hashtags"].update(short_words=["of", True]),
        lambda d: d["hashtags"].update(single_words=["Heart Health"]),
        lambda d: d["hashtags"].update(words_file="lexicons/absent.yaml"),
        lambda d: d.update(version=2),
    ],
)
def test_bad_lexicon_refuses_to_start(tmp_path: Path, breakage: Any) -> None:
    data = _lexicon()
    breakage(data)
    with pytest.raises(ConfigError):
        make_family(AccessibilityFamily, lexicon_file=_write(tmp_path, data))


@pytest.mark.parametrize(
    "words",
    [
        "version: 1\nwords: too few words\n",
        "version: 1\nwords: " + "Heart " * 2000 + "\n",
        "version: 1\nwords: " + "heart " * 2000 + "\nsingle_words: Fundraiser\n",
        "- a\n",
    ],
)
def test_bad_word_list_refuses_to_start(tmp_path: Path, words: str) -> None:
    (tmp_path / "words.yaml").write_text(words, encoding="utf-8")
    data = _lexicon()
    data["hashtags"]["words_file"] = str(tmp_path / "words.yaml")
    with pytest.raises(ConfigError):
        make_family(AccessibilityFamily, lexicon_file=_write(tmp_path, data))


def test_unreadable_lexicon_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\nemoji: {wall_run: [", encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(AccessibilityFamily, lexicon_file=str(path))


NAMED: dict[str, Any] = {
    "organisation": {"names": ["Riverbend Regional Medical Center"], "handles": ["@OaklineClinic"]},
    "products": [{"id": "p1", "brand_name": "Sunguard", "established_name": "heartline"}],
}


@pytest.mark.parametrize(
    ("text", "context", "flagged"),
    [
        ("#riverbend #oakline #sunguard #heartline", NAMED, []),
        ("#riverbendregional and #oaklineclinic", NAMED, ["#riverbendregional", "#oaklineclinic"]),
        ("#riverbend #sunguard", {}, ["#riverbend", "#sunguard"]),
    ],
)
def test_names_from_the_context_are_single_words(
    family: AccessibilityFamily, text: str, context: dict[str, Any], flagged: list[str]
) -> None:
    assert spans_of(run_family(family, text, context=context), text) == flagged


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("INDICATION AND IMPORTANT SAFETY INFORMATION\nDo not take it if allergic.", []),
        ("WARNING: SERIOUS INFECTIONS AND MALIGNANCY. Read the guide.", []),
        ("See FULL PRESCRIBING INFORMATION, including BOXED WARNING.", []),
        # a heading phrase inside otherwise shouted text does not excuse the rest
        (
            "READ THE IMPORTANT SAFETY INFORMATION BEFORE YOU START TODAY",
            ["READ THE IMPORTANT SAFETY INFORMATION BEFORE YOU START TODAY"],
        ),
        ("WARNING SIGNS OF A STROKE YOU MUST KNOW", ["WARNING SIGNS OF A STROKE YOU MUST KNOW"]),
    ],
)
def test_all_caps_labelling_headings(family: AccessibilityFamily, text: str, flagged: list[str]) -> None:
    assert spans_of(run_family(family, text), text) == flagged
