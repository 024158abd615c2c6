"""report.html in a real browser: Debian's Chromium, driven headless by Playwright, must draw the
per-category chart with real bars; a screenshot is kept under test-output/ to look at.

Chromium comes from `make install-dev` (apt, as root); Playwright's own browser download is
never used. Without /usr/bin/chromium this test fails and says how to install it: a report
nobody has seen rendered is not a feature.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from evals.report.write import write_report
from evals.runner import load_suite, run_suite
from tests.evals.helpers import FakeChecker, guardrail_suite

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "report-browser"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), (
        "Debian's chromium is missing: run `make install-dev` as root (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    # the report is self-contained: any request for something other than the file itself is a bug
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    opened = context.new_page()
    yield opened
    context.close()
    assert all(url.startswith("file://") for url in requests), requests


def test_guardrail_report_draws_the_per_category_chart(tmp_path: Path, page: Page) -> None:
    report = run_suite(load_suite(str(guardrail_suite(tmp_path))), checker_factory=FakeChecker)
    _, html_path = write_report(report, tmp_path / "report")
    page.goto(html_path.as_uri())

    chart = page.locator("svg#per-category-chart-mini")
    assert chart.is_visible()
    chart_box = chart.bounding_box()
    assert chart_box is not None
    assert chart_box["width"] > 300
    bars = chart.locator("rect.bar")
    expected = {
        (group, series): report.splits[0].metrics[f"{key}.{series}"].value
        for group, key in (("patient_status", "patient_status"), ("phi spans", "phi_spans"))
        for series in ("precision", "recall")
    }
    drawn: dict[tuple[str, str], float] = {}
    for index in range(bars.count()):
        bar = bars.nth(index)
        box = bar.bounding_box()
        assert box is not None
        assert box["width"] > 0
        drawn[(bar.get_attribute("data-group") or "", bar.get_attribute("data-series") or "")] = box["height"]
        assert bar.evaluate("el => getComputedStyle(el).fill") not in ("", "none")
    assert set(expected) <= set(drawn)
    # heights follow the values: a bar at 1.0 is the full plot, a bar at 0 has no height
    full = max(drawn[k] for k, v in expected.items() if v == 1.0)
    assert full > 150
    for key, value in expected.items():
        assert drawn[key] == pytest.approx(full * value, abs=1.5), key

    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / "guardrail-report.png"
    chart_shot = OUTPUT / "guardrail-report-chart.png"
    page.screenshot(path=str(shot), full_page=True)
    chart.screenshot(path=str(chart_shot))
    for path in (shot, chart_shot):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 5_000
