"""Interaction from a user's seat: change a widget, wait for the updated chart in Chromium.

Run from the project root (needs Chromium):

    python bench/bench_interaction.py --repeat 10

BackCare: the Pain diary page with 10 years of entries (4 a day, seeded in a SQLite file
through ``backcare.storage``), changing "Time range to show" between "1 year" and "All".
Baseline: ``bench/minimal_slider_chart.py`` (one slider, one chart), moving the slider one
step. Both changes are made with the keyboard (focus, then an arrow key), so both pages get
the same kind of input; ``--mouse`` clicks the diary's options instead. Each time runs from
the change until the first chart's aria-label (its description) has changed, the script is
no longer running and nothing is stale. Prints medians and their ratio (target: at most
1.5x). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from backcare.diary.model import Entry  # noqa: E402
from backcare.storage import SqlStore, database_url  # noqa: E402
from tests.support.browser import CHROMIUM_ARGS, wait_for_app  # noqa: E402
from tests.support.server import start_server, storage_env  # noqa: E402

CHART = "[data-testid='stVegaLiteChart'] [aria-label]"
# The chart's label changed (so the run the change caused has drawn it), the script is no
# longer running and nothing is stale. A short run (the diary's range is a fragment) may
# never show the "running" state in the DOM, so that state is not waited for.
UPDATED_JS = """(before) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector("[data-stale='true']")) return false;
  const chart = document.querySelector("CHART");
  return chart !== null && chart.getAttribute('aria-label') !== before;
}""".replace("CHART", CHART.replace('"', '\\"'))


def seed(data: Path, years: int = 10, per_day: int = 4) -> int:
    store = SqlStore(database_url({"BACKCARE_DATA_DIR": str(data)}))
    rng = random.Random(7)
    end = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=1)
    entries = [
        Entry(
            timestamp=end - timedelta(days=day, hours=4 * k),
            pain=rng.randint(0, 10),
            owner="local",
            flare=rng.random() < 0.1,
        )
        for day in range(365 * years)
        for k in range(per_day)
    ]
    added = store.add_many(entries)
    store.engine.dispose()
    return added


def timed_change(page: Page, change) -> float:
    before = page.locator(CHART).first.get_attribute("aria-label")
    start = time.perf_counter()
    change()
    page.wait_for_function(UPDATED_JS, arg=before, timeout=120_000, polling="raf")
    return time.perf_counter() - start


def measure(page: Page, url: str, changes, repeat: int) -> list[float]:
    page.goto(url)
    wait_for_app(page, timeout=120_000)
    page.locator(CHART).first.wait_for(timeout=120_000)
    for change in changes:  # warm the caches of both states once
        timed_change(page, change)
    return [timed_change(page, changes[i % len(changes)]) for i in range(repeat)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--mouse", action="store_true", help="click the diary's range options (keyboard by default)"
    )
    parser.add_argument(
        "--chromium", default=os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as pw:
        folder = Path(folder)
        entries = seed(folder / "data")
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        app = start_server(folder, env=storage_env(folder / "data", "sql"))
        try:
            radio = page.get_by_role("radiogroup", name="Time range to show")
            # Keyboard, as for the slider below: from "All" one option back to "1 year"
            # and forward again. ``--mouse`` clicks the options' labels instead.
            if args.mouse:
                changes = [
                    lambda: radio.get_by_text("1 year", exact=True).click(),
                    lambda: radio.get_by_text("All", exact=True).click(),
                ]
            else:
                changes = [
                    lambda: (
                        radio.get_by_role("radio", name="All").focus(),
                        page.keyboard.press("ArrowLeft"),
                    ),
                    lambda: (
                        radio.get_by_role("radio", name="1 year").focus(),
                        page.keyboard.press("ArrowRight"),
                    ),
                ]
            diary = measure(page, f"{app.url}/Pain_diary", changes, args.repeat)
        finally:
            app.stop()

        base = start_server(folder, script=ROOT / "bench" / "minimal_slider_chart.py")
        try:
            slider = page.get_by_role("slider", name="Days to show")
            minimal = measure(
                page,
                base.url,
                [
                    lambda: (slider.focus(), page.keyboard.press("ArrowLeft")),
                    lambda: (slider.focus(), page.keyboard.press("ArrowRight")),
                ],
                args.repeat,
            )
        finally:
            base.stop()
        browser.close()
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
        f"{args.repeat} changes each, diary of {entries} entries"
    )
    print("| Page | Change | Median (ms) | p90 (ms) | all (ms) |")
    print("|---|---|---:|---:|---|")
    rows = {
        "Pain diary, 10 years": (
            f"Time range to show: 1 year / All ({'mouse' if args.mouse else 'keyboard'})",
            diary,
        ),
        "Minimal: one slider, one chart": ("slider one step (keyboard)", minimal),
    }
    for name, (what, times) in rows.items():
        ms = [1000 * t for t in times]
        p90 = statistics.quantiles(ms, n=10, method="inclusive")[-1]
        listed = ", ".join(f"{t:.0f}" for t in ms)
        print(f"| {name} | {what} | {statistics.median(ms):.0f} | {p90:.0f} | {listed} |")
    ratio = statistics.median(diary) / statistics.median(minimal)
    print(f"\nRatio Pain diary / minimal page: {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
