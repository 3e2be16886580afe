"""Build a routine in Chromium: the drawings are visible, swap and downloads work."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from backcare.routine import Profile, build_routine, encode_share
from tests.support.browser import screenshot, wait_for_app


def _build(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/Routine_builder")
    wait_for_app(page)
    page.get_by_role("button", name="Build my routine").click()
    wait_for_app(page)


def test_build_a_routine_and_see_the_drawings(page: Page, app_url):
    _build(page, app_url)
    expect(page.get_by_text("Your routine: about")).to_be_visible()
    drawings = page.get_by_role("img", name="Line drawing:")
    expected = len(build_routine(Profile(minutes=20, equipment=frozenset())).items)
    expect(drawings).to_have_count(expected)
    for n in range(expected):
        drawing = drawings.nth(n)
        drawing.scroll_into_view_if_needed()
        expect(drawing).to_be_visible()
        assert drawing.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_role("heading", name="Warm-up")).to_be_visible()
    expect(page.get_by_role("heading", name="Cool-down")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "Routine_builder-built")


def test_swap_and_download_the_handout(page: Page, app_url, tmp_path):
    _build(page, app_url)
    second = page.get_by_text(re.compile(r"^2\. ")).first
    before = second.inner_text()
    page.get_by_role("button", name="Swap for another exercise").nth(1).click()
    expect(second).not_to_have_text(before)
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the handout (PDF)").click()
    path = tmp_path / "handout.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.get_by_role("button", name="Add to my calendar (.ics)").click()
    ics = tmp_path / "routine.ics"
    info.value.save_as(ics)
    assert ics.read_text().count("BEGIN:VEVENT") == 3 * 8


def test_share_link_reopens_the_routine(page: Page, app_url):
    routine = build_routine(Profile(minutes=10))
    page.goto(f"{app_url}/Routine_builder?routine={encode_share(routine)}")
    wait_for_app(page)
    expect(page.get_by_text("came from a shared link")).to_be_visible()
    expect(page.get_by_role("img", name="Line drawing:")).to_have_count(len(routine.items))
    screenshot(page, "Routine_builder-shared")


def test_damaged_share_link_shows_an_error_only(page: Page, app_url):
    page.goto(f"{app_url}/Routine_builder?routine=1~nope.1.5.0.4")
    wait_for_app(page)
    expect(page.get_by_text("damaged or out of date")).to_be_visible()
    expect(page.get_by_role("img", name="Line drawing:")).to_have_count(0)
