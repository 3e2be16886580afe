"""Pain diary in Chromium: entries listed, notes as plain text, session stores kept apart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import open_entry_list, screenshot, wait_for_app
from tests.support.fixtures import server_fixture
from tests.support.server import Server, recording_server

PAIN_LABEL = "Pain now"


# Nothing configured, opened on 127.0.0.1: the privacy rule picks the SQLite file.
local_server = server_fixture("diary-local")
session_server = server_fixture("diary-session", mode="session")


@pytest.fixture
def pixel_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback web server that records every request made to it."""
    with recording_server() as (url, requests):
        yield url, requests


def open_diary(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/Pain_diary")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Pain diary", level=1)).to_be_visible()


def add_entry(page: Page, pain: int, *, flare: bool = False, note: str = "") -> None:
    page.get_by_role("radiogroup", name=PAIN_LABEL).get_by_role(
        "radio", name=str(pain), exact=True
    ).click()
    if flare:
        page.get_by_text("This is a flare-up").click()
    if note:
        page.get_by_text("Add more detail (optional)").click()
        page.get_by_label("Note (only you see it)").fill(note)
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved: ").first).to_contain_text(f"pain {pain}")


def entry_choices(page: Page) -> list[str]:
    """The labels in "Choose an entry to change or delete", one per listed entry."""
    options = open_entry_list(page)
    labels = options.all_inner_texts()
    page.keyboard.press("Escape")
    return labels


def test_three_entries_are_saved_and_listed(page: Page, local_server):
    open_diary(page, local_server)
    expect(
        page.get_by_text("Your diary, results and routine are saved on this computer")
    ).to_be_visible()
    add_entry(page, 7, flare=True)
    add_entry(page, 5)
    add_entry(page, 3)
    expect(page.get_by_text("3 entries, newest first.")).to_be_visible()
    expect(page.get_by_test_id("stTable")).to_be_visible()
    choices = entry_choices(page)
    assert len(choices) == 3
    assert sorted(c.split("· pain ")[1][:1] for c in choices) == ["3", "5", "7"]
    # Only the entry marked as a flare is one: the toggle must not carry over.
    flares = sorted(c.split("· pain ")[1][:1] for c in choices if "flare" in c)
    assert flares == ["7"], choices
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "diary-three-entries")
    # Saved in the file: a reload (a new session) still lists them.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("3 entries, newest first.")).to_be_visible()


def test_the_chart_and_its_summary_show_the_entries(page: Page, local_server):
    open_diary(page, local_server)
    if page.get_by_text("No entries yet").count():
        for pain in (6, 4, 2):
            add_entry(page, pain)
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart).to_be_visible()
    expect(page.locator("[role='graphics-document'], [aria-label]").first).to_be_attached()
    screenshot(page, "diary-chart")


def test_a_note_with_script_and_image_is_plain_text_and_fetches_nothing(
    page: Page, local_server, pixel_server
):
    pixel_url, requests = pixel_server
    note = f"<script>alert(1)</script> ![x]({pixel_url}/pixel.png) **bold**"
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_diary(page, local_server)
    add_entry(page, 4, note=note)
    # The note is stored and shown back exactly as typed.
    open_entry_list(page).first.click()
    wait_for_app(page)
    expect(page.get_by_label("Note (only you see it)").last).to_have_value(note)
    screenshot(page, "diary-note-plain-text")
    page.reload()  # a fresh render of the stored note must not fetch it either
    wait_for_app(page)
    expect(page.get_by_test_id("stTable")).to_be_visible()
    expect(page.locator("img[src*='pixel.png']")).to_have_count(0)
    expect(page.locator("script:text('alert(1)')")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert requests == [], f"the note made the browser fetch {requests}"
    assert dialogs == []


def test_two_visitors_with_the_session_store_never_see_each_others_entries(
    browser: Browser, session_server
):
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    open_diary(first, session_server)
    expect(first.get_by_text("this browser tab only").first).to_be_visible()
    add_entry(first, 9, note="first visitor")
    open_diary(second, session_server)
    expect(second.get_by_text("No entries yet")).to_be_visible()
    expect(second.get_by_role("button", name="Same as last entry")).to_be_disabled()
    add_entry(second, 1)
    assert [c.split("· pain ")[1][:1] for c in entry_choices(first)] == ["9"]
    assert [c.split("· pain ")[1][:1] for c in entry_choices(second)] == ["1"]
    first.reload()  # a reload is a new session: the tab's diary is gone by design
    wait_for_app(first)
    expect(first.get_by_text("No entries yet")).to_be_visible()
    add_entry(first, 8)
    assert [c.split("· pain ")[1][:1] for c in entry_choices(first)] == ["8"]
    screenshot(second, "diary-session-store")
    # Nothing was written on the server.
    assert not (session_server.log.parent / "data").exists()
    first.context.close()
    second.context.close()
