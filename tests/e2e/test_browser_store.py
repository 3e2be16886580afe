"""The "this browser" store in Chromium (BACKCARE_STORAGE=browser): what a person relies on.

Entries survive a reload, a new tab and a server restart; two browser profiles never
meet; "Forget everything" leaves IndexedDB empty; a browser that refuses storage (or is
full) says so at once, keeps the entries in the tab, exports them and asks before the tab
closes; hostile text read back stays inert; a passphrase protects what is kept and a wrong
one loses nothing; a 10-year diary loads; a score kept late in a run reaches the browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.browser import wait_for_app
from tests.support.fixtures import server_fixture
from tests.support.idb import IDB_SEED, diary, records, seed
from tests.support.server import Server, start_server, storage_env

browser_server = server_fixture("diary-browser", mode="browser")

SAVED = "Saved in this browser"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser profile of its own (pytest-playwright's ``page`` shares one per test)."""
    made = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield made
    made.close()


def open_diary(page: Page, url: str) -> None:
    page.goto(f"{url}/Pain_diary")
    diary_shown(page)


def diary_shown(page: Page, timeout: float = 30_000) -> None:
    """Wait for the diary: it shows once the browser has handed over what it keeps."""
    expect(page.get_by_role("heading", name="Pain diary", level=1)).to_be_visible(timeout=timeout)
    wait_for_app(page)


def add_entry(page: Page, pain: int, note: str = "") -> None:
    """Save an entry and wait until the browser has confirmed it."""
    page.get_by_role("radiogroup", name="Pain now").get_by_role(
        "radio", name=str(pain), exact=True
    ).click()
    if note:
        page.get_by_text("Add more detail (optional)").click()
        page.get_by_label("Note (only you see it)").fill(note)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text(SAVED).filter(has_text=f"pain {pain}")).to_be_visible(timeout=30_000)
    wait_for_app(page)


def listed(page: Page, count: int) -> None:
    words = f"{count} {'entry' if count == 1 else 'entries'}, newest first."
    expect(page.get_by_text(words)).to_be_visible(timeout=30_000)


def pains_kept(page: Page) -> list[int]:
    return sorted(r["value"]["pain"] for r in records(page) or [] if r["kind"] == "entry")


def assert_quiet(page: Page, seconds: float = 2.0) -> None:
    """Nothing goes to the server while nobody does anything: no rerun loop."""
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _f: sent.append(1)))
    frames = page.evaluate(
        """async (ms) => { let n = 0; const orig = WebSocket.prototype.send;
        WebSocket.prototype.send = function (...a) { n++; return orig.apply(this, a); };
        await new Promise((r) => setTimeout(r, ms));
        WebSocket.prototype.send = orig; return n; }""",
        seconds * 1000,
    )
    assert frames == 0, f"{frames} messages sent while idle"


def forget(page: Page) -> None:
    """Open "Forget everything in this browser", say yes, and press it."""
    page.get_by_text("Forget everything in this browser").first.click()
    page.get_by_text("I understand that it will be gone for good").click()
    button = page.get_by_role("button", name="Forget everything in this browser")
    expect(button).to_be_enabled()
    wait_for_app(page)
    button.click()


def export_json(page: Page, tmp_path: Path, button: str) -> list[dict]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    target = tmp_path / "export.json"
    info.value.save_as(target)
    return json.loads(target.read_text(encoding="utf-8"))["entries"]


# --------------------------------------------------------------------------- kept


def test_entries_survive_reload_new_tab_and_a_server_restart(context: BrowserContext, tmp_path):
    data = tmp_path / "data"
    env = storage_env(data, "browser")
    first = start_server(tmp_path, env=env)
    second: Server | None = None
    try:
        page = context.new_page()
        open_diary(page, first.url)
        for pain in (7, 5, 3):
            add_entry(page, pain)
        listed(page, 3)
        assert pains_kept(page) == [3, 5, 7]
        page.reload()
        diary_shown(page)
        listed(page, 3)
        # A new tab of the same browser; its write reaches the first tab by itself.
        other = context.new_page()
        open_diary(other, first.url)
        listed(other, 3)
        add_entry(other, 9)
        listed(page, 4)
        other.close()
        # Same port after the restart: IndexedDB belongs to the origin, port included.
        first.stop()
        second = start_server(tmp_path, env=env, port=first.port)
        # The open page reconnects to a new session, which reads the browser again.
        wait_for_app(page, timeout=60_000)
        add_entry(page, 1)
        listed(page, 5)
        open_diary(page, second.url)
        listed(page, 5)
    finally:
        first.stop()
        if second is not None:
            second.stop()
    assert not data.exists()  # nothing was written on the server


def test_two_browser_profiles_never_meet(browser: Browser, browser_server):
    alice, bob = browser.new_context(), browser.new_context()
    try:
        a, b = alice.new_page(), bob.new_page()
        open_diary(a, browser_server.url)
        open_diary(b, browser_server.url)
        add_entry(a, 6, note="only alice")
        b.reload()
        diary_shown(b)
        expect(b.get_by_text("No entries yet")).to_be_visible()
        expect(b.get_by_text("only alice")).to_have_count(0)
        assert pains_kept(b) == []
        assert_quiet(a)  # a loaded page says nothing more to the server
    finally:
        alice.close()
        bob.close()


def test_forget_everything_leaves_nothing_in_the_browser(context: BrowserContext, browser_server):
    page = context.new_page()
    open_diary(page, browser_server.url)
    add_entry(page, 4)
    assert len(records(page)) == 1
    forget(page)
    expect(page.get_by_text("Everything BackCare kept in this browser is deleted.")).to_be_visible()
    expect(page.get_by_text("No entries yet")).to_be_visible()
    wait_for_app(page)
    assert records(page) is None  # no database named "backcare" at all
    assert page.evaluate("async () => (await indexedDB.databases()).length") == 0


# --------------------------------------------------------------------------- refused

# indexedDB.open throws: storage forbidden to the page.
OPEN_THROWS = """IDBFactory.prototype.open = function () {
  throw new DOMException('The user denied permission to access the database.', 'SecurityError');
};"""
# indexedDB.open answers with an error event (some private windows: InvalidStateError).
OPEN_ERROR_EVENT = """IDBFactory.prototype.open = function () {
  const req = { result: undefined, error: null };
  setTimeout(() => {
    req.error = new DOMException('A mutation operation was attempted on a database that '
      + 'did not allow mutations.', 'InvalidStateError');
    if (req.onerror) req.onerror({ preventDefault() {} });
  }, 20);
  return req;
};"""
# indexedDB.open never answers: the component gives up after 5 s.
OPEN_HANGS = "IDBFactory.prototype.open = function () { return {}; };"


@pytest.mark.parametrize(
    ("script", "words"),
    [
        (OPEN_THROWS, "does not let this site keep data"),
        (OPEN_ERROR_EVENT, "does not allow storage in this window"),
        (OPEN_HANGS, "did not open its storage in time"),
    ],
    ids=["open-throws", "open-error-event", "open-hangs"],
)
def test_refused_storage_is_said_at_once_and_export_still_works(
    context: BrowserContext, browser_server, tmp_path, script, words
):
    context.add_init_script(script)
    page = context.new_page()
    open_diary(page, browser_server.url)
    expect(page.get_by_text("This browser is not keeping what you enter")).to_be_visible()
    expect(page.get_by_text(words)).to_be_visible()
    page.get_by_role("radiogroup", name="Pain now").get_by_role("radio", name="6").click()
    page.get_by_role("button", name="Save entry").click()
    # Under load (CI runs 2 cores) the rerun that says so can take more than the default 5 s.
    expect(page.get_by_text("1 entry is waiting in this tab")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert [e["pain"] for e in export_json(page, tmp_path, "Export my diary now (JSON)")] == [6]
    if script == OPEN_THROWS:  # once is enough: leaving the tab asks first
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
        page.close(run_before_unload=True)
        page.wait_for_timeout(500)
        assert dialogs == ["beforeunload"]


def test_a_full_browser_keeps_the_entry_in_the_tab_and_exports_it(
    context: BrowserContext, browser_server, tmp_path
):
    """A real QuotaExceededError: Chromium's quota for the origin set to 1 byte (CDP), before
    the page loads (the override counts only for storage opened after it)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": browser_server.url, "quotaSize": 1})
    open_diary(page, browser_server.url)
    page.get_by_role("radiogroup", name="Pain now").get_by_role("radio", name="2").click()
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("storage for BackCare is full")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("QuotaExceededError")).to_be_visible()
    wait_for_app(page)
    listed(page, 1)
    assert [e["pain"] for e in export_json(page, tmp_path, "Download JSON")] == [2]
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": browser_server.url})
    page.get_by_role("button", name="Try saving again").click()
    expect(page.get_by_text("everything this tab was holding")).to_be_visible(timeout=30_000)
    assert pains_kept(page) == [2]


# --------------------------------------------------------------------------- read back

HOSTILE = [
    "<img src=x onerror=\"window.__pwned=1;fetch('http://127.0.0.2:9/img')\">",
    "<script>window.__pwned=2</script>",
    "![beacon](http://127.0.0.2:9/beacon.png)",
    "[click](javascript:window.__pwned=3)",
    "</div><iframe src=http://127.0.0.2:9/frame></iframe>",
]


def test_hostile_text_kept_in_the_browser_stays_inert_when_read_back(
    context: BrowserContext, browser_server
):
    page = context.new_page()
    open_diary(page, browser_server.url)  # the database exists once the page has opened
    seeded = [
        {"kind": "entry", "id": f"h{i}", "v": {"timestamp": f"2024-05-0{i + 1} 08:00:00",
                                                 "pain": i, "note": text, "owner": "browser"}}
        for i, text in enumerate(HOSTILE)
    ]  # fmt: skip
    page.evaluate(IDB_SEED, seeded)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.reload()
    diary_shown(page)
    listed(page, len(HOSTILE))
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.locator("iframe, img[src='x']").count() == 0
    own = (browser_server.url, f"blob:{browser_server.url}", "data:")
    assert [u for u in requests if not u.startswith(own)] == []
    assert sorted(r["value"]["note"] for r in records(page)) == sorted(HOSTILE)


# --------------------------------------------------------------------------- passphrase


def test_a_passphrase_protects_what_is_kept_and_a_wrong_one_loses_nothing(
    context: BrowserContext, browser_server
):
    page = context.new_page()
    open_diary(page, browser_server.url)
    add_entry(page, 5, note="private")
    page.get_by_role("button", name="Protect with a passphrase").click()
    page.get_by_label("New passphrase").fill("correct horse battery")
    page.get_by_label("The same passphrase again").fill("correct horse battery")
    page.get_by_role("button", name="Protect with this passphrase").click()
    expect(page.get_by_text("now protected by your passphrase")).to_be_visible(timeout=30_000)
    kept = records(page)
    assert len(kept) == 1 and kept[0]["encrypted"] and kept[0]["value"] is None
    assert "private" not in json.dumps(kept)

    page.reload()
    expect(page.get_by_text("protected by a passphrase").first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Pain diary")).to_have_count(0)
    wait_for_app(page)
    assert_quiet(page)
    page.get_by_label("Passphrase", exact=True).fill("wrong horse")
    page.get_by_role("button", name="Open my saved data").click()
    expect(page.get_by_text("Nothing was changed or lost")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert len(records(page)) == 1
    page.get_by_label("Passphrase", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Open my saved data").click()
    diary_shown(page)
    listed(page, 1)
    add_entry(page, 3)  # a write while protected is encrypted too
    assert [r["encrypted"] for r in records(page)] == [True, True]


# --------------------------------------------------------------------------- scale, late writes


def test_a_ten_year_diary_loads_from_the_browser_and_the_page_stays_usable(
    context: BrowserContext, browser_server
):
    page = context.new_page()
    open_diary(page, browser_server.url)
    seed(page, diary())
    page.reload()
    expect(page.get_by_text("The latest 20 of your 14600 entries")).to_be_visible(timeout=120_000)
    wait_for_app(page)
    add_entry(page, 8)
    expect(page.get_by_text("The latest 20 of your 14601 entries")).to_be_visible()


def test_a_score_kept_late_in_a_run_reaches_the_browser_without_another_click(
    context: BrowserContext, browser_server
):
    page = context.new_page()
    page.goto(f"{browser_server.url}/Screening")
    expect(page.get_by_role("heading", name="Screening", level=1)).to_be_visible(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("tab", name="PEG").click()
    for letter in ("P.", "E.", "G."):
        page.get_by_role("radiogroup", name=letter).get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Score PEG").click()
    expect(page.get_by_text("Your PEG score: 4.0 out of 10")).to_be_visible()
    page.wait_for_function(
        """async () => new Promise((resolve) => {
          const req = indexedDB.open('backcare');
          req.onsuccess = () => { const db = req.result;
            const c = db.transaction('records').objectStore('records').count();
            c.onsuccess = () => { db.close(); resolve(c.result === 1); }; };
        })""",
        timeout=15_000,
    )
    kinds = [r["kind"] for r in records(page)]
    assert kinds == ["screening"]
