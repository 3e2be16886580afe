"""Browser helpers for the reliability tests and the load/speed benches.

Sync helpers (for pytest-playwright's ``page``) and an async load runner: many browser
contexts in one Chromium, each adding diary entries through the quick entry form, with
the time from clicking "Save entry" to the "Saved:" confirmation recorded per entry.
"""

from __future__ import annotations

import asyncio
import csv
import io
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import CHROMIUM_ARGS, wait_for_app

PAIN_LABEL = "Pain now"
FLARE_LABEL = "This is a flare-up"
# What a user would see as an error: an uncaught exception, or any st.error box.
ERROR_SELECTOR = "[data-testid='stException'], [data-testid='stAlertContentError']"


# Counts script runs started in this page (data-test-script-state turning "running"), so
# a wait can tell the confirmation of this save from the one left by the previous save.
WATCH_RUNS_JS = """() => {
  if (window.__bcRuns !== undefined) return;
  window.__bcRuns = 0;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => {
    if (app.dataset.testScriptState === 'running') window.__bcRuns += 1;
  }).observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
}"""
# Marks the confirmations on screen before a save, so the next one can be told apart.
MARK_OLD_JS = """() => document
    .querySelectorAll("[data-testid='stAlertContentSuccess']")
    .forEach((e) => { e.dataset.bcOld = '1'; })"""
# True once the app is idle and shows an error, or a "Saved:" confirmation drawn after the
# click: a new element, or any after a run started (a busy browser may never show the
# "running" state, and React may reuse the element, so either sign is enough).
SAVED_OR_ERROR_JS = """(runs) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector(`ERRORS`)) return true;
  return [...document.querySelectorAll("[data-testid='stAlertContentSuccess']")].some(
    (e) => e.innerText.includes('Saved: ') && !e.closest("[data-stale='true']")
      && (window.__bcRuns > runs || !e.dataset.bcOld));
}""".replace("ERRORS", ERROR_SELECTOR)


# Failed load sessions leave a screenshot here (git ignores it), with the page's state.
SHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"
STATE_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return {
    connection: app && app.dataset.testConnectionState,
    script: app && app.dataset.testScriptState,
    runs: window.__bcRuns,
    stale: document.querySelectorAll("[data-stale='true']").length,
    alerts: [...document.querySelectorAll("[data-testid^='stAlertContent']")].map(
      (e) => e.innerText.slice(0, 80)),
  };
}"""

# --------------------------------------------------------------------------- sync


def open_page(page: Page, url: str, path: str = "Pain_diary") -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{url}/{path}")
    wait_for_app(page, timeout=60_000)


def errors_shown(page: Page) -> list[str]:
    """The text of every error element on the page (empty when there is none)."""
    return page.locator(ERROR_SELECTOR).all_inner_texts()


def quick_save(page: Page, pain: int, *, flare: bool = False, timeout: float = 30_000) -> str:
    """Add one entry with the quick entry form; return the "Saved: ..." text shown."""
    radio = page.get_by_role("radiogroup", name=PAIN_LABEL).get_by_role(
        "radio", name=str(pain), exact=True
    )
    if radio.get_attribute("aria-checked") != "true":  # a second click would unchoose it
        radio.click()
    if page.get_by_label(FLARE_LABEL).is_checked() != flare:
        page.get_by_text(FLARE_LABEL).click()
    page.evaluate(WATCH_RUNS_JS)
    runs = page.evaluate("() => window.__bcRuns")
    page.evaluate(MARK_OLD_JS)
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_function(SAVED_OR_ERROR_JS, arg=runs, timeout=timeout, polling=100)
    wait_for_app(page, timeout=timeout)
    assert errors_shown(page) == [], errors_shown(page)
    saved = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Saved: ").first
    expect(saved).to_contain_text(f"pain {pain}", timeout=timeout)
    return saved.inner_text()


def export_rows(page: Page, button: str = "Download CSV") -> list[dict[str, str]]:
    """Click an export button and return the downloaded CSV as rows."""
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    data = Path(info.value.path()).read_bytes()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --------------------------------------------------------------------------- load


def signature(session: int) -> tuple[int, bool]:
    """A (pain, flare) pair unique to each of up to 22 sessions."""
    return session % 11, session >= 11


@dataclass
class SessionResult:
    index: int
    pain: int
    flare: bool
    confirmed: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, click to "Saved:"
    errors: list[str] = field(default_factory=list)  # error texts seen, or a failure
    caption: str = ""  # "The latest 20 of your N entries, newest first." at the end
    exported: list[dict[str, str]] = field(default_factory=list)


@dataclass
class LoadResult:
    sessions: list[SessionResult]
    wall_seconds: float

    @property
    def latencies(self) -> list[float]:
        return [x for s in self.sessions for x in s.latencies]

    def percentile(self, q: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


async def _wait_for_app(page, timeout: float) -> None:
    await page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        timeout=timeout
    )
    await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=timeout
    )
    # Widgets are drawn as skeletons until their code has loaded: slow on a busy machine.
    await page.locator("[data-testid='stSkeleton']").first.wait_for(
        state="detached", timeout=timeout
    )
    await page.locator("[data-stale='true']").first.wait_for(state="detached", timeout=timeout)


async def _one_session(
    browser, url: str, index: int, entries: int, export: bool, timeout: float
) -> SessionResult:
    pain, flare = signature(index)
    result = SessionResult(index, pain, flare)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = None
    try:
        page = await context.new_page()
        await page.goto(f"{url}/Pain_diary", timeout=timeout)
        await _wait_for_app(page, timeout)
        await page.evaluate(WATCH_RUNS_JS)
        radio = page.get_by_role("radiogroup", name=PAIN_LABEL).get_by_role(
            "radio", name=str(pain), exact=True
        )
        saved = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Saved: ")
        flare_switch = page.get_by_label(FLARE_LABEL)
        for _ in range(entries):
            # The form keeps its last answers after a save: click only what must change
            # (clicking a chosen pain again would unchoose it).
            if await radio.get_attribute("aria-checked", timeout=timeout) != "true":
                await radio.click(timeout=timeout)
            if await flare_switch.is_checked(timeout=timeout) != flare:
                await page.get_by_text(FLARE_LABEL).click(timeout=timeout)
            runs = await page.evaluate("() => window.__bcRuns")
            await page.evaluate(MARK_OLD_JS)
            start = time.perf_counter()
            await page.get_by_role("button", name="Save entry").click(timeout=timeout)
            # Poll on a timer: animation frames are throttled in pages that are not in front.
            await page.wait_for_function(SAVED_OR_ERROR_JS, arg=runs, timeout=timeout, polling=100)
            shown = page.locator(ERROR_SELECTOR)
            if await shown.count():
                result.errors.extend(await shown.all_inner_texts())
                break
            result.latencies.append(time.perf_counter() - start)
            text = await saved.first.inner_text()
            await _wait_for_app(page, timeout)
            expected = f"pain {pain}" + (" · flare" if flare else "")
            if expected not in text:
                result.errors.append(f"unexpected confirmation {text!r}")
            result.confirmed += 1
        caption = page.get_by_text("entries, newest first.")
        if await caption.count():
            result.caption = await caption.first.inner_text()
        if export:
            async with page.expect_download(timeout=timeout) as info:
                await page.get_by_role("button", name="Download CSV").click(timeout=timeout)
            download = await info.value
            data = Path(await download.path()).read_bytes()
            result.exported = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    except Exception as exc:  # reported as this session's failure
        result.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        if page is not None:
            try:
                SHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(SHOTS / f"load-failed-{index}.png"))
                state = await page.evaluate(STATE_JS)
                result.errors.append(f"page state: {state}")
            except Exception as more:  # the page may be gone
                result.errors.append(f"no screenshot: {type(more).__name__}")
    finally:
        await context.close()
    return result


async def _run_load(
    url: str,
    sessions: int,
    entries: int,
    chromium: str,
    export: bool,
    timeout: float,
    overall: float,
) -> LoadResult:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            start = time.perf_counter()
            tasks = [
                asyncio.create_task(_one_session(browser, url, i, entries, export, timeout))
                for i in range(sessions)
            ]
            done, pending = await asyncio.wait(tasks, timeout=overall)
            for task in pending:
                task.cancel()
            results = []
            for i, task in enumerate(tasks):
                if task in done:
                    results.append(task.result())
                else:
                    pain, flare = signature(i)
                    results.append(
                        SessionResult(i, pain, flare, errors=[f"not done within {overall}s"])
                    )
            return LoadResult(results, time.perf_counter() - start)
        finally:
            await browser.close()


def run_load(
    url: str,
    chromium: str,
    sessions: int = 20,
    entries: int = 25,
    *,
    export: bool = True,
    timeout: float = 60_000,
    overall: float = 600.0,
) -> LoadResult:
    """Run ``sessions`` browser contexts at once, each adding ``entries`` quick entries.

    Runs the async Playwright API in its own thread, so it works next to the sync
    pytest-playwright fixtures (which own the main thread's event loop).
    """
    box: list[LoadResult | BaseException] = []

    def target() -> None:
        try:
            box.append(
                asyncio.run(_run_load(url, sessions, entries, chromium, export, timeout, overall))
            )
        except BaseException as exc:  # re-raised in the caller
            box.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(overall + 120)
    if not box:
        raise TimeoutError(f"the load run did not finish within {overall + 120}s")
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def summary(result: LoadResult) -> dict[str, float]:
    values: Sequence[float] = result.latencies
    return {
        "saves": len(values),
        "p50_ms": 1000 * result.percentile(50),
        "p95_ms": 1000 * result.percentile(95),
        "max_ms": 1000 * max(values) if values else float("nan"),
        "wall_s": result.wall_seconds,
    }
