"""Demo mode in Chromium: the banner on every page, the demo diary chart, the summary PDF,
and a fresh server whose home page starts without errors or warnings."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from backcare.demo import demo_patient
from tests.support.browser import screenshot, wait_for_app
from tests.support.server import start_server, storage_env

# (menu label, screenshot name) in menu order; every page is reached through the menu
# because a typed URL starts a new session (and so switches the demo off).
MENU_PAGES = [
    ("Home", "Demo-Home"),
    ("Screening", "Demo-Screening"),
    ("Learn", "Demo-Learn"),
    ("Routine builder", "Demo-Routine_builder"),
    ("Pain diary", "Demo-Pain_diary"),
    ("About and privacy", "Demo-About_and_privacy"),
]
BANNER = "Demo data."


def _switch_on(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_text(BANNER)).to_have_count(0)
    page.get_by_test_id("stMain").get_by_text("Demo patient", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text(BANNER).first).to_be_visible()


def _open(page: Page, label: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True).click()
    wait_for_app(page)


def test_banner_on_every_page_and_a_full_diary_chart(page: Page, app_url):
    _switch_on(page, app_url)
    entries = len(demo_patient("chronic").entries)
    for label, name in MENU_PAGES:
        _open(page, label)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        expect(page.get_by_text(BANNER)).to_have_count(1)
        sidebar_switch = page.get_by_test_id("stSidebar").get_by_role("switch", name="Demo patient")
        expect(sidebar_switch).to_be_checked()
        if label == "Pain diary":
            chart = page.locator("[data-testid='stVegaLiteChart']").first
            chart.scroll_into_view_if_needed()
            expect(chart).to_be_visible()
            # The chart's alt text comes from the data it draws: the persona's whole diary.
            expect(chart).to_have_attribute("aria-label", re.compile(f"wrote {entries} entries"))
            expect(chart.locator("svg, canvas").first).to_be_visible()
            expect(page.get_by_text(re.compile(f"wrote {entries} entries")).first).to_be_visible()
        screenshot(page, name)


def test_summary_pdf_downloads_with_scores_and_chart(page: Page, app_url, tmp_path):
    _switch_on(page, app_url)
    _open(page, "Pain diary")
    button = page.get_by_role("button", name="Download the clinician summary (PDF)")
    button.scroll_into_view_if_needed()
    screenshot(page, "Demo-Pain_diary-summary")
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "summary.pdf"
    info.value.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert len(reader.pages) <= 2
    assert "BackCare summary for your clinician" in text
    assert "24% (Moderate" in text and "Yes, better" in text
    assert any(p.images for p in reader.pages)


def test_switching_off_brings_back_the_own_empty_diary(page: Page, app_url):
    _switch_on(page, app_url)
    _open(page, "Pain diary")
    expect(page.get_by_text("Demo data: this diary belongs to a made-up patient")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("Demo patient", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text(BANNER)).to_have_count(0)
    expect(page.get_by_text("No entries yet.")).to_be_visible()


@pytest.fixture
def fresh_server(tmp_path):
    """A server with nothing configured (no secrets file, no BACKCARE_* settings)."""
    server = start_server(tmp_path, env=storage_env(tmp_path / "data"))
    yield server
    server.stop()


def test_fresh_server_home_has_no_error_or_warning(page: Page, fresh_server):
    page.goto(fresh_server.url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="BackCare", level=1)).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.get_by_test_id("stMain").get_by_text("Demo patient", exact=True)).to_be_visible()
    log = fresh_server.log.read_text()
    assert not re.search(r"WARNING|ERROR|Traceback|No secrets", log), log
