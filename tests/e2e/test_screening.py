"""Screening in Chromium: a cauda equina tick puts the emergency message first."""

from playwright.sync_api import Page, expect

from backcare.screening import load_red_flags
from tests.support.browser import screenshot, wait_for_app

RULES = load_red_flags()


def open_screening(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/Screening")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Screening", level=1)).to_be_visible()


def test_cauda_equina_tick_shows_the_emergency_message_first(page: Page, app_url):
    open_screening(page, app_url)
    question = RULES.flag("saddle_numbness").question
    page.get_by_role("checkbox", name=question).check(force=True)
    expect(page.get_by_role("checkbox", name=question)).to_be_checked()
    page.get_by_role("button", name="Check my answers").click()
    wait_for_app(page)

    alert = page.get_by_test_id("stAlertContentError").filter(has_text="Emergency").first
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Call 999 or go to A&E now")
    expect(alert).to_contain_text("hold off the exercise programme")
    expect(page.get_by_text("May point to: Cauda equina syndrome").first).to_be_visible()

    # First on the page: above the check itself and above the questionnaires,
    # both on screen (bounding boxes) and in reading order (DOM order).
    alert_box = alert.bounding_box()
    for heading in ("1. Warning signs", "2. Questionnaires"):
        target = page.get_by_role("heading", name=heading)
        box = target.bounding_box()
        assert alert_box is not None and box is not None
        assert alert_box["y"] < box["y"], heading
        follows = alert.evaluate(
            "(el, other) => Boolean(el.compareDocumentPosition(other)"
            " & Node.DOCUMENT_POSITION_FOLLOWING)",
            target.element_handle(),
        )
        assert follows, f"emergency message is not before {heading!r} in the page"
    expect(page.get_by_test_id("stException")).to_have_count(0)
    # Where the person is looking after the click: a short repeat next to the button.
    expect(page.get_by_text("Your full result, with every reason, is at the top")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.get_by_role("heading", name="Screening", level=1).scroll_into_view_if_needed()
    screenshot(page, "Screening_emergency")


def test_no_warning_signs_and_a_peg_score(page: Page, app_url):
    open_screening(page, app_url)
    page.get_by_role("spinbutton", name="Your age in years").fill("34")
    page.get_by_role("spinbutton", name="About how many weeks").fill("2")
    page.get_by_text("Yes, it is getting better").click()
    page.get_by_role("button", name="Check my answers").click()
    wait_for_app(page)
    expect(page.get_by_text("Self-care: Looking after it yourself is reasonable")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)

    page.get_by_role("tab", name="PEG").click()
    for letter, value in (("P.", "6"), ("E.", "5"), ("G.", "7")):
        group = page.get_by_role("radiogroup", name=letter)
        group.get_by_text(value, exact=True).click()
    page.get_by_role("button", name="Score PEG").click()
    wait_for_app(page)
    expect(page.get_by_text("Your PEG score: 6.0 out of 10")).to_be_visible()
    expect(page.get_by_text("(6 + 5 + 7) divided by 3 = 6.0")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.set_viewport_size({"width": 1280, "height": 1400})
    screenshot(page, "Screening_peg")


def test_start_back_and_oswestry_show_their_working(page: Page, app_url):
    from backcare.screening import load_oswestry, load_start_back

    open_screening(page, app_url)
    tool = load_start_back()
    answers = ["Agree", "Disagree", "Disagree", "Disagree", "Agree", "Agree", "Agree", "Agree"]
    for item, answer in zip(tool.items[:8], answers, strict=True):
        group = page.get_by_role("radiogroup", name=f"{item.number}. {item.text}")
        group.get_by_text(answer, exact=True).click()
    page.get_by_role("radiogroup", name="9. ").get_by_text("Very much", exact=True).click()
    page.get_by_role("button", name="Score STarT Back").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Your result: High risk")).to_be_visible()
    expect(page.get_by_text("made this tool for doctors").last).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 2600})
    expect(page.get_by_text("Item 1: Referred leg pain")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(
        "6"
    )  # items 1, 5-8 agree + "very much"
    screenshot(page, "Screening_start_back")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("tab", name="Oswestry").click()
    odi = load_oswestry()
    for section in odi.sections[:8]:
        group = page.get_by_role("radiogroup", name=f"Section {section.number}: {section.title}")
        group.get_by_text(section.statements[1], exact=True).click()
    page.get_by_role("button", name="Score Oswestry").click()
    wait_for_app(page)
    # Sections 9 and 10 left out: no score, and the reason in words.
    expect(page.get_by_text("2 sections were left out")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    for section in odi.sections[8:]:
        group = page.get_by_role("radiogroup", name=f"Section {section.number}: {section.title}")
        group.get_by_text(section.statements[1], exact=True).click()
    page.get_by_role("button", name="Score Oswestry").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Your result: 20% · Minimal effect")).to_be_visible()
    expect(page.get_by_text("you scored 10 out of a possible 50")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 2600})
    screenshot(page, "Screening_oswestry")
