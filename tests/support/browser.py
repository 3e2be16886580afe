"""Browser helpers for the real-browser tests and the benches (Playwright, sync API)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.helpers import ROOT

SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def wait_for_app(page: Page, timeout: float = 30_000) -> None:
    """Wait until the websocket is connected and the script run has finished."""
    app = page.locator("[data-testid='stApp']")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    # Placeholders drawn while elements load, and elements left from the previous run.
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=timeout)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=timeout)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose_file(page: Page, path: Path) -> None:
    """Put a file in the page's file uploader and wait for the run the upload starts.

    The upload triggers its own rerun a moment after the file is listed; a click made
    before that run has begun can be lost (seen once in CI on a busy machine), so wait
    for the file to be listed, give the rerun a moment to start, then for it to finish.
    """
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible()
    page.wait_for_timeout(500)
    wait_for_app(page)


def open_entry_list(page: Page):
    """Open "Choose an entry to change or delete" and return its options."""
    page.bring_to_front()  # the list opens on focus; a page in the background has none
    select = page.get_by_label("Choose an entry to change or delete")
    options = page.get_by_role("option")
    for _attempt in range(3):
        select.click()
        try:
            expect(options.first).to_be_visible(timeout=5_000)
            return options
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError("the entry list did not open")


def open_questionnaire(page: Page, tab: str) -> None:
    """Open a questionnaire's tab and its form: once a result is kept (a server shared by a
    module's tests), the form is folded under "Answer it again"."""
    page.get_by_role("tab", name=tab).click()
    again = page.locator("[role='tabpanel']:visible").get_by_text("Answer it again")
    page.wait_for_timeout(300)  # the tab's content is drawn
    if again.count() and not page.get_by_role("button", name=f"Score {tab}").is_visible():
        again.click()


def save_with_note(page: Page, pain: int, note: str, timeout: float = 30_000) -> None:
    """Add one diary entry with the quick entry form, its note typed under "Add more
    detail (optional)", and wait for its "Saved:" confirmation."""
    page.get_by_role("radiogroup", name="Pain now").get_by_role(
        "radio", name=str(pain), exact=True
    ).click()
    page.get_by_text("Add more detail (optional)").click()
    page.get_by_label("Note (only you see it)").fill(note)
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved: ").first).to_contain_text(f"pain {pain}", timeout=timeout)
