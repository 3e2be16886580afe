"""A 10-year diary loading from the visitor's browser (IndexedDB) against the SQL diary.

Run from the project root (needs Chromium):

    python bench/bench_browser_store.py --repeat 5
    python bench/bench_browser_store.py --entries 200 --repeat 1   # a quick look

Two servers, started the same way as the tests' (``tests/support/server.py``), each with
a temporary data folder: ``BACKCARE_STORAGE=browser``, and ``BACKCARE_STORAGE=sql`` with
the same diary seeded into its SQLite file (``SqlStore.add_many``). The diary: 14,600
entries (4 a day for 10 years) with 288-character notes (``tests/support/idb.py``), about
5.4 MB of JSON, so the browser hands it over in two chunks of at most 4 MB.

Timed in Chromium, alternating the two modes, ``--repeat`` times each:

- **Load**: from navigation to the diary's "The latest 20 of your 14600 entries" on the
  page, read in the page (``performance.now()`` when the line appears, polled every
  50 ms; 0 is the navigation's start). A browser-mode load is: the first script run,
  the component reading IndexedDB, the chunks going to the server, and the run that has
  them all; the SQL load is one script run reading the database.
- **Save**: with the diary loaded, from the click on "Save entry" to "Saved in this
  browser: ..." (browser: two script runs and the IndexedDB transaction) or "Saved: ..."
  (SQL: one run), in wall time.

Prints a Markdown table of medians (and every run). Nothing is asserted: numbers go to
bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from backcare.storage import SqlStore, database_url  # noqa: E402
from tests.support.browser import CHROMIUM_ARGS, wait_for_app  # noqa: E402
from tests.support.idb import TEN_YEARS, diary, seed  # noqa: E402
from tests.support.server import Server, start_server, storage_env  # noqa: E402

# Polled in the page: the time the line first appeared, in ms since navigation started.
READY_AT = """(text) => {
  const hit = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .some((e) => e.innerText.includes(text));
  if (hit && window.__readyAt === undefined) window.__readyAt = performance.now();
  return hit;
}"""


def loaded_line(count: int) -> str:
    return f"The latest 20 of your {count} entries"


def load_ms(page: Page, url: str, count: int) -> float:
    page.goto(f"{url}/Pain_diary")
    page.wait_for_function(READY_AT, arg=loaded_line(count), polling=50, timeout=180_000)
    ready = page.evaluate("window.__readyAt")
    wait_for_app(page, timeout=180_000)
    return float(ready)


def save_ms(page: Page, pain: int, confirmation: str) -> float:
    page.get_by_role("radiogroup", name="Pain now").get_by_role(
        "radio", name=str(pain), exact=True
    ).click()
    start = time.perf_counter()
    page.get_by_role("button", name="Save entry").click()
    done = page.get_by_text(confirmation).filter(has_text=f"pain {pain}")
    expect(done).to_be_visible(timeout=180_000)
    elapsed = (time.perf_counter() - start) * 1000
    wait_for_app(page, timeout=180_000)
    return elapsed


def start(folder: Path, mode: str, count: int) -> Server:
    folder.mkdir(parents=True)
    env = storage_env(folder / "data", mode)
    if mode == "sql":
        store = SqlStore(database_url(env))  # the file the server will open
        store.add_many(diary(count, owner="local"))
        store.engine.dispose()
    return start_server(folder, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=TEN_YEARS)
    parser.add_argument("--repeat", type=int, default=5)
    chromium_path = os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
    parser.add_argument("--chromium", default=chromium_path)
    args = parser.parse_args()
    count = args.entries
    loads: dict[str, list[float]] = {"browser": [], "sql": []}
    saves: dict[str, list[float]] = {"browser": [], "sql": []}
    with tempfile.TemporaryDirectory() as tmp:
        servers = {mode: start(Path(tmp) / mode, mode, count) for mode in ("browser", "sql")}
        try:
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(
                    executable_path=args.chromium, args=CHROMIUM_ARGS
                )
                viewport = {"width": 1366, "height": 768}
                pages = {m: chromium.new_context(viewport=viewport).new_page() for m in servers}
                # The browser profile gets the same diary, straight into its IndexedDB.
                first = pages["browser"]
                first.goto(f"{servers['browser'].url}/Pain_diary")
                expect(first.get_by_text("No entries yet")).to_be_visible(timeout=60_000)
                seed(first, diary(count))
                for mode, page in pages.items():  # one warm-up load each (imports, caches)
                    load_ms(page, servers[mode].url, count)
                for _ in range(args.repeat):
                    for mode, page in pages.items():
                        loads[mode].append(load_ms(page, servers[mode].url, count))
                confirm = {"browser": "Saved in this browser:", "sql": "Saved:"}
                for turn in range(args.repeat):
                    for mode, page in pages.items():
                        saves[mode].append(save_ms(page, turn % 11, confirm[mode]))
                chromium.close()
        finally:
            for server in servers.values():
                server.stop()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\n{when}; {platform.python_implementation()} {platform.python_version()}; "
        f"{os.cpu_count()} cores; load average at the end {load_avg:.1f}; {count:,} entries\n"
    )
    print("| Mode | Load, median (ms) | Save, median (ms) | loads (ms) | saves (ms) |")
    print("|---|---:|---:|---|---|")
    for mode, label in (("browser", "This browser (IndexedDB)"), ("sql", "SQL (SQLite file)")):
        print(
            f"| {label} | {statistics.median(loads[mode]):,.0f} | "
            f"{statistics.median(saves[mode]):,.0f} | "
            f"{', '.join(f'{v:,.0f}' for v in loads[mode])} | "
            f"{', '.join(f'{v:,.0f}' for v in saves[mode])} |"
        )


if __name__ == "__main__":
    main()
