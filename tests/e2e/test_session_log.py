"""Log a session over the pain rule in Chromium on a phone, and see the plan hold once the
week has ended (issue 18).

The server's clock is the real one, so "the week ends" is made in the store: after the
session is logged in the browser, the kept routine's start and the session's day move one
week back (the records a person's own week would have left), and the page is opened again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from playwright.sync_api import expect

from backcare import records, storage
from backcare.routine import load_rules
from tests.support.browser import screenshot, wait_for_app

RULES = load_rules()
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _a_week_ago(server, owner: str = "local") -> None:
    """Move the kept routine's plan start and its logged sessions back 7 days."""
    path = server.data_dir / storage.DB_FILENAME
    store = storage.SqlStore(f"sqlite:///{path}")
    try:
        [kept] = [
            r for r in store.records(owner, records.ROUTINE) if r.record_id == records.CURRENT
        ]
        routine = records.RoutineRecord.from_payload(kept.payload)
        sessions = [
            records.SessionRecord.from_payload(r.payload)
            for r in store.records(owner, records.SESSION)
        ]
        earlier = replace(routine, start=routine.start - timedelta(days=7))
        store.put_record(owner, records.ROUTINE, earlier.to_payload(), record_id=records.CURRENT)
        store.delete_records(owner, records.SESSION)
        for session in sessions:
            moved = replace(session, date=session.date - timedelta(days=7))
            store.put_record(owner, records.SESSION, moved.to_payload(), record_id=moved.record_id)
    finally:
        store.engine.dispose()


def test_a_session_over_the_pain_rule_holds_next_week_on_a_phone(browser, app_url, app_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/Routine_builder")
        wait_for_app(page)
        page.get_by_role("button", name=RULES.check_first["confirm"]).tap()
        wait_for_app(page)
        page.get_by_label(RULES.age_question).fill("40")
        page.get_by_role("button", name="Build my routine").tap()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Log today's session")).to_be_visible()
        scale = page.get_by_role("radiogroup", name="Pain during the session")
        pain = scale.get_by_role("radio", name="7", exact=True)
        pain.scroll_into_view_if_needed()
        pain.tap()
        wait_for_app(page)
        page.get_by_role("button", name="Done as planned").tap()
        wait_for_app(page)
        logged = page.get_by_text("Logged for today: done as planned; pain during 7/10")
        expect(logged).to_be_visible()

        _a_week_ago(app_server)  # the week has ended
        page.goto(f"{app_url}/Routine_builder")
        wait_for_app(page)
        decision = page.get_by_text("This week: same as last week, because pain on")
        expect(decision).to_be_visible()
        expect(decision).to_contain_text("was 7 during the session (your limit is 5)")
        where = page.get_by_text("You are in week 2 of 8 of your plan")
        expect(where).to_contain_text("The doses below are week 1's.")
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        screenshot(page, "Routine_builder-held-phone")
    finally:
        context.close()
