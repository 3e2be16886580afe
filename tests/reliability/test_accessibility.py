"""Accessibility in Chromium: axe-core on every page and main state, and keyboard-only use.

Every page as first opened, a built routine and a diary with entries and its edit form are
checked in both colour schemes (the browser's light or dark preference picks the theme);
the other states in the light one.

axe-core comes bundled in axe-playwright-python (no download). Every rule runs; the test
fails on any violation of impact "critical" or "serious", and on a skipped heading level
(heading-order), and prints each one's id, help, help URL and the nodes it names. Other
moderate and minor findings are printed, not failed.

Keyboard: a person can fill the red-flag check and add a diary entry with Tab, Space and
Enter only (plus digits for the age, and the arrow keys inside the 0-10 pain scale, which
is one radio group and so one Tab stop): no mouse, no clicks, starting from the page body.
"""

from __future__ import annotations

import importlib.util

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from backcare.routine import load_rules
from backcare.screening import load_red_flags
from tests.helpers import PAGE_TABLE
from tests.support.browser import choose_file, screenshot, wait_for_app
from tests.support.fixtures import server_fixture
from tests.support.server import Server

AXE = Axe()
BLOCKING = ("critical", "serious")
# Moderate rules we hold to as well: headings go h1, h2, h3 without skipping a level, so a
# screen-reader user can move through a page's sections by heading.
ALSO_BLOCKING = ("heading-order",)
# Streamlit widgets whose axe findings app code cannot change. Each entry is one precise
# selector, with the rule and the reason; never a whole rule. (Empty: none needed so far.)
EXCLUDE: list[list[str]] = []
RULES = load_red_flags()


# Our own app server, so the diary states are known. Tab-only storage: each test's new tab
# starts clean (with the SQL diary, what one test kept, a check or a routine, would be the
# next test's starting page on this shared server).
server = server_fixture("a11y", mode="session")


# Both themes: the browser's light or dark preference picks one (.streamlit/config.toml).
SCHEMES = ["light", "dark"]


def open_page(page: Page, server: Server, path: str, scheme: str = "light") -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    theme = "dark" if scheme == "dark" else "light"
    background = page.get_by_test_id("stApp").evaluate("e => getComputedStyle(e).backgroundColor")
    luminance = sum(int(v) for v in background[4:-1].split(",")[:3]) / 3
    assert (luminance < 128) == (theme == "dark"), f"{scheme} scheme drew {background}"


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            summary = " | ".join((node.get("failureSummary") or "").splitlines()[1:3])
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def check_axe(page: Page, state: str) -> None:
    """Run axe on the whole page; fail on critical or serious violations or a skipped
    heading level."""
    wait_for_app(page)
    context = {"exclude": EXCLUDE} if EXCLUDE else None
    violations = AXE.run(page, context=context).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING]
    others = [v for v in violations if v not in blocking]
    if others:
        print(f"\n[{state}] non-blocking axe findings:\n{describe(others)}")
    assert not blocking, f"[{state}] axe found blocking problems:\n{describe(blocking)}"


# --------------------------------------------------------------------------- axe


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    "path", [p[2] for p in PAGE_TABLE], ids=[p[1].split(" ·")[0] for p in PAGE_TABLE]
)
def test_every_page_as_first_opened_has_no_serious_axe_violations(page: Page, server, path, scheme):
    open_page(page, server, path, scheme)
    expect(page.locator("h1").first).to_be_visible()
    check_axe(page, f"{path or 'Home'}, {scheme}")


def test_screening_with_an_emergency_result_and_a_peg_score(page: Page, server):
    open_page(page, server, "Screening")
    question = RULES.flag("saddle_numbness").question
    page.get_by_role("checkbox", name=question).check(force=True)
    page.get_by_role("button", name="Check my answers").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentError").first).to_contain_text("Emergency")
    page.get_by_role("tab", name="PEG").click()
    for letter, value in (("P.", "6"), ("E.", "5"), ("G.", "7")):
        page.get_by_role("radiogroup", name=letter).get_by_text(value, exact=True).click()
    page.get_by_role("button", name="Score PEG").click()
    wait_for_app(page)
    expect(page.get_by_text("Your PEG score: 6.0 out of 10")).to_be_visible()
    check_axe(page, "Screening: emergency result and PEG score")


def test_screening_with_follow_up_questions_open(page: Page, server):
    open_page(page, server, "Screening")
    for flag in (f for f in RULES.flags if f.follow_up):
        page.get_by_role("checkbox", name=flag.question).check(force=True)
        wait_for_app(page)
        expect(page.get_by_role("radiogroup", name=flag.follow_up.question)).to_be_visible()
    check_axe(page, "Screening: follow-up questions open")


def test_screening_with_start_back_and_oswestry_results(page: Page, server):
    from backcare.screening import load_oswestry, load_start_back

    open_page(page, server, "Screening")
    for item in load_start_back().items:
        group = page.get_by_role("radiogroup", name=f"{item.number}. ")
        group.get_by_text(item.options[-1], exact=True).first.click()
    page.get_by_role("button", name="Score STarT Back").click()
    wait_for_app(page)
    expect(page.get_by_text("Your result:").first).to_be_visible()
    page.get_by_role("tab", name="Oswestry").click()
    for section in load_oswestry().sections:
        group = page.get_by_role("radiogroup", name=f"Section {section.number}:")
        group.get_by_text(section.statements[1], exact=True).first.click()
    page.get_by_role("button", name="Score Oswestry").click()
    wait_for_app(page)
    expect(page.get_by_text("Oswestry score").first).to_be_visible()
    check_axe(page, "Screening: STarT Back and Oswestry results")


def test_screening_with_roland_morris_and_psfs_results(page: Page, server):
    open_page(page, server, "Screening")
    page.get_by_role("tab", name="Roland-Morris").click()
    page.get_by_text("I stay at home most of the time because of my back.").click()
    page.get_by_role("button", name="Score Roland-Morris").click()
    wait_for_app(page)
    expect(page.get_by_text("Your Roland-Morris score: 1 out of 24")).to_be_visible()
    page.get_by_role("tab", name="PSFS").click()
    page.get_by_label("Activity 1", exact=True).fill("Walk to the shops")
    page.get_by_role("radiogroup", name="Activity 1: how well").get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Score PSFS").click()
    wait_for_app(page)
    expect(page.get_by_text("Your PSFS score: 4.0 out of 10")).to_be_visible()
    check_axe(page, "Screening: Roland-Morris and PSFS results")


def test_the_routine_builder_asks_for_the_warning_sign_check_first(page: Page, server):
    open_page(page, server, "Routine_builder")
    expect(page.get_by_role("button", name=load_rules().check_first["confirm"])).to_be_visible()
    check_axe(page, "Routine builder: check for warning signs first")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_built_routine(page: Page, server, scheme):
    open_page(page, server, "Routine_builder", scheme)
    page.get_by_role("button", name=load_rules().check_first["confirm"]).click()
    wait_for_app(page)
    page.get_by_label(load_rules().age_question).fill("40")
    page.get_by_role("button", name="Build my routine").click()
    wait_for_app(page)
    expect(page.get_by_text("Your routine: about")).to_be_visible()
    check_axe(page, f"Routine builder: a built routine, {scheme}")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_diary_with_entries_and_the_edit_form_open(page: Page, server, scheme):
    open_page(page, server, "Pain_diary", scheme)
    for pain in (6, 3):
        page.get_by_role("radiogroup", name="Pain now").get_by_role(
            "radio", name=str(pain), exact=True
        ).click()
        if pain == 6:  # a flare mark on the chart
            page.get_by_text("This is a flare-up").click()
        page.get_by_role("button", name="Save entry").click()
        wait_for_app(page)
        expect(page.get_by_text("Saved: ").first).to_contain_text(f"pain {pain}", timeout=30_000)
    expect(page.get_by_test_id("stTable").first).to_be_visible()
    check_axe(page, f"Pain diary: entries, charts, {scheme}")
    page.get_by_label("Choose an entry to change or delete").click()
    page.get_by_role("option").first.click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    check_axe(page, f"Pain diary: edit form open, {scheme}")


def test_a_refused_import_lists_its_problems_accessibly(page: Page, server, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"date,pain\n24/11/2026,3\n2026-11-24,12\n")
    open_page(page, server, "Pain_diary")
    choose_file(page, bad)
    page.get_by_role("button", name="Import entries").click()
    wait_for_app(page)
    expect(page.get_by_text("Nothing was imported").first).to_be_visible()
    check_axe(page, "Pain diary: import refused")


# The "this browser" store: its component is on every page, and its passphrase form is
# the component's own HTML (in an open shadow root, which axe reads).
browser_server = server_fixture("a11y-browser", mode="browser")
# The component's script never runs (as behind a Content-Security-Policy without blob:):
# Streamlit imports inline component JavaScript from a blob: URL.
NO_COMPONENT_SCRIPT = """
const createObjectURL = URL.createObjectURL;
URL.createObjectURL = function (blob) {
  if (blob && String(blob.type).includes('javascript')) return 'blob:blocked';
  return createObjectURL.call(this, blob);
};
"""


def test_the_browser_store_waiting_then_this_tab_only(browser, browser_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(NO_COMPONENT_SCRIPT)
    page = context.new_page()
    page.goto(f"{browser_server.url}/Pain_diary")
    expect(page.get_by_text("Reading what this browser keeps")).to_be_visible(timeout=30_000)
    check_axe(page, "browser store: reading")
    # No answer at all: after a few seconds the page offers to go on in this tab.
    page.get_by_role("button", name="Continue in this tab only").click(timeout=30_000)
    expect(page.get_by_text("This browser is not keeping what you enter")).to_be_visible()
    check_axe(page, "browser store: this tab only")
    context.close()


def test_the_browser_store_and_its_passphrase_forms(browser, browser_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{browser_server.url}/Pain_diary")
    expect(page.get_by_role("heading", name="Pain diary", level=1)).to_be_visible()
    check_axe(page, "browser store: loaded")
    page.get_by_role("button", name="Protect with a passphrase").click()
    expect(page.get_by_label("New passphrase")).to_be_visible()
    check_axe(page, "browser store: choose a passphrase")
    for label in ("New passphrase", "The same passphrase again"):
        page.get_by_label(label).fill("correct horse battery")
    page.get_by_role("button", name="Protect with this passphrase").click()
    expect(page.get_by_text("now protected by your passphrase")).to_be_visible()
    page.reload()
    page.get_by_label("Passphrase", exact=True).fill("wrong horse")
    page.get_by_role("button", name="Open my saved data").click()
    expect(page.get_by_text("Nothing was changed or lost")).to_be_visible()
    check_axe(page, "browser store: locked, wrong passphrase")
    context.close()


MENU = ["Screening", "Learn", "Routine builder", "Pain diary", "About and privacy", "Home"]


def test_every_page_with_the_demo_patient_on(page: Page, server):
    if importlib.util.find_spec("backcare.demo") is None:
        pytest.skip("demo mode not merged yet")
    open_page(page, server, "")
    page.get_by_label("Demo patient").first.check(force=True)
    wait_for_app(page)
    expect(page.get_by_text("Demo data").first).to_be_visible()
    check_axe(page, "Home, demo on")
    for label in MENU:  # the sidebar menu keeps the session (a typed URL would not)
        page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True).click()
        wait_for_app(page)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        expect(page.get_by_text("Demo data").first).to_be_visible()
        check_axe(page, f"{label}, demo on")


# --------------------------------------------------------------------------- keyboard


def focused(page: Page) -> str:
    """The accessible text of the focused element (label, aria-label or its own text)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || !["INPUT", "BUTTON", "A", "TEXTAREA", "SELECT"].includes(el.tagName))
                return "";  // not a control: <main> holds the whole page's text
            const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
            const own = ["BUTTON", "A"].includes(el.tagName) ? el.innerText : "";
            const group = el.closest("[role=radiogroup]");
            const name = group ? "group " + group.getAttribute("aria-label") : "";
            return [el.getAttribute("aria-label"), label, own, name].filter(Boolean).join(" | ");
        }"""
    )


def tab_to(page: Page, text: str, limit: int = 250) -> None:
    """Press Tab until the focused element's text contains ``text``."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if text in now:
            return
        seen.append(now[:50])
    raise AssertionError(f"Tab never reached {text!r}; the focus went through {seen}")


def start_from_the_body(page: Page, server: Server, path: str) -> None:
    open_page(page, server, path)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.locator("body").focus()


def test_the_red_flag_check_can_be_filled_with_the_keyboard_only(page: Page, server):
    start_from_the_body(page, server, "Screening")
    question = RULES.flag("saddle_numbness").question
    tab_to(page, question)
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=question)).to_be_checked()
    tab_to(page, "Your age in years")
    page.keyboard.type("52")
    tab_to(page, "About how many weeks")
    page.keyboard.type("3")
    # A radio group is one Tab stop; Space picks the first answer, "Getting better".
    tab_to(page, "group Is the pain getting better, staying about the same")
    page.keyboard.press("Space")
    tab_to(page, "Check my answers")
    page.keyboard.press("Enter")
    wait_for_app(page)
    alert = page.get_by_test_id("stAlertContentError").filter(has_text="Emergency").first
    expect(alert).to_be_visible(timeout=30_000)
    told = "1 box(es) ticked; age 52; pain for about 3 weeks; getting better."
    expect(page.get_by_text(told)).to_be_visible()
    screenshot(page, "a11y-keyboard-red-flags")


def test_a_diary_entry_can_be_added_with_the_keyboard_only(page: Page, server):
    start_from_the_body(page, server, "Pain_diary")
    tab_to(page, "group Pain now")  # the pain scale: one Tab stop, one button per number
    for _ in range(7):  # the arrow keys move along a group, as in every radio group
        page.keyboard.press("ArrowRight")
    assert focused(page).startswith("7"), focused(page)
    page.keyboard.press("Space")
    tab_to(page, "This is a flare-up")
    page.keyboard.press("Space")
    tab_to(page, "Save entry")
    page.keyboard.press("Enter")
    wait_for_app(page)
    saved = page.get_by_text("Saved: ").first  # a save runs the page twice: allow for a slow CI
    expect(saved).to_contain_text("pain 7 · flare", timeout=30_000)
    screenshot(page, "a11y-keyboard-diary")
