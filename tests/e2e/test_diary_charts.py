"""Browser: the diary charts render with an aria-label (alt text) and a summary next to them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import ROOT
from tests.support.browser import screenshot, wait_for_app
from tests.support.fixtures import server_fixture

DEMO_APP = ROOT / "tests" / "e2e" / "diary_charts_app.py"


charts_server = server_fixture("charts-server", script=DEMO_APP)


def _chart(page: Page, name: str):
    """A rendered Vega chart by its accessible name (from the spec's description)."""
    return page.locator(f"[data-testid='stVegaLiteChart'][aria-label^='{name}']")


def test_charts_render_with_alt_text_and_summaries(page: Page, charts_server):
    # Streamlit scrolls inside its own container: a tall window shows the whole page.
    page.set_viewport_size({"width": 1000, "height": 3400})
    page.goto(charts_server.url)
    wait_for_app(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    pain = _chart(page, "Chart of pain over time")
    expect(pain).to_have_count(1)
    expect(pain).to_be_visible()
    label = pain.get_attribute("aria-label")
    assert "Average pain 5.3 out of 10" in label
    expect(_chart(page, "Bar chart comparing average pain")).to_have_count(1)
    expect(_chart(page, "Line chart of Oswestry")).to_have_count(1)
    expect(_chart(page, "Bar chart of pain on the day after")).to_have_count(1)
    expect(page.get_by_text("you wrote 360 entries on 120 days")).to_be_visible()
    expect(page.get_by_text("This is a meaningful improvement", exact=False)).to_be_visible()
    expect(page.get_by_role("radiogroup", name="Time range to show")).to_be_visible()
    screenshot(page, "diary-charts")


def test_range_choice_redraws_the_chart(page: Page, charts_server):
    page.goto(charts_server.url)
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Time range to show").get_by_text("2 weeks").click()
    wait_for_app(page)
    expect(page.get_by_text("From 22 Apr 2025 to 5 May 2025", exact=False)).to_be_visible()
    expect(_chart(page, "Chart of pain over time, 2 weeks")).to_have_count(1)


def test_short_diary_says_not_enough_days(page: Page, charts_server):
    page.set_viewport_size({"width": 1000, "height": 1600})
    page.goto(f"{charts_server.url}/?diary=short")
    wait_for_app(page)
    expect(page.get_by_text("Not enough days yet")).to_be_visible()
    expect(_chart(page, "Chart of pain over time")).to_have_count(1)
    screenshot(page, "diary-charts-short")
