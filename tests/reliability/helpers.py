"""Browser helpers for the reliability tests and the load/speed benches.

Sync helpers (for pytest-playwright's ``page``) and an async load runner: many browser
contexts in one Chromium, each adding diary entries through the quick entry form, with
the time from clicking "Save entry" to the "Saved:" confirmation recorded per entry.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.browser import CHROMIUM_ARGS, wait_for_app

PAIN_LABEL = "Pain now"
FLARE_LABEL = "This is a flare-up"
DETAIL_LABEL = "Add more detail (optional)"
NOTE_LABEL = "Note (only you see it)"
# What a user would see as an error: an uncaught exception, or any st.error box.
ERROR_SELECTOR = "[data-testid='stException'], [data-testid='stAlertContentError']"


# True once the app is idle with nothing stale and shows either an error, or a "Saved:"
# confirmation with the quick entry form emptied. The form is emptied only by a save (its
# widget keys are versioned per save), and the harness chose a pain before clicking, so
# this tells this save's confirmation from the last one without watching the "running"
# state, which a busy browser may never draw, nor the confirmation element, which React
# reuses from one save to the next.
SAVED_OR_ERROR_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector("[data-stale='true']")) return false;
  if (document.querySelector(`ERRORS`)) return true;
  const form = document.querySelector("[data-testid='stForm']");
  if (!form || form.querySelector("[role='radio'][aria-checked='true']")) return false;
  return [...document.querySelectorAll("[data-testid='stAlertContentSuccess']")].some(
    (e) => e.innerText.includes('Saved: '));
}""".replace("ERRORS", ERROR_SELECTOR)


# Failed load sessions leave a screenshot here (git ignores it), with the page's state.
SHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"
STATE_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return {
    connection: app && app.dataset.testConnectionState,
    script: app && app.dataset.testScriptState,
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
    expect(radio).to_be_checked(timeout=timeout)
    if page.get_by_label(FLARE_LABEL).is_checked() != flare:
        page.get_by_text(FLARE_LABEL).click()
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_function(SAVED_OR_ERROR_JS, timeout=timeout, polling=100)
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


# With ``notes=True`` each entry carries a note unique to its session and number: letters
# and digits only, so the entries table (which escapes punctuation) shows it as written.
MARKER = re.compile(r"bcm(\d{2})n(\d{2})")


def marker(session: int, entry: int) -> str:
    """The note of a session's ``entry``-th save (from 0), e.g. "bcm07n03"."""
    return f"bcm{session:02d}n{entry:02d}"


def marker_sessions(text: str) -> set[int]:
    """The sessions whose markers appear in ``text``."""
    return {int(m.group(1)) for m in MARKER.finditer(text)}


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
    url: str = ""  # the server this session used
    attempted: int = 0  # clicks on "Save entry" (confirmed or not)
    notes: list[str] = field(default_factory=list)  # markers of the confirmed saves
    seen: set[int] = field(default_factory=set)  # sessions whose markers its page showed
    cut_off: bool = False  # its server went away while it waited (``gone``)


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


class _AllSaved:
    """Set once every session has finished saving (or failed): exports wait for it.

    Streamlit keeps a file made for a download button with a callable (a "deferred"
    download) unreferenced, and the orphan sweep at the end of *any* session's script run
    marks it, then deletes it on the next sweep. With 20 busy sessions on 2 cores two sweeps
    can fall between making the file and the browser fetching it, and the browser cancels
    the download (a Streamlit race, written up in README "Reliability"). So the exports are
    taken once the saving is over, which checks what each session sees all the same.
    """

    def __init__(self, sessions: int) -> None:
        self.left = sessions
        self.event = asyncio.Event()

    def one_done(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.event.set()


@dataclass(frozen=True)
class Options:
    """What a load run does beyond pain and flare (all off: the single-server load)."""

    # Cookies a session's browser context gets before it opens its page (a sign-in).
    cookies: Callable[[int, str], list[dict]] | None = None
    notes: bool = False  # each entry gets its ``marker`` as its note
    # Called right after each click on "Save entry", in the runner's thread (e.g. to kill
    # a server while a save is on its way).
    on_click: Callable[[SessionResult], None] | None = None
    # True once a session's server is known to be gone: it stops waiting, ``cut_off``.
    gone: Callable[[int], bool] | None = None


async def _one_session(
    browser,
    url: str,
    index: int,
    entries: int,
    export: bool,
    timeout: float,
    all_saved: _AllSaved,
    options: Options,
) -> SessionResult:
    """One session; with ``options.gone``, given up (``cut_off``) once its server is gone."""
    pain, flare = signature(index)
    result = SessionResult(index, pain, flare, url=url)
    run = _session(browser, result, entries, export, timeout, all_saved, options)
    if options.gone is None:
        await run
        return result
    task = asyncio.create_task(run)
    while not task.done():
        await asyncio.wait({task}, timeout=0.5)
        if not task.done() and options.gone(index):
            task.cancel()
            result.cut_off = True
            await asyncio.gather(task, return_exceptions=True)
    return result


async def _session(
    browser,
    result: SessionResult,
    entries: int,
    export: bool,
    timeout: float,
    all_saved: _AllSaved,
    options: Options,
) -> None:
    index, url, pain, flare = result.index, result.url, result.pain, result.flare
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = None
    saving = True
    try:
        if options.cookies is not None:
            await context.add_cookies(options.cookies(index, url))
        page = await context.new_page()
        await page.goto(f"{url}/Pain_diary", timeout=timeout)
        await _wait_for_app(page, timeout)
        radio = page.get_by_role("radiogroup", name=PAIN_LABEL).get_by_role(
            "radio", name=str(pain), exact=True
        )
        saved = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Saved: ")
        flare_switch = page.get_by_label(FLARE_LABEL)
        note = page.get_by_label(NOTE_LABEL)
        for number in range(entries):
            # A save empties the form; click only what must change (clicking a chosen
            # pain again would unchoose it), then wait until the pain shows as chosen.
            if await radio.get_attribute("aria-checked", timeout=timeout) != "true":
                await radio.click(timeout=timeout)
            await page.locator(
                "[data-testid='stForm'] [role='radio'][aria-checked='true']"
            ).wait_for(timeout=timeout)
            if await flare_switch.is_checked(timeout=timeout) != flare:
                await page.get_by_text(FLARE_LABEL).click(timeout=timeout)
            if options.notes:
                if not await note.is_visible():  # the details are folded away
                    await page.get_by_text(DETAIL_LABEL).click(timeout=timeout)
                await note.fill(marker(index, number), timeout=timeout)
            start = time.perf_counter()
            result.attempted += 1
            await page.get_by_role("button", name="Save entry").click(timeout=timeout)
            if options.on_click is not None:
                options.on_click(result)
            # Poll on a timer: animation frames are throttled in pages that are not in front.
            await page.wait_for_function(SAVED_OR_ERROR_JS, timeout=timeout, polling=100)
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
            if options.notes:
                result.notes.append(marker(index, number))
        caption = page.get_by_text("entries, newest first.")
        if await caption.count():
            result.caption = await caption.first.inner_text()
        if options.notes:  # whose notes the whole page shows (its entries table included)
            result.seen = marker_sessions(await page.locator("body").inner_text())
        saving = False
        all_saved.one_done()
        if export:
            await asyncio.wait_for(all_saved.event.wait(), timeout=timeout / 1000)
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
        if saving:
            all_saved.one_done()
        await context.close()


async def _run_load(
    urls: Sequence[str],
    sessions: int,
    entries: int,
    chromium: str,
    export: bool,
    timeout: float,
    overall: float,
    options: Options,
) -> LoadResult:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            start = time.perf_counter()
            all_saved = _AllSaved(sessions)
            tasks = [
                asyncio.create_task(
                    _one_session(
                        browser,
                        urls[i % len(urls)],
                        i,
                        entries,
                        export,
                        timeout,
                        all_saved,
                        options,
                    )
                )
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
                        SessionResult(
                            i,
                            pain,
                            flare,
                            errors=[f"not done within {overall}s"],
                            url=urls[i % len(urls)],
                        )
                    )
            return LoadResult(results, time.perf_counter() - start)
        finally:
            await browser.close()


def run_load(
    url: str | Sequence[str],
    chromium: str,
    sessions: int = 20,
    entries: int = 25,
    *,
    export: bool = True,
    timeout: float = 60_000,
    overall: float = 600.0,
    options: Options | None = None,
) -> LoadResult:
    """Run ``sessions`` browser contexts at once, each adding ``entries`` quick entries.

    ``url`` may name several servers: session ``i`` uses ``url[i % len(url)]``.

    Runs the async Playwright API in its own thread, so it works next to the sync
    pytest-playwright fixtures (which own the main thread's event loop).
    """
    urls = [url] if isinstance(url, str) else list(url)
    box: list[LoadResult | BaseException] = []

    def target() -> None:
        try:
            box.append(
                asyncio.run(
                    _run_load(
                        urls,
                        sessions,
                        entries,
                        chromium,
                        export,
                        timeout,
                        overall,
                        options or Options(),
                    )
                )
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
