"""Kept records in "this browser" mode, in Chromium (BACKCARE_STORAGE=browser, issue 13).

The warning-sign check lives in the visitor's IndexedDB like the diary: an urgent result
stands after a reload and in a new tab, the Routine builder refuses while it stands, and
nothing is written on the server. (The SQL mode's own tests are tests/e2e/test_kept.py.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backcare.routine import load_rules
from backcare.screening import load_red_flags
from tests.support.browser import screenshot, wait_for_app
from tests.support.fixtures import server_fixture
from tests.support.idb import records

kept_browser_server = server_fixture("kept-browser", mode="browser")

RULES = load_red_flags()
ROUTINE_RULES = load_rules()
HELD = f"Your warning-sign check: {RULES.levels['urgent'].label}"
SIZES = [
    ("phone", {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}),
    ("laptop", {"viewport": {"width": 1366, "height": 768}}),
]


@pytest.fixture(params=SIZES, ids=[name for name, _ in SIZES])
def context(request, browser: Browser) -> Iterator[BrowserContext]:
    """A browser profile of its own, at a phone's or a laptop's size."""
    made = browser.new_context(**request.param[1])
    yield made
    made.close()


def go(page: Page, url: str) -> Page:
    """Open a page and wait until the browser has handed over what it keeps."""
    page.goto(url)
    expect(page.get_by_text("Reading what this browser keeps")).to_have_count(0, timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    return page


def urgent_check(page: Page, url: str) -> None:
    go(page, f"{url}/Screening")
    question = RULES.flag("night_pain").question
    page.get_by_role("checkbox", name=question).check(force=True)
    page.get_by_role("spinbutton", name="Your age in years").fill("45")
    page.get_by_role("button", name="Check my answers").click()
    wait_for_app(page)
    expect(page.get_by_text(RULES.levels["urgent"].action).first).to_be_visible()


def kept_checks(page: Page) -> list[dict]:
    return [r for r in records(page) or [] if r["kind"] == "record:check"]


def the_urgent_result_stands(page: Page, url: str) -> None:
    for path in ("", "/Learn", "/Pain_diary", "/About_and_privacy"):
        go(page, url + path)
        expect(page.get_by_text(HELD).first).to_be_visible()
    go(page, f"{url}/Screening")
    expect(page.get_by_text("Your last check:")).to_be_visible()
    go(page, f"{url}/Routine_builder")
    expect(page.get_by_text(ROUTINE_RULES.refusal["urgent"].split(",")[0])).to_be_visible()
    expect(page.get_by_role("button", name="Build my routine")).to_have_count(0)
    expect(page.get_by_role("img", name="Line drawing:")).to_have_count(0)


def test_an_urgent_check_is_kept_in_the_browser_through_reload_and_new_tab(
    request, context: BrowserContext, kept_browser_server
):
    url = kept_browser_server.url
    page = context.new_page()
    urgent_check(page, url)
    # The browser keeps the write once its transaction completed: wait for it to be there.
    for _ in range(120):
        if kept_checks(page):
            break
        page.wait_for_timeout(250)
    (check,) = kept_checks(page)
    assert check["value"]["payload"]["level"] == "urgent"
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text(HELD).first).to_be_visible(timeout=30_000)
    the_urgent_result_stands(page, url)
    screenshot(page, f"browser-kept-routine-refused-{request.node.callspec.id}")
    the_urgent_result_stands(context.new_page(), url)  # a new tab of the same browser
    # Nothing was written on the server: no diary file in its data folder.
    data = kept_browser_server.data_dir
    assert data is None or not any(data.glob("*.sqlite3*"))
