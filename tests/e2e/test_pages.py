"""Open every page in Chromium: no exception, the right title, a screenshot each."""

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import PAGE_TABLE
from tests.support.browser import screenshot, wait_for_app


@pytest.mark.parametrize(("_file", "title", "path"), PAGE_TABLE)
def test_page_opens_in_browser(page: Page, app_url, _file, title, path):
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    expect(page).to_have_title(title)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    expect(page.get_by_text("Not a diagnosis").first).to_be_visible()
    screenshot(page, path or "Home")


def test_sidebar_link_leads_to_screening(page: Page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Check for warning signs").click()
    wait_for_app(page)
    expect(page).to_have_title("Screening · BackCare")


def test_menu_names_every_page(page: Page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    for label in [
        "Home",
        "Screening",
        "Learn",
        "Routine builder",
        "Pain diary",
        "About and privacy",
    ]:
        expect(sidebar.get_by_role("link", name=label, exact=True)).to_be_visible()
