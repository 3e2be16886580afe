"""The Learn page in Chromium: open a topic, see its figure and summary, search, print."""

import re

from playwright.sync_api import Page, expect

from backcare.content import search, topic, topics
from backcare.figures import figure
from tests.support.browser import screenshot, wait_for_app


def test_open_a_topic_and_see_its_figure_and_summary(page: Page, app_url):
    page.goto(f"{app_url}/Learn")
    wait_for_app(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    myths = topic("myths")
    page.get_by_test_id("stRadioGroup").get_by_text(myths.title, exact=True).click()
    wait_for_app(page)

    shown = page.locator(".st-key-learn_topic")  # the open topic, beside the list
    expect(shown.get_by_role("heading", name=myths.title)).to_be_visible()
    expect(shown.get_by_text(myths.summary)).to_be_visible()
    chart = shown.locator("[data-testid='stVegaLiteChart']")
    expect(chart).to_be_visible()
    # Altair's description becomes the chart's accessible name (aria-label).
    expect(chart).to_have_attribute("aria-label", figure("scan_findings").alt_text)
    expect(shown.get_by_text("What the chart shows.")).to_be_visible()
    expect(page.get_by_role("link", name=myths.sources[0].citation)).to_have_attribute(
        "href", myths.sources[0].url
    )
    expect(page).to_have_url(re.compile(r"topic=myths"))
    page.set_viewport_size({"width": 1280, "height": 3200})  # the whole topic in one picture
    shown.get_by_role("heading", name=myths.title).scroll_into_view_if_needed()
    screenshot(page, "Learn_myths")


def test_search_then_open_the_first_result(page: Page, app_url):
    page.goto(f"{app_url}/Learn")
    wait_for_app(page)
    box = page.get_by_label("Search topics")
    box.fill("yoga")
    box.press("Enter")
    wait_for_app(page)
    hits = search("yoga")
    results = page.get_by_role("radiogroup", name=f"Topics ({len(hits)} of {len(topics())})")
    expect(results).to_be_visible()
    wait_for_app(page)
    yoga = topic("yoga")
    assert hits[0] == yoga
    results.get_by_text(yoga.title, exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=yoga.title)).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(0)


def test_print_view_keeps_the_topic_and_hides_the_navigation(page: Page, app_url):
    page.goto(f"{app_url}/Learn?topic=why_exercise_helps")
    wait_for_app(page)
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_be_visible()
    page.set_viewport_size({"width": 1000, "height": 3000})
    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_label("Search topics")).to_be_hidden()
    expect(page.get_by_role("heading", name=topic("why_exercise_helps").title)).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_be_visible()
    screenshot(page, "Learn_print")
