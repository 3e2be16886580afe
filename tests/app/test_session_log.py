"""Routine builder: log a session, see what the plan does this week and why (issue 18).

Sessions are kept records (backcare.records.SessionRecord) in the person's store, the
SQLite diary of tests/app/conftest.py; the clock is backcare.ui.kept.now, frozen here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from streamlit.testing.v1 import AppTest

from backcare import records, storage
from backcare.diary.frames import ROUTINE_STARTED
from backcare.records import IN_PART, SessionRecord
from backcare.routine import Profile, build_routine
from backcare.ui import kept as kept_module
from backcare.ui.routine_widgets import PLAN_WEEK_KEY
from backcare.ui.state import SESSION_PAIN_KEY, SESSION_SKIPPED_KEY
from tests.app.test_clinician_handover import downloads, later, only, pdf_text  # noqa: F401
from tests.helpers import APP, click, keep

PAGE = "pages/3_Routine_builder.py"
MONDAY = datetime(2026, 11, 30, 9, 0)  # week 2 of a plan started on Monday 23 Nov
START = date(2026, 11, 23)
ROUTINE = build_routine(Profile(minutes=20, pain_now=3, age=40))


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(kept_module, "now", lambda: moment)

    set_to(MONDAY)
    return set_to


def _visit() -> AppTest:
    """A new visit to the Routine builder (a fresh session, as after a reload)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _sessions() -> list[SessionRecord]:
    store = storage.SqlStore(storage.database_url())
    try:
        found = store.records("local", records.SESSION)
        events = [e.label for e in store.events("local")]
    finally:
        store.engine.dispose()
    _sessions.events = events  # type: ignore[attr-defined]
    return [SessionRecord.from_payload(r.payload) for r in found]


def _keep_session(session: SessionRecord) -> None:
    store = storage.SqlStore(storage.database_url())
    try:
        store.put_record(
            "local", records.SESSION, session.to_payload(), record_id=session.record_id
        )
    finally:
        store.engine.dispose()


def _texts(at: AppTest) -> str:
    return " ".join(x.value for x in (*at.success, *at.warning, *at.info, *at.markdown))


def test_done_as_planned_is_one_tap_and_a_reload_keeps_it(clock):
    keep(routine=ROUTINE, start=START, checked=True, when=MONDAY)
    at = _visit()
    at.segmented_control(key=SESSION_PAIN_KEY).set_value(4)
    click(at, "Done as planned")
    [session] = _sessions()
    assert (session.date, session.week, session.done) == (MONDAY.date(), 2, "planned")
    assert session.pain_during == 4 and session.settled_next_day is None
    assert _sessions.events == [ROUTINE_STARTED]  # type: ignore[attr-defined]
    assert "Logged for today: done as planned; pain during 4/10" in _texts(at)
    again = _visit()  # a reload: a new session reads the kept record
    assert "Logged for today: done as planned; pain during 4/10" in _texts(again)


def test_done_in_part_names_the_skipped_exercises(clock):
    keep(routine=ROUTINE, start=START, checked=True, when=MONDAY)
    at = _visit()
    first = ROUTINE.items[0].exercise
    at.multiselect(key=SESSION_SKIPPED_KEY).set_value([first.id])
    click(at, "Save: done in part")
    [session] = _sessions()
    assert session.done == IN_PART and session.skipped == {first.id}
    assert f"skipped: {first.name}" in _texts(at)


def test_the_next_day_asks_back_to_usual_and_a_no_holds_the_plan(clock):
    keep(routine=ROUTINE, start=START, checked=True, when=MONDAY)
    tuesday = datetime(2026, 11, 24, 18, 0)  # week 1
    clock(tuesday)
    at = _visit()
    at.segmented_control(key=SESSION_PAIN_KEY).set_value(3)
    click(at, "Done as planned")
    clock(tuesday + timedelta(days=1))
    at = _visit()
    assert "Your session on Tuesday 24 Nov: is your pain back to usual?" in _texts(at)
    click(at, "No, still worse")
    [session] = _sessions()
    assert session.settled_next_day is False
    clock(MONDAY)  # week 2: the week just finished had a breach
    at = _visit()
    assert (
        "This week: same as last week, because pain on Tuesday was not back to usual the "
        "next day." in _texts(at)
    )


def test_the_person_sees_why_the_plan_holds_and_where_they_are(clock):
    keep(routine=ROUTINE, start=START, checked=True, when=MONDAY)
    _keep_session(SessionRecord(date(2026, 11, 24), 1, pain_during=7, settled_next_day=True))
    _keep_session(SessionRecord(date(2026, 11, 26), 1, pain_during=3, settled_next_day=True))
    at = _visit()
    said = _texts(at)
    assert (
        "This week: same as last week, because pain on Tuesday was 7 during the session "
        "(your limit is 5)." in said
    )
    assert (
        "You are in week 2 of 8 of your plan, which started on Mon 23 Nov 2026. "
        "The doses below are week 1's." in said
    )
    # The plan marks the doses' week, in words.
    plan_weeks = at.segmented_control(key=PLAN_WEEK_KEY)
    assert plan_weeks.value == 1 and "1 (now)" in [o.content for o in plan_weeks.proto.options]


def test_leg_symptoms_leave_the_exercise_out_with_a_note(clock):
    keep(routine=ROUTINE, start=START, checked=True, when=MONDAY)
    main = next(i.exercise for i in ROUTINE.items if i.exercise.phase == "main")
    _keep_session(
        SessionRecord(
            date(2026, 11, 24),
            1,
            done=IN_PART,
            felt_wrong=frozenset({main.id}),
            pain_during=3,
            settled_next_day=True,
            leg_symptoms_spread=True,
        )
    )
    at = _visit()
    assert any("GP or physiotherapist" in w.value and main.name in w.value for w in at.warning)
    assert f"**{main.name}**" not in " ".join(m.value for m in at.markdown)


def test_no_session_log_while_an_emergency_result_stands(clock):
    from backcare.screening import triage

    keep(
        routine=ROUTINE,
        start=START,
        triage=triage(["saddle_numbness"], age=40),
        when=MONDAY,
    )
    at = _visit()
    assert not [b for b in at.button if b.label == "Done as planned"]


def test_the_diary_shows_sessions_per_week_against_planned(clock):
    keep(routine=ROUTINE, start=START, checked=True, when=MONDAY)
    _keep_session(SessionRecord(date(2026, 11, 24), 1, pain_during=3))
    _keep_session(SessionRecord(date(2026, 11, 26), 1, pain_during=2))
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("pages/4_Pain_diary.py").run()
    assert not at.exception, [e.value for e in at.exception]
    days = ROUTINE.profile.days_per_week
    summary = (
        f"Sessions logged: 2 in the 1 finished week of your plan, against {days} planned "
        f"({round(200 / days)}% of planned sessions done). This week (week 2) so far: 0 of {days}."
    )
    assert summary in [c.value for c in at.caption]
    assert "Exercise sessions" in [h.value for h in at.header]
    # Sessions are a factor in "what goes with better days", by the same minimum-days rule.
    assert any(
        "This needs at least 7 days after a day with a logged routine session" in i.value
        for i in at.info
    )


def test_the_handout_and_calendar_are_the_adapted_plan(clock, request):
    """A good week 1 (the plan steps on to week 2), then a breach in week 2 (held), in week
    3: both downloads are made from week 2's doses, the calendar from this week on, and
    without the exercise leg symptoms spread down a leg during. The callables run as
    Streamlit runs them: after the script run, in another thread."""
    made = request.getfixturevalue("downloads")  # file name -> the download's callable
    week_3 = datetime(2026, 12, 7, 9, 0)
    keep(routine=ROUTINE, start=START, checked=True, when=week_3)
    main = [i.exercise for i in ROUTINE.items if i.exercise.phase == "main"]
    dropped = main[0]
    _keep_session(SessionRecord(date(2026, 11, 24), 1, pain_during=2, settled_next_day=True))
    _keep_session(
        SessionRecord(
            date(2026, 12, 1),
            2,
            done=IN_PART,
            felt_wrong=frozenset({dropped.id}),
            pain_during=7,
            settled_next_day=True,
            leg_symptoms_spread=True,
        )
    )
    clock(week_3)
    at = _visit()
    assert "The doses below are week 2's." in _texts(at)
    _, make_pdf = only(made, "backcare-routine.pdf")
    handout = pdf_text(later(make_pdf))
    assert "This handout starts at week 2 of your plan" in handout
    assert "Your plan from week 2 to week 8" in handout
    assert dropped.name not in handout
    _, make_ics = only(made, "backcare-routine.ics")
    calendar = Calendar.from_ical(later(make_ics))
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    first = events[0]
    assert first.decoded("dtstart").date() == date(2026, 12, 7)  # this week's first day
    assert str(first["summary"]).startswith("Back exercises, week 2:")
    assert str(events[-1]["summary"]).startswith("Back exercises, week 8:")
    assert not any(dropped.name in str(e["description"]) for e in events)
