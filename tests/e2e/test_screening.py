"""Screening in Chromium: a cauda equina tick puts the emergency message first; follow-up
questions appear under their box; an emergency or urgent result speaks alone; under 16.

The last test takes the screenshots issue 12 asks for (emergency, urgent, under 16) on a
phone (390x844, touch) and on a laptop (1366x768)."""

import pytest
from playwright.sync_api import Browser, Page, expect

from backcare.notices import load_notices
from backcare.screening import load_red_flags
from tests.support.browser import screenshot, wait_for_app

RULES = load_red_flags()
NOTICES = load_notices()


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
    page.get_by_text("Getting better", exact=True).click()
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


def tick(page: Page, flag_id: str) -> None:
    box = page.get_by_role("checkbox", name=RULES.flag(flag_id).question)
    box.check(force=True)
    expect(box).to_be_checked()
    wait_for_app(page)  # a ticked box reruns the page (its follow-up may appear)


def check_answers(page: Page, age: int | None = None, weeks: int | None = None) -> None:
    if age is not None:
        page.get_by_role("spinbutton", name="Your age in years").fill(str(age))
        page.get_by_role("spinbutton", name="Your age in years").press("Enter")
        wait_for_app(page)
    if weeks is not None:
        page.get_by_role("spinbutton", name="About how many weeks").fill(str(weeks))
        page.get_by_role("spinbutton", name="About how many weeks").press("Enter")
        wait_for_app(page)
    page.get_by_role("button", name="Check my answers").click()
    wait_for_app(page)


@pytest.mark.parametrize("flag_id", [f.id for f in RULES.flags if f.follow_up])
def test_a_follow_up_question_shows_only_under_its_ticked_box(page: Page, app_url, flag_id):
    open_screening(page, app_url)
    follow_up = RULES.flag(flag_id).follow_up
    question = page.get_by_role("radiogroup", name=follow_up.question)
    expect(question).to_have_count(0)
    tick(page, flag_id)
    expect(question).to_be_visible()
    # Right under its own box: after it in reading order, and before the next question.
    box = page.get_by_role("checkbox", name=RULES.flag(flag_id).question)
    box_y, question_y = box.bounding_box()["y"], question.bounding_box()["y"]
    assert box_y < question_y
    question.scroll_into_view_if_needed()
    screenshot(page, f"Screening_follow_up_{flag_id}")
    lower = next(o for o in follow_up.options if o.level != RULES.flag(flag_id).level)
    question.get_by_text(lower.label, exact=True).click()
    wait_for_app(page)
    box.uncheck(force=True)
    wait_for_app(page)
    expect(question).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_long_standing_checked_symptoms_in_both_legs_give_a_gp_visit(page: Page, app_url):
    open_screening(page, app_url)
    tick(page, "bilateral_leg_symptoms")
    follow_up = RULES.flag("bilateral_leg_symptoms").follow_up
    option = follow_up.option("long_standing_checked")
    page.get_by_role("radiogroup", name=follow_up.question).get_by_text(
        option.label, exact=True
    ).click()
    wait_for_app(page)
    check_answers(page, age=64, weeks=104)
    expect(page.get_by_text("See a GP: Book a GP appointment")).to_be_visible()
    expect(page.get_by_text(f"You answered: “{option.label}”")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def test_an_emergency_result_speaks_alone(page: Page, app_url):
    open_screening(page, app_url)
    expect(page.get_by_text(RULES.caveat.split(":")[0])).to_be_visible()  # before a result
    tick(page, "saddle_numbness")
    tick(page, "minor_trauma")
    check_answers(page, age=55, weeks=1)
    alert = page.get_by_test_id("stAlertContentError").filter(has_text="Emergency").first
    expect(alert).to_be_visible()
    main = page.get_by_test_id("stMain")
    expect(main).not_to_contain_text(RULES.caveat.split(":")[0])  # no reassurance
    expect(main).not_to_contain_text("not an emergency")
    expect(main).to_contain_text("Also tell the doctor about")
    expect(main).not_to_contain_text(RULES.flag("minor_trauma").advice)
    expect(page.get_by_text("Get checked first").first).to_be_visible()  # section 2


def test_under_16_is_told_it_is_made_for_adults(page: Page, app_url):
    open_screening(page, app_url)
    check_answers(page, age=NOTICES.minimum_age - 2, weeks=1)
    expect(page.get_by_text("BackCare is made for adults").first).to_be_visible()
    expect(page.get_by_role("heading", name="2. Questionnaires")).to_have_count(0)
    expect(page.get_by_role("tab", name="STarT Back")).to_have_count(0)
    expect(page.get_by_text("Self-care:")).to_have_count(0)


SIZES = [
    ("phone", {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}),
    ("laptop", {"viewport": {"width": 1366, "height": 768}}),
]
# (name, ticked boxes, age, weeks, what the top of the page must say)
STATES = [
    ("emergency", ["bladder_dysfunction"], 58, 1, "Emergency: Call 999 or go to A&E now"),
    ("urgent", ["night_pain"], 40, 2, "Urgent: See a doctor today"),
    ("under16", [], 13, 1, "BackCare is made for adults"),
]


@pytest.mark.parametrize(("size", "options"), SIZES, ids=[s[0] for s in SIZES])
def test_screenshots_of_results_on_phone_and_laptop(browser: Browser, app_url, size, options):
    context = browser.new_context(**options)
    try:
        for name, flags, age, weeks, heading in STATES:
            page = context.new_page()
            open_screening(page, app_url)
            new_check = page.get_by_role("button", name="Start a new check")
            if new_check.count():  # the state before is kept: start a new check
                new_check.click()
                wait_for_app(page)
            for flag in flags:
                tick(page, flag)
            check_answers(page, age=age, weeks=weeks)
            top = page.get_by_text(heading).first
            expect(top).to_be_visible()
            page.get_by_role("heading", name="Screening", level=1).scroll_into_view_if_needed()
            # On screen without scrolling: the message is inside the first screenful.
            box = top.bounding_box()
            assert box is not None and box["y"] < options["viewport"]["height"], (name, box)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            screenshot(page, f"Screening_{name}_{size}")
            page.close()
    finally:
        context.close()
