from __future__ import annotations

from pathlib import Path

import pytest

from guardrails.config import ConfigError
from guardrails.findings import Category, Finding, Severity
from guardrails.rules.platform import PlatformFamily
from tests.guardrails.helpers import make_family, run_family, spans_of


@pytest.fixture(scope="module")
def family() -> PlatformFamily:
    built = make_family(PlatformFamily)
    assert isinstance(built, PlatformFamily)
    return built


def _ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


URL_60 = "https://riverbendregional.example.org/" + "a" * 22  # 60 characters


@pytest.mark.parametrize(
    ("text", "platform", "content_type", "expected"),
    [
        ("a" * 280, "x", "post", []),
        ("a" * 281, "x", "post", ["platform.too_long"]),
        # a 60-character link counts as 23 on X: 250 + 1 + 23 = 274
        ("b" * 250 + " " + URL_60, "x", "post", []),
        ("b" * 257 + " " + URL_60, "x", "post", ["platform.too_long"]),
        # bare domains are links too on X
        ("c" * 250 + " clinic.example.com/a-long-page-name-for-booking", "x", "post", []),
        ("d" * 2200, "instagram", "post", []),
        ("d" * 2201, "instagram", "post", ["platform.too_long"]),
        ("e" * 3000, "linkedin", "post", []),
        ("e" * 3001, "linkedin", "post", ["platform.too_long"]),
        ("e" * 1251, "linkedin", "comment_reply", ["platform.too_long"]),
        ("f" * 1500, "google_business", "post", []),
        ("f" * 1501, "google_business", "post", ["platform.too_long"]),
        # review replies on Google may be longer than posts
        ("f" * 4000, "google_business", "review_response", []),
        ("f" * 4097, "google_business", "review_response", ["platform.too_long"]),
        ("g" * 5000, "facebook", "post", []),
        # zero-width characters are still characters to the platform
        ("h" * 279 + "\u200b\u200b", "x", "post", ["platform.too_long"]),
    ],
)
def test_length_limits(
    family: PlatformFamily, text: str, platform: str, content_type: str, expected: list[str]
) -> None:
    findings = run_family(family, text, platform=platform, content_type=content_type)
    assert _ids(findings) == expected
    for finding in findings:
        assert finding.severity is Severity.BLOCK
        assert finding.category is Category.PLATFORM
        assert finding.start is None


@pytest.mark.parametrize(
    ("text", "platform", "flagged"),
    [
        ("Flu shots today #FluSeason #GetVaccinated", "x", []),
        ("Flu shots today #FluSeason #GetVaccinated #StayWell", "x", ["#StayWell"]),
        ("#One #Two #Three #Four text", "x", ["#Three #Four"]),
        ("Open house #Community #Health #Family", "facebook", []),
        ("Open house #Community #Health #Family #Fun", "facebook", ["#Fun"]),
        ("#a1 #a2 #a3 #a4 #a5 post", "linkedin", []),
        ("#a1 #a2 #a3 #a4 #a5 #a6 post", "linkedin", ["#a6"]),
        (" ".join(f"#tag{i}" for i in range(30)), "instagram", []),
        (" ".join(f"#tag{i}" for i in range(31)), "instagram", ["#tag30"]),
        ("Now open on Saturdays! #SaturdayHours", "google_business", ["#SaturdayHours"]),
        # not hashtags: a number sign, an anchor inside a link, an HTML entity, a word-internal sign
        ("Ranked #1 in the region; see example.com/page#section and &#38; C#sharp", "google_business", []),
        ("Ranked #1 #2 #3 in three lists", "x", []),
    ],
)
def test_hashtag_counts(family: PlatformFamily, text: str, platform: str, flagged: list[str]) -> None:
    findings = run_family(family, text, platform=platform)
    assert spans_of(findings, text) == flagged
    assert all(f.severity is Severity.WARN for f in findings)


@pytest.mark.parametrize(
    ("text", "platform", "links"),
    [
        (
            "Book now: https://lumenmedspa.example.com/book.",
            "instagram",
            ["https://lumenmedspa.example.com/book"],
        ),
        ("Details at www.lumenmedspa.example.com today", "instagram", ["www.lumenmedspa.example.com"]),
        ("Book at lumenmedspa.example.com/book!", "instagram", ["lumenmedspa.example.com/book"]),
        ("Book via the link in bio. Questions? hello@lumenmedspa.com", "instagram", []),
        ("Follow @LumenMedSpa for tips. Dr. Rao, St. Brigid's, 2.5 mg", "instagram", []),
        ("Book now: https://lumenmedspa.example.com/book", "facebook", []),
        ("Book now: https://lumenmedspa.example.com/book", "x", []),
    ],
)
def test_links_in_instagram_captions(
    family: PlatformFamily, text: str, platform: str, links: list[str]
) -> None:
    findings = run_family(family, text, platform=platform)
    assert spans_of(findings, text) == links
    for finding in findings:
        assert finding.rule_id == "platform.link_in_caption"
        assert "link in bio" in (finding.suggestion or "")


def test_spans_point_into_submitted_text(family: PlatformFamily) -> None:
    text = "Ｖｉｓｉｔ\u200b https://example.com/x\u00ad\u200by now #A #B #C"
    findings = run_family(family, text, platform="instagram")
    assert spans_of(findings, text) == ["https://example.com/x\u00ad\u200by"]


def test_messages_do_not_quote_the_text(family: PlatformFamily) -> None:
    text = "Secret-word " * 30 + "#Alpha #Beta #Gamma https://secret.example.com/x"
    for finding in run_family(family, text, platform="x") + run_family(family, text, platform="instagram"):
        assert "secret" not in finding.message.casefold()
        assert "alpha" not in f"{finding.message} {finding.suggestion}".casefold()


def test_disabled_rule_is_filtered() -> None:
    quiet = make_family(PlatformFamily, rules={"platform.too_many_hashtags": {"enabled": False}})
    assert run_family(quiet, "#A #B #C #D", platform="x") == []


GOOD_LIMITS = """
version: 1
link_tlds: [com]
platforms:
  x: {display_name: X, max_chars: 10, max_hashtags: 0, url_length: 5, source: s}
  instagram: {display_name: I, max_chars: 10, max_hashtags: 0, links_clickable: false, source: s}
  facebook: {display_name: F, max_chars: 10, max_hashtags: 0, source: s}
  linkedin: {display_name: L, max_chars: 10, max_hashtags: 0, source: s}
  google_business: {display_name: G, max_chars: 10, max_hashtags: 0, source: s}
"""


def test_custom_limits_file(tmp_path: Path) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text(GOOD_LIMITS, encoding="utf-8")
    custom = make_family(PlatformFamily, limits_file=str(path))
    assert _ids(run_family(custom, "x.com abcd", platform="x")) == []  # 5 + 5 = 10
    assert _ids(run_family(custom, "eleven char", platform="facebook")) == ["platform.too_long"]


@pytest.mark.parametrize(
    "content",
    [
        GOOD_LIMITS.replace(
            "  google_business: {display_name: G, max_chars: 10, max_hashtags: 0, source: s}\n", ""
        ),
        GOOD_LIMITS.replace(
            "max_chars: 10, max_hashtags: 0, url_length: 5", "max_chars: -1, max_hashtags: 0"
        ),
        GOOD_LIMITS.replace("source: s}", "source: s, colour: red}", 1),
        GOOD_LIMITS.replace("link_tlds: [com]", "link_tlds: ['c.m']"),
        GOOD_LIMITS.replace("version: 1", "version: 2"),
        "platforms: [x, instagram]",
        "version: 1\nplatforms: {x: {max_chars: [",
        "",
    ],
)
def test_bad_limits_file_refuses_to_start(tmp_path: Path, content: str) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        make_family(PlatformFamily, limits_file=str(path))


def test_missing_limits_file_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        make_family(PlatformFamily, limits_file=str(tmp_path / "absent.yaml"))
    with pytest.raises(ConfigError):
        make_family(PlatformFamily, limits_file="no-such-file.yaml")


def test_unknown_option_is_rejected() -> None:
    with pytest.raises(ValueError, match="extra"):
        make_family(PlatformFamily, max_chars=5)
