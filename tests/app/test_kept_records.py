"""A visit picks up where the last one ended (issue 13), in AppTest.

A "reload" or a new tab is a fresh AppTest on the same SQLite file (tests/app/conftest.py
points BACKCARE_DATA_DIR at the test's folder and forces the SQL store): nothing of the
first session's ``st.session_state`` reaches it, only what the store kept. The clock of
the kept records is ``backcare.ui.kept.now``; tests that need a date freeze it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from backcare import records, storage
from backcare.notices import load_notices
from backcare.routine import Profile, build_routine, encode_share, load_rules
from backcare.screening import load_red_flags, oswestry, peg_result, start_back, triage
from backcare.ui import kept as kept_module
from tests.helpers import APP, PAGE_TABLE, click, keep, quick_key

RULES = load_red_flags()
ROUTINE_RULES = load_rules()
SCREENING = "pages/1_Screening.py"
LEARN = "pages/2_Learn.py"
ROUTINE = "pages/3_Routine_builder.py"
DIARY = "pages/4_Pain_diary.py"
HELD_PAGES = ["app.py", LEARN, DIARY, "pages/5_About_and_privacy.py"]
BUILD = "FormSubmitter:routine_form-Build my routine"


def visit(page: str = "app.py", *, link: str | None = None) -> AppTest:
    """A new visit (a reload, a new tab or a restarted server): a fresh session."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    if link is not None:
        at.query_params["routine"] = link
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def check(at: AppTest, flags=(), age=40, weeks=1, course="Getting better") -> AppTest:
    """Fill in and send the red-flag check on the Screening page."""
    for flag in flags:
        at.checkbox(key=f"rf_{flag}").check()
    at.number_input(key="rf_age").set_value(age)
    at.number_input(key="rf_weeks").set_value(weeks)
    at.radio(key="rf_course").set_value(course)
    return click(at, "Check my answers")


def alerts(at: AppTest) -> str:
    return " ".join(a.value for a in (*at.main.error, *at.main.warning, *at.main.info))


def held_everywhere(level: str) -> list[str]:
    """The pages of a fresh visit that do not say to get checked first (should be none)."""
    label = RULES.levels[level].label
    missing = []
    for page in HELD_PAGES:
        at = visit(page)
        if f"Your warning-sign check: {label}" not in alerts(at):
            missing.append(page)
    return missing


def no_routine(at: AppTest) -> bool:
    return not at.get("form") and not at.get("image") and not at.get("download_button")


@pytest.fixture
def clock(monkeypatch):
    """Set the kept records' clock: ``clock(datetime(...))``."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(kept_module, "now", lambda: moment)

    return set_to


# --------------------------------------------------------------------------- the hold


@pytest.mark.parametrize(
    ("flags", "level"), [(["saddle_numbness"], "emergency"), (["night_pain"], "urgent")]
)
def test_an_emergency_or_urgent_check_stands_on_every_page_of_a_new_visit(flags, level):
    check(visit(SCREENING), flags)
    assert held_everywhere(level) == []
    # The Screening page of the new visit shows it first, with its date.
    again = visit(SCREENING)
    children = list(again.main.children.values())

    def said(block) -> str:
        alerts = (*getattr(block, "error", ()), *getattr(block, "warning", ()))
        return " ".join(a.value for a in alerts)

    stands = next(n for n, c in enumerate(children) if RULES.levels[level].action in said(c))
    questions = next(
        n for n, c in enumerate(children) if getattr(c, "value", None) == "1. Warning signs"
    )
    assert stands < questions
    assert any(m.value.startswith("**Your last check: ") for m in again.markdown)


def test_no_routine_while_it_stands_not_even_from_a_share_link():
    check(visit(SCREENING), ["saddle_numbness"])
    at = visit(ROUTINE)
    assert at.error[0].value == ROUTINE_RULES.refusal["emergency"]
    assert no_routine(at)
    link = encode_share(build_routine(Profile(age=40)))
    shared = visit(ROUTINE, link=link)
    assert shared.error[0].value == ROUTINE_RULES.refusal["emergency"]
    assert no_routine(shared)
    # The home page of a new visit offers no routine either.
    home = visit()
    assert not any("Routine builder" in p.proto.label for p in home.main.get("page_link"))


def test_a_doctor_seeing_them_lifts_it_and_the_check_stays(clock):
    clock(datetime(2025, 3, 3, 10, 15))
    check(visit(SCREENING), ["saddle_numbness"])
    clock(datetime(2025, 3, 4, 18, 0))
    at = visit(SCREENING)
    assert RULES.doctor_seen_help in " ".join(m.value for m in at.markdown)
    at.date_input(key="doctor_seen_day").set_value(date(2025, 3, 4))
    at.text_input(key="doctor_seen_note").set_value("A&E: scan clear")
    click(at, RULES.doctor_seen_label)
    assert held_everywhere("emergency") == HELD_PAGES  # lifted on every page
    again = visit(SCREENING)
    assert RULES.doctor_seen_done.format(date="Tue 04 Mar 2025") in alerts(again)
    assert "A&E: scan clear" in [t.value for t in again.text]
    assert [e.label for e in again.expander] == ["The check from Mon 03 Mar 2025, 10:15"]
    # Kept as a record with its date; the check itself is still there.
    store = storage.SqlStore(storage.database_url())
    (seen,) = store.records("local", records.DOCTOR_SEEN)
    (kept_check,) = store.records("local", records.CHECK)
    store.engine.dispose()
    assert seen.record_id == kept_check.record_id
    assert seen.payload["date"] == "2025-03-04"
    assert kept_check.payload["level"] == "emergency"
    # The routine builder asks for a check again before any exercise, and says why.
    routine = visit(ROUTINE)
    assert not routine.get("form")
    after = ROUTINE_RULES.check_first["after_doctor"].format(date="Mon 03 Mar 2025")
    assert after in alerts(routine)


def test_a_new_check_with_a_lower_level_lifts_it():
    check(visit(SCREENING), ["night_pain"])
    at = visit(SCREENING)
    click(at, "Start a new check")
    check(at, [], age=40, weeks=1)
    assert held_everywhere("urgent") == HELD_PAGES
    assert visit(ROUTINE).get("form")  # the new check is the check


def test_a_new_check_starts_empty():
    check(visit(SCREENING), ["saddle_numbness", "night_pain"], age=61, weeks=3)
    at = visit(SCREENING)
    assert not warning_signs(at)  # the last check is shown, not the form
    click(at, "Start a new check")
    assert warning_signs(at) and not any(c.value for c in warning_signs(at))
    assert at.number_input(key="rf_age").value is None
    assert at.radio(key="rf_course").value is None
    # "Keep my last check" goes back to it, unchanged.
    click(at, "Keep my last check")
    assert not warning_signs(at)
    assert "Emergency" in alerts(at)


def warning_signs(at):
    """The check's tick boxes (the questionnaires' own, such as Roland-Morris's, aside)."""
    return [c for c in at.checkbox if str(c.key).startswith("rf_")]


# --------------------------------------------------------------------------- last results


def test_screening_shows_the_last_results_with_their_dates(clock):
    clock(datetime(2025, 3, 3, 10, 15))
    keep(
        triage=triage([], age=40, duration_weeks=2, improving=True, worsening=False),
        questionnaires=[
            start_back((0, 0, 0, 0, 0, 0, 0, 0, 1)),
            oswestry((2, 2, 2, 2, 2, 2, 2, 2, 2, 3)),
            peg_result(6, 5, 7),
        ],
        when=datetime(2025, 3, 3, 10, 15),
    )
    at = visit(SCREENING)
    markdown = [m.value for m in at.markdown]
    assert "**Your last check: Mon 03 Mar 2025, 10:15**" in markdown
    assert markdown.count("**Your last result: Mon 03 Mar 2025, 10:15**") == 3
    assert any(s.value.startswith("## Self-care") for s in at.success)
    subheaders = [s.value for s in at.subheader]
    assert "Your result: Low risk" in subheaders
    assert any(s.startswith("Your result: 42%") for s in subheaders)
    assert "Your PEG score: 6.0 out of 10" in subheaders
    caption = " ".join(c.value for c in at.caption)
    assert "Your last saved results: STarT Back on 03 Mar 2025" in caption
    assert [b.label for b in at.button if b.label == "Start a new check"]


def test_a_result_kept_before_answers_were_shows_its_score_and_date():
    store = storage.SqlStore(storage.database_url())
    store.add_screening("local", "oswestry", datetime(2024, 5, 1, 9), 32.0, {"band": "moderate"})
    store.engine.dispose()
    at = visit(SCREENING)
    assert "**Your last result: Wed 01 May 2024, 09:00**" in [m.value for m in at.markdown]
    assert any("Score 32%" in c.value for c in at.caption)


def test_a_check_that_cannot_be_read_says_so_and_offers_a_new_one():
    store = storage.SqlStore(storage.database_url())
    store.put_record("local", records.CHECK, {"v": 1, "level": "self_care", "flags": "x"})
    store.engine.dispose()
    at = visit(SCREENING)
    assert any("The saved check could not be read" in w.value for w in at.warning)
    click(at, "Start a new check")
    assert at.checkbox


def test_learn_suggests_from_results_kept_on_an_earlier_visit():
    at = visit(SCREENING)
    for number, answer in enumerate((1, 0, 0, 0, 1, 1, 1, 1, 3), start=1):
        item = next(i for i in at.radio if i.key == f"sb_{number}")
        item.set_value(item.options[answer])
    click(at, "Score STarT Back")
    learn = visit(LEARN)
    keys = [b.key for b in learn.button if (b.key or "").startswith("learn_suggest_")]
    assert keys[:2] == ["learn_suggest_when_to_see_a_doctor", "learn_suggest_myths"]


# --------------------------------------------------------------------------- the routine


def build(at: AppTest, age: int = 40, minutes: int = 20) -> AppTest:
    at.number_input[0].set_value(age)
    next(s for s in at.slider if s.label == "Minutes per session").set_value(minutes)
    at.button(key=BUILD).click().run()
    assert not at.exception
    return at


def test_the_routine_reopens_at_the_week_of_its_plan(clock):
    clock(datetime(2025, 3, 3, 9, 0))
    at = visit(ROUTINE)
    click(at, ROUTINE_RULES.check_first["confirm"])
    build(at, minutes=20)
    built = [m.value for m in at.markdown if m.value.startswith("**1. ")]
    assert "You are in week 1 of 8" in " ".join(s.value for s in at.success)

    clock(datetime(2025, 3, 18, 19, 0))  # 15 days later: week 3
    again = visit(ROUTINE)
    # A week on, the confirmation has lapsed: one tap, with the reason.
    lapsed = ROUTINE_RULES.check_first["lapsed"].format(date="Mon 03 Mar 2025")
    assert lapsed in alerts(again)
    assert no_routine(again)
    click(again, ROUTINE_RULES.check_first["confirm"])
    assert "You are in week 3 of 8" in " ".join(s.value for s in again.success)
    assert [m.value for m in again.markdown if m.value.startswith("**1. ")] == built
    [picker] = [s for s in again.get("button_group") if "Week of the plan" in str(s.proto.label)]
    assert "3 (now)" in [o.content for o in picker.proto.options]
    assert again.date_input[0].value == date(2025, 3, 3)  # the calendar starts with the plan
    # The form is there to change it, folded away.
    assert next(e.label for e in again.expander) == "Change your answers and build a new routine"

    clock(datetime(2025, 9, 1, 9, 0))  # long after the end: the last week of the plan
    late = visit(ROUTINE)
    click(late, ROUTINE_RULES.check_first["confirm"])
    assert "You are in week 8 of 8" in " ".join(s.value for s in late.success)


def test_a_swap_is_kept_and_the_plan_keeps_its_start(clock):
    clock(datetime(2025, 3, 3, 9, 0))
    at = visit(ROUTINE)
    click(at, ROUTINE_RULES.check_first["confirm"])
    build(at)
    at.button(key="swap_1").click().run()
    swapped = [m.value for m in at.markdown if m.value.startswith("**2. ")]
    clock(datetime(2025, 3, 10, 9, 0))
    again = visit(ROUTINE)
    click(again, ROUTINE_RULES.check_first["confirm"])
    assert [m.value for m in again.markdown if m.value.startswith("**2. ")] == swapped
    assert "You are in week 2 of 8" in " ".join(s.value for s in again.success)


def test_the_confirmation_is_kept_for_a_week(clock):
    clock(datetime(2025, 3, 3, 9, 0))
    click(visit(ROUTINE), ROUTINE_RULES.check_first["confirm"])
    clock(datetime(2025, 3, 9, 21, 0))  # day 7 of 7
    assert visit(ROUTINE).get("form")
    clock(datetime(2025, 3, 10, 8, 0))  # day 8: asked again
    assert not visit(ROUTINE).get("form")


def test_a_kept_routine_that_cannot_be_read_offers_a_new_one():
    store = storage.SqlStore(storage.database_url())
    store.put_record("local", records.ROUTINE, {"v": 7}, record_id=records.CURRENT)
    store.engine.dispose()
    keep(checked=True)
    at = visit(ROUTINE)
    assert any("newer version of BackCare" in w.value for w in at.warning)
    assert at.get("form")


# --------------------------------------------------------------------------- where


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("sql", "kept on this computer, in one file"),
        ("session", "stays in this browser tab only"),
    ],
)
def test_the_home_page_says_where_things_are_kept_in_every_mode(monkeypatch, mode, words):
    monkeypatch.setenv("BACKCARE_STORAGE", mode)
    at = visit()
    intro = at.main.markdown[0].value
    assert words in intro
    assert "Everything stays on the computer you run it on" not in intro


def test_the_home_page_in_demo_mode_says_the_demo_lives_in_the_tab():
    at = visit()
    at.toggle(key="bc_demo_toggle_home").set_value(True).run()
    assert "The demo patient lives in this browser tab only" in at.main.markdown[0].value


def test_the_tab_only_store_keeps_records_for_the_tab(monkeypatch):
    """Session mode: the check counts on every page of the tab, and is gone in a new one."""
    monkeypatch.setenv("BACKCARE_STORAGE", "session")
    at = visit(SCREENING)
    check(at, ["saddle_numbness"])
    at.switch_page(LEARN).run()
    assert "Your warning-sign check: Emergency" in alerts(at)
    assert "Your warning-sign check" not in alerts(visit(LEARN))


def test_a_check_the_store_refuses_still_counts_for_this_visit(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise storage.StorageError("the disk is full")

    at = visit(SCREENING)
    monkeypatch.setattr(storage.SqlStore, "put_record", refuse)
    check(at, ["saddle_numbness"])
    assert "kept for this visit only" in alerts(at) and "the disk is full" in alerts(at)
    at.switch_page(LEARN).run()
    assert "Your warning-sign check: Emergency" in alerts(at)
    at.switch_page(ROUTINE).run()
    assert no_routine(at)


def test_moving_the_diary_to_the_tab_takes_the_kept_records_along(monkeypatch):
    """After a refused save, "Keep my diary in this tab" copies the check and results too:
    the urgent check still stands in the tab."""
    keep(triage=triage({"night_pain"}, age=50), questionnaires=[peg_result(4, 4, 4)])

    def refuse(*_args, **_kwargs):
        raise storage.StorageError("database or disk is full")

    at = visit(DIARY)
    monkeypatch.setattr(storage.SqlStore, "add", refuse)
    at.segmented_control(key=quick_key(at, "pain")).set_value(5)
    click(at, "Save entry")
    click(at, "Keep my diary in this tab for now")
    monkeypatch.setattr(storage.SqlStore, "records", refuse)  # the tab's store, not the file
    at.switch_page(LEARN).run()
    assert "Your warning-sign check: Urgent" in alerts(at)
    at.switch_page(SCREENING).run()
    assert "Your PEG score: 4.0 out of 10" in [h.value for h in at.subheader]


HOSTILE = "![x](http://127.0.0.1:9/pixel.png)"


def _rendered(at: AppTest) -> str:
    """Everything drawn as Markdown (text elements show their text as it is)."""
    parts = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success]
    return " ".join(p.value for p in parts)


def test_hostile_text_in_a_kept_file_is_never_drawn_as_markdown():
    """A hand-edited diary file: its text reaches no Markdown element of any page."""
    store = storage.SqlStore(storage.database_url())
    check = {
        "v": 1,
        "flags": [HOSTILE],
        "follow_ups": [],
        "age": 40,
        "duration_weeks": 1,
        "improving": None,
        "worsening": None,
        "level": "urgent",
        "taken_at": "2025-03-03T10:15:00",
    }
    put = store.put_record("local", records.CHECK, check)
    seen = {"v": 1, "date": "2025-03-04", "note": HOSTILE, "check_id": put.record_id}
    profile = {"age": 40, "conditions": [HOSTILE], "equipment": [HOSTILE]}
    store.put_record(
        "local",
        records.ROUTINE,
        {"v": 1, "profile": profile, "items": HOSTILE, "start": "2025-03-03"},
        record_id="current",
    )
    store.add_screening("local", "peg", datetime(2025, 3, 3), 5, {"risk": HOSTILE})
    store.engine.dispose()
    for page, _title, _path in PAGE_TABLE:
        assert "127.0.0.1:9" not in _rendered(visit(page)), page
    store = storage.SqlStore(storage.database_url())
    store.put_record("local", records.DOCTOR_SEEN, seen, record_id=put.record_id)
    store.engine.dispose()
    at = visit(SCREENING)
    assert "127.0.0.1:9" not in _rendered(at)
    assert HOSTILE in [t.value for t in at.text]  # the note, shown as plain text
    routine = visit(ROUTINE)
    assert "127.0.0.1:9" not in _rendered(routine)


def test_every_page_opens_on_a_fresh_visit_with_everything_kept(clock):
    """No page breaks on a visit with a full set of kept records."""
    clock(datetime.now().replace(microsecond=0))
    keep(
        triage=triage([], age=40),
        questionnaires=[peg_result(2, 2, 2)],
        routine=build_routine(Profile(age=40)),
        start=date.today() - timedelta(days=9),
        checked=True,
    )
    for page, _title, _path in PAGE_TABLE:
        visit(page)
    assert load_notices().minimum_age == 16
