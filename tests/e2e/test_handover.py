"""Clinician handover in Chromium (issue 16): build a routine, then download the summary PDF
and find every exercise in it; download the health-record file and validate it as FHIR;
the Screening page's Roland-Morris and PSFS tabs at phone and laptop size."""

from __future__ import annotations

import io
import json
import re

import pytest
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from backcare.exercises import load_catalogue
from backcare.reports import latin1
from backcare.routine import load_rules
from backcare.ui.routine_widgets import drawing_alt
from tests.support.browser import SCREENSHOTS, open_questionnaire, wait_for_app
from tests.support.fixtures import server_fixture

handover_server = server_fixture("handover")
RULES = load_rules()
SIZES = {  # name: (viewport, phone?)
    "phone": ({"width": 390, "height": 844}, True),
    "laptop": ({"width": 1366, "height": 768}, False),
}


def shot(page: Page, name: str) -> None:
    """What the person sees now (the viewport as scrolled), for a look at the layout."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _open(page: Page, label: str) -> None:
    """Move through the sidebar menu, keeping this tab's session (a typed URL would not)."""
    sidebar = page.get_by_test_id("stSidebar")
    if not sidebar.is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
    sidebar.get_by_role("link", name=label, exact=True).click()
    wait_for_app(page)
    collapse = page.get_by_test_id("stSidebarCollapseButton")
    if page.viewport_size and page.viewport_size["width"] < 640 and collapse.is_visible():
        collapse.click()  # on a phone the menu covers the page until closed


def _build_routine(page: Page, url: str) -> list[str]:
    """Build a routine on the Routine builder page; returns the exercise names shown."""
    page.goto(f"{url}/Routine_builder")
    wait_for_app(page)
    page.get_by_role("button", name=RULES.check_first["confirm"]).click()
    wait_for_app(page)
    page.get_by_label(RULES.age_question).fill("40")
    page.get_by_role("button", name="Build my routine").click()
    wait_for_app(page)
    expect(page.get_by_text("Your routine: about")).to_be_visible()
    drawings = page.get_by_role("img", name="Line drawing:")
    expect(drawings.first).to_be_visible()  # the routine is drawn, not only its heading
    wait_for_app(page)
    shown = {drawings.nth(n).get_attribute("alt") for n in range(drawings.count())}
    # Each drawing's alt text names the exercise (routine_widgets.drawing_alt).
    names = [ex.name for ex in load_catalogue() if drawing_alt(ex) in shown]
    assert len(names) == len(shown) > 0, shown
    return names


def _add_entry(page: Page, pain: int) -> None:
    page.get_by_role("radiogroup", name="Pain now").get_by_role(
        "radio", name=str(pain), exact=True
    ).click()
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved: ").first).to_be_visible()


def _download(page: Page, button: str, tmp_path, name: str) -> bytes:
    target = page.get_by_role("button", name=button)
    target.scroll_into_view_if_needed()
    with page.expect_download() as info:
        target.click()
    path = tmp_path / name
    info.value.save_as(path)
    assert info.value.suggested_filename.startswith("backcare-")
    return path.read_bytes()


def test_the_summary_pdf_has_the_routine_just_built(page: Page, handover_server, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 768})
    names = _build_routine(page, handover_server.url)
    _open(page, "Pain diary")
    _add_entry(page, 4)
    data = _download(page, "Download the clinician summary (PDF)", tmp_path, "summary.pdf")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "No routine has been built" not in text
    for name in names:
        assert latin1(name) in text, name
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    log = handover_server.log.read_text()
    assert "missing ScriptRunContext" not in log, log[-2000:]


def test_the_health_record_file_is_valid_fhir(page: Page, handover_server, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{handover_server.url}/Pain_diary")
    wait_for_app(page)
    if page.get_by_text("No entries yet").count():
        _add_entry(page, 6)
    label = page.get_by_role("textbox", name="Your name or initials (optional)")
    label.fill("J. D.")
    label.press("Enter")
    wait_for_app(page)
    data = _download(page, "Download for a health record (FHIR)", tmp_path, "record.json")
    bundle = json.loads(data)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1 and "Observation" in kinds
    pains = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "72514-3"
    ]
    assert pains and all(isinstance(p["valueInteger"], int) for p in pains)


@pytest.mark.parametrize("size", SIZES)
def test_rmdq_psfs_and_the_handover_section_at_phone_and_laptop_size(
    browser, handover_server, size
):
    viewport, phone = SIZES[size]
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    try:
        page.goto(f"{handover_server.url}/Screening")
        wait_for_app(page)
        for tab, button in (("Roland-Morris", "Score Roland-Morris"), ("PSFS", "Score PSFS")):
            open_questionnaire(page, tab)
            expect(page.get_by_role("button", name=button)).to_be_visible()
        open_questionnaire(page, "Roland-Morris")
        # The sentences with their numbers: the form's, not the last result's table.
        page.get_by_text("1. I stay at home most of the time because of my back.").click()
        page.get_by_text(re.compile(r"^\d+\. My back is painful almost all the time\.$")).click()
        page.get_by_role("button", name="Score Roland-Morris").click()
        wait_for_app(page)
        expect(page.get_by_text("Your Roland-Morris score: 2 out of 24")).to_be_visible()
        page.get_by_text("How it was worked out:").first.scroll_into_view_if_needed()
        shot(page, f"Screening-rmdq-{size}")
        open_questionnaire(page, "PSFS")
        page.get_by_label("Activity 1", exact=True).fill("Walk to the shops")
        group = page.get_by_role("radiogroup", name=re.compile("^Activity 1: how well"))
        group.get_by_text("4", exact=True).click()
        page.get_by_role("button", name="Score PSFS").click()
        wait_for_app(page)
        expect(page.get_by_text("Your PSFS score: 4.0 out of 10")).to_be_visible()
        page.get_by_text("How it was worked out:").last.scroll_into_view_if_needed()
        shot(page, f"Screening-psfs-{size}")
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        _open(page, "Pain diary")
        fhir = page.get_by_role("button", name="Download for a health record (FHIR)")
        expect(fhir).to_be_visible()
        page.wait_for_timeout(1000)  # let the charts above finish drawing first
        fhir.evaluate("button => button.scrollIntoView({block: 'center'})")
        expect(fhir).to_be_in_viewport()
        shot(page, f"Pain_diary-handover-{size}")
    finally:
        context.close()
