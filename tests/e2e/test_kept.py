"""A visit picks up where the last one ended, in Chromium, with the SQL store (issue 13).

The server is started for each test with the privacy rule deciding (a browser on
127.0.0.1 gets the SQLite file in the test's data folder). "Restart the server" stops it
and starts a new one on the same data folder. The browser-store mode has its own tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backcare.routine import load_rules
from backcare.screening import load_red_flags
from tests.support.browser import screenshot, wait_for_app
from tests.support.server import start_server, storage_env

RULES = load_red_flags()
ROUTINE_RULES = load_rules()
HELD = "Your warning-sign check: Emergency"
SIZES = [
    ("phone", {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}),
    ("laptop", {"viewport": {"width": 1366, "height": 768}}),
]


class Servers:
    """One app server at a time on one data folder; ``restart()`` keeps the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = storage_env(folder / "data")  # "": the privacy rule decides
        self.now = start_server(folder, env=self.env)

    @property
    def url(self) -> str:
        return self.now.url

    def restart(self) -> None:
        self.now.stop()
        self.now = start_server(self.folder, env=self.env)

    def stop(self) -> None:
        self.now.stop()


@pytest.fixture
def servers(tmp_path, chromium_executable) -> Iterator[Servers]:
    made = Servers(tmp_path)
    try:
        yield made
    finally:
        made.stop()


def go(page: Page, url: str) -> Page:
    page.goto(url)
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    return page


def emergency_check(page: Page, url: str) -> None:
    go(page, f"{url}/Screening")
    question = RULES.flag("saddle_numbness").question
    page.get_by_role("checkbox", name=question).check(force=True)
    page.get_by_role("spinbutton", name="Your age in years").fill("58")
    page.get_by_role("button", name="Check my answers").click()
    wait_for_app(page)
    expect(
        page.get_by_test_id("stAlertContentError").filter(has_text="Emergency").first
    ).to_be_visible()


def the_emergency_stands(page: Page, url: str) -> None:
    """On every page, and the routine builder (also from a share link) offers nothing."""
    for path in ("", "/Learn", "/Pain_diary", "/About_and_privacy"):
        go(page, url + path)
        expect(page.get_by_text(HELD).first).to_be_visible()
    go(page, f"{url}/Screening")
    expect(page.get_by_text("Your last check:")).to_be_visible()
    expect(page.get_by_role("button", name=RULES.doctor_seen_label)).to_be_visible()
    for link in ("", "?routine=1~cat_cow.1.8.0.4"):
        go(page, f"{url}/Routine_builder{link}")
        expect(page.get_by_text(ROUTINE_RULES.refusal["emergency"].split(",")[0])).to_be_visible()
        expect(page.get_by_role("button", name="Build my routine")).to_have_count(0)
        expect(page.get_by_role("img", name="Line drawing:")).to_have_count(0)


def test_an_emergency_stands_after_reload_new_tab_and_server_restart(
    context: BrowserContext, servers: Servers
):
    page = context.new_page()
    emergency_check(page, servers.url)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Your last check:")).to_be_visible()
    the_emergency_stands(page, servers.url)
    the_emergency_stands(context.new_page(), servers.url)  # a new tab
    servers.restart()
    the_emergency_stands(context.new_page(), servers.url)


def build_routine(page: Page, url: str) -> list[str]:
    go(page, f"{url}/Routine_builder")
    page.get_by_role("button", name=ROUTINE_RULES.check_first["confirm"]).click()
    wait_for_app(page)
    page.get_by_label(ROUTINE_RULES.age_question).fill("45")
    page.get_by_role("button", name="Build my routine").click()
    wait_for_app(page)
    expect(page.get_by_text("You are in week 1 of 8")).to_be_visible()
    return exercises(page)


def exercises(page: Page) -> list[str]:
    """The routine's numbered exercise names, in order ("1. Cat-cow", ...)."""
    names = page.get_by_test_id("stMain").locator("strong").filter(has_text=re.compile(r"^\d+\. "))
    return names.all_inner_texts()


def add_entries(page: Page, url: str, pains: list[int]) -> None:
    go(page, f"{url}/Pain_diary")
    for pain in pains:
        page.get_by_role("radiogroup", name="Pain now").get_by_role(
            "radio", name=str(pain), exact=True
        ).click()
        page.get_by_role("button", name="Save entry").click()
        wait_for_app(page)
        expect(page.get_by_text("Saved: ").first).to_contain_text(f"pain {pain}")


def routine_and_diary_are_there(page: Page, url: str, names: list[str]) -> None:
    go(page, f"{url}/Routine_builder")
    expect(page.get_by_text("You are in week 1 of 8")).to_be_visible()
    assert exercises(page) == names
    go(page, f"{url}/Pain_diary")
    expect(page.get_by_text("3 entries, newest first.")).to_be_visible()


def test_a_routine_and_three_entries_survive_reload_new_tab_and_restart(
    context: BrowserContext, servers: Servers
):
    page = context.new_page()
    names = build_routine(page, servers.url)
    assert len(names) >= 4
    add_entries(page, servers.url, [6, 4, 3])
    page.reload()
    wait_for_app(page)
    routine_and_diary_are_there(page, servers.url, names)
    routine_and_diary_are_there(context.new_page(), servers.url, names)
    servers.restart()
    routine_and_diary_are_there(context.new_page(), servers.url, names)


@pytest.mark.parametrize(("size", "options"), SIZES, ids=[s[0] for s in SIZES])
def test_screenshots_of_kept_records_on_phone_and_laptop(
    browser: Browser, servers: Servers, size, options
):
    """The pages this issue changed, for a person to look at (tests/e2e/screenshots)."""
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        url = servers.url
        build_routine(page, url)
        screenshot(page, f"Kept-Routine_builder-{size}")
        emergency_check(page, url)
        go(page, f"{url}/Screening")
        screenshot(page, f"Kept-Screening-emergency-{size}")
        for path, name in (("", "Home"), ("/Learn", "Learn"), ("/Routine_builder", "Routine_held")):
            go(page, url + path)
            screenshot(page, f"Kept-{name}-emergency-{size}")
        go(page, f"{url}/Screening")
        page.get_by_role("button", name=RULES.doctor_seen_label).click()
        wait_for_app(page)
        expect(page.get_by_text("A doctor saw you about this check on")).to_be_visible()
        screenshot(page, f"Kept-Screening-doctor-seen-{size}")
        go(page, f"{url}/Routine_builder")
        screenshot(page, f"Kept-Routine_builder-after-doctor-{size}")
        go(page, f"{url}/About_and_privacy")
        page.get_by_text("Delete everything").first.click()
        screenshot(page, f"Kept-About-{size}")
    finally:
        context.close()
