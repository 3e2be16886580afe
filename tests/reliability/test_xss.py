"""Hostile text in Chromium: shown as inert text, and the browser fetches nothing outside.

A diary note (and an imported file, and a shared-routine link) carries a script tag, HTML
with event handlers, and markdown links and images pointing at a loopback web server that
records every request. Wherever the text appears it must be plain text: no dialog, no new
element, and the recorder gets nothing. More broadly, every request the page makes
(``page.on("request")``) must go to the app's own origin.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from backcare.routine import SHARE_PARAM
from tests.helpers import table_value
from tests.support.browser import choose_file, open_entry_list, screenshot, wait_for_app
from tests.support.fixtures import server_fixture
from tests.support.server import Server, recording_server


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A loopback web server that records every request made to it."""
    with recording_server() as (url, requests):
        yield url, requests


server = server_fixture("xss")


def payloads(base: str) -> list[str]:
    """Each line is one way text could turn into markup or a request."""
    return [
        f"<script>fetch('{base}/script')</script>",
        f"<img src=x onerror=\"fetch('{base}/onerror')\">",
        f"<svg onload=\"fetch('{base}/svg')\"></svg>",
        f'<a href="{base}/html-link">html link</a>',
        f"[markdown link]({base}/md-link)",
        f"![markdown image]({base}/md-image.png)",
        f"<iframe src='{base}/iframe'></iframe>",
        f'<style>@import "{base}/css";</style>',
        f"{base}/bare-url",
        "**bold** _it_ `code` :red[red] $x^2$",
    ]


class Watch:
    """Every request, dialog and console error of one page."""

    def __init__(self, page: Page, origin: str) -> None:
        self.origin = origin
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def outside(self) -> list[str]:
        own = urlsplit(self.origin)
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob")
            and (urlsplit(url).hostname, urlsplit(url).port) != (own.hostname, own.port)
        ]


def assert_nothing_left_the_page(page: Page, watch: Watch, recorded: list[str], base: str):
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # an onerror handler runs after the image fails
    assert recorded == [], f"the hostile text made the browser fetch {recorded}"
    assert watch.outside() == [], f"requests left the app's origin: {watch.outside()}"
    assert watch.dialogs == []
    expect(page.locator(f"img[src^='{base}'], iframe[src^='{base}']")).to_have_count(0)
    expect(page.locator(f"a[href^='{base}']")).to_have_count(0)
    expect(page.locator("svg[onload], img[onerror]")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def open_page(page: Page, server: Server, path: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)


def test_a_hostile_note_is_plain_text_in_the_list_and_the_edit_form(page: Page, server, recorder):
    base, recorded = recorder
    watch = Watch(page, server.url)
    note = "\n".join(payloads(base))
    open_page(page, server, "Pain_diary")
    page.get_by_role("radiogroup", name="Pain now").get_by_role(
        "radio", name="4", exact=True
    ).click()
    page.get_by_text("Add more detail (optional)").click()
    page.get_by_label("Note (only you see it)").fill(note)
    page.get_by_label("Medication (name and dose)").fill(f"![m]({base}/medication.png)")
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved: ").first).to_contain_text("pain 4", timeout=30_000)
    assert_nothing_left_the_page(page, watch, recorded, base)

    # The list: a fresh render of the stored note (a reload is a new session).
    page.reload()
    wait_for_app(page)
    # The list is a table of plain text: the note shows as typed, as characters.
    expect(page.get_by_test_id("stTable").first).to_contain_text("<script>fetch(")
    assert_nothing_left_the_page(page, watch, recorded, base)

    # The edit form: the note comes back exactly as typed, in a text box.
    open_entry_list(page).first.click()
    wait_for_app(page)
    expect(page.get_by_label("Note (only you see it)").last).to_have_value(note)
    expect(page.get_by_label("Medication (name and dose)").last).to_have_value(
        f"![m]({base}/medication.png)"
    )
    screenshot(page, "xss-note-edit-form")
    assert_nothing_left_the_page(page, watch, recorded, base)


def test_a_hostile_import_file_is_reported_as_plain_text(page: Page, server, recorder, tmp_path):
    base, recorded = recorder
    watch = Watch(page, server.url)
    bad = tmp_path / "hostile.csv"
    header = f'date,pain,"<img src=x onerror=""fetch(\'{base}/column\')"">"\n'
    rows = f"![d]({base}/date.png),3\n2026-01-02,<script>fetch('{base}/pain')</script>\n"
    bad.write_text(header + rows, encoding="utf-8")
    open_page(page, server, "Pain_diary")
    choose_file(page, bad)
    page.get_by_role("button", name="Import entries").click()
    wait_for_app(page)
    expect(page.get_by_text("Nothing was imported").first).to_be_visible()
    expect(page.get_by_test_id("stTable").last).to_be_visible()  # the problems, as cells
    assert_nothing_left_the_page(page, watch, recorded, base)

    # A good file with hostile notes imports, and the notes stay inert in the list.
    good = tmp_path / "good.csv"
    good.write_text(
        "date,pain,note\n"
        + "".join(
            f'2025-0{i + 1}-01,{i},"{p.replace(chr(34), chr(34) * 2)}"\n'
            for i, p in enumerate(payloads(base)[:9])
        ),
        encoding="utf-8",
    )
    choose_file(page, good)
    page.get_by_role("button", name="Import entries").click()
    wait_for_app(page)
    expect(page.get_by_text("Imported 9 entries").first).to_be_visible(timeout=30_000)
    screenshot(page, "xss-import")
    assert_nothing_left_the_page(page, watch, recorded, base)


def test_a_hostile_share_link_is_refused_as_plain_text(page: Page, server, recorder):
    base, recorded = recorder
    watch = Watch(page, server.url)
    for link in (f"1~![x]({base}/a.png)", f"1~<img src=x onerror=fetch('{base}/b')>"):
        open_page(page, server, f"Routine_builder?{SHARE_PARAM}={quote(link)}")
        expect(page.get_by_text("damaged or out of date")).to_be_visible()
        assert_nothing_left_the_page(page, watch, recorded, base)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "Screening",
        "Learn",
        "Routine_builder",
        "Pain_diary",
        "About_and_privacy",
    ],
)
def test_every_page_with_a_hostile_query_string_fetches_only_from_the_app(
    page: Page, server, recorder, path
):
    base, recorded = recorder
    watch = Watch(page, server.url)
    query = quote(f"![x]({base}/q.png)<script>fetch('{base}/q')</script>")
    open_page(page, server, f"{path}?topic={query}&x={query}")
    expect(page.locator("h1").first).to_be_visible()
    assert_nothing_left_the_page(page, watch, recorded, base)
    assert watch.requests, "the page made no request at all: the watch did not work"


def test_the_problems_table_holds_the_hostile_text_verbatim(tmp_path, monkeypatch):
    """AppTest: the refused file's own text is in the problems table cells, unchanged."""
    import streamlit
    from streamlit.testing.v1 import AppTest

    from tests.helpers import APP

    monkeypatch.setenv("BACKCARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKCARE_STORAGE", "sql")
    monkeypatch.delenv("BACKCARE_DATABASE_URL", raising=False)
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    column = "<img src=x onerror=alert(1)>"
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("pages/4_Pain_diary.py").run()
    data = f'date,pain,"{column}"\n'.encode()
    at.file_uploader(key="diary_upload").set_value(("x.csv", data, "text/csv")).run()
    next(b for b in at.button if b.label == "Import entries").click().run()
    assert not at.exception
    problems = table_value(at.table[-1])
    assert f"unknown column {column!r}" in list(problems["Problem"])
    # Plain text in a table cell: every mark escaped, so no tag, link or image.
    assert "&#60;img" in at.table[-1].value["Problem"].iloc[0]
    # No markdown element carries it.
    assert not [m.value for m in at.markdown if "<img" in m.value]
    assert not [e.value for e in at.error if "<img" in e.value]
