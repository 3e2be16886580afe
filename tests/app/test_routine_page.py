"""Routine builder page flows in AppTest: build, swap, download, refuse, shared links."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from backcare.notices import load_notices
from backcare.routine import SURGERY, Profile, build_routine, encode_share, load_rules
from backcare.ui.routine_widgets import CHECKED_KEY
from backcare.ui.state import PROFILE_KEY, ROUTINE_KEY
from tests.helpers import click

PAGE = "pages/3_Routine_builder.py"
RULES = load_rules()


def _open(app, *, checked=True, **session):
    """Open the page; ``checked``: the person has said none of the warning signs apply."""
    if checked:
        app.session_state[CHECKED_KEY] = True
    for key, value in session.items():
        app.session_state[key] = value
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _build(app, *, minutes=20, pain=3, yoga=False, conditions=(), kit=(), age=40):
    app.number_input[0].set_value(age)
    sliders = {s.label: s for s in app.slider}
    sliders["Minutes per session"].set_value(minutes)
    sliders["Your back pain right now (0 = none, 10 = worst)"].set_value(pain)
    multis = {m.label: m for m in app.multiselect}
    multis["Anything that applies to you"].set_value(list(conditions))
    multis["Equipment you have (the floor is always fine)"].set_value(list(kit))
    app.checkbox[0].set_value(yoga)
    app.button(key="FormSubmitter:routine_form-Build my routine").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _names(app) -> list[str]:
    """Exercise names from the numbered headings ("**3. Bridge**")."""
    found = (re.fullmatch(r"\*\*\d+\. (.+)\*\*", m.value) for m in app.markdown)
    return [m.group(1) for m in found if m]


def test_page_starts_with_a_labelled_form_and_no_routine(app):
    _open(app)
    widgets = [*app.number_input, *app.slider, *app.radio, *app.multiselect, *app.checkbox]
    labels = [w.label for w in widgets]
    assert all(label.strip() for label in labels) and len(labels) == 10  # with neck (issue 17)
    assert ROUTINE_KEY not in app.session_state
    assert any("Build my routine" in i.value for i in app.info)


def test_build_shows_every_exercise_with_its_drawing(app):
    _build(_open(app), minutes=20)
    routine = app.session_state[ROUTINE_KEY]
    assert routine.refused is None
    assert app.session_state[PROFILE_KEY].minutes == 20
    names = _names(app)
    assert names == [i.exercise.name for i in routine.items]
    assert len(app.get("image")) == len(routine.items)
    headings = [m.value for m in app.markdown if m.value.startswith("### ")]
    assert headings == ["### Warm-up", "### Main set", "### Cool-down"]
    assert app.query_params["routine"] == encode_share(routine)
    assert any(RULES.pain_rule in i.value for i in app.info)  # the pain rule
    assert app.table[0].value.shape == (len(routine.items), 2)  # week 1 of the plan


def test_the_plan_shows_one_week_at_a_time_with_its_minutes(app):
    """Issue 17: the plan reads on a phone (a week picker, no wide table) and each week
    says how long its session takes, within 10% of the length chosen."""
    from backcare.routine import progression_plan
    from backcare.ui.routine_widgets import PLAN_WEEK_KEY

    _build(_open(app), minutes=20)
    plan = progression_plan(app.session_state[ROUTINE_KEY])
    subheaders = [h.value for h in app.subheader]
    assert f"Week 1: about {plan.weeks[0].minutes:g} minutes" in subheaders
    app.button_group(key=PLAN_WEEK_KEY).set_value(8).run()
    assert not app.exception
    week = plan.weeks[7]
    assert f"Week 8: about {week.minutes:g} minutes" in [h.value for h in app.subheader]
    assert abs(week.minutes - 20) <= 2
    shown = app.table[0].value
    assert list(shown["Exercise"]) == [i.exercise.name for i in week.items]
    assert not app.dataframe  # no wide, sideways-scrolling table


def test_swap_changes_one_item(app):
    _build(_open(app), minutes=20)
    before = app.session_state[ROUTINE_KEY]
    # The main set's first exercise: without neck moves (issue 17, opt-in), this profile's
    # warm-up has no other exercise that fits, so swap_1 would only show "No other ...".
    n = next(k for k, i in enumerate(before.items) if i.exercise.phase == "main")
    app.button(key=f"swap_{n}").click().run()
    assert not app.exception
    after = app.session_state[ROUTINE_KEY]
    assert after.items[n].exercise.id != before.items[n].exercise.id
    assert [i for k, i in enumerate(after.items) if k != n] == [
        i for k, i in enumerate(before.items) if k != n
    ]
    assert app.query_params["routine"] == encode_share(after)


def test_downloads_are_offered(app):
    _build(_open(app), minutes=15)
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Download the handout (PDF)", "Add calendar reminders (.ics)"]
    assert app.time_input(key="ics_time").value is not None  # the reminders' time of day


def test_high_pain_gives_a_short_gentle_session(app):
    _build(_open(app), minutes=40, pain=8)
    routine = app.session_state[ROUTINE_KEY]
    assert routine.target_minutes == 15
    assert any(load_rules().high_pain_note == i.value for i in app.info)
    assert not any(RULES.very_severe_note == w.value for w in app.warning)


def test_pain_9_offers_a_walk_a_few_moves_and_says_see_your_gp(app):
    _build(_open(app), minutes=40, pain=9)
    routine = app.session_state[ROUTINE_KEY]
    names = _names(app)
    assert names == [i.exercise.name for i in routine.items]
    assert "Easy walk to warm up" in names
    assert len([i for i in routine.items if i.exercise.kind != "aerobic"]) <= 4
    assert [w.value for w in app.warning] == [RULES.very_severe_note]


# --------------------------------------------------------- check for warning signs first
def test_the_builder_asks_for_the_warning_sign_check_first(app):
    _open(app, checked=False)
    assert not app.get("form") and not app.slider and not app.number_input
    assert [e.value for e in app.error] == [load_notices().emergency]
    links = [(p.proto.label, p.proto.page) for p in app.main.get("page_link")]
    assert links == [(RULES.check_first["screening_link"], "Screening")]
    click(app, RULES.check_first["confirm"])
    assert app.session_state[CHECKED_KEY] is True
    assert app.get("form") and app.number_input
    assert RULES.check_first["confirmed"] in [c.value for c in app.caption]
    _build(app, minutes=15)
    assert app.session_state[ROUTINE_KEY].items


def test_a_screening_result_is_the_check(app):
    _open(app, checked=False, bc_result_triage=SimpleNamespace(level="gp", age=52))
    assert app.get("form") and not app.error
    assert app.number_input[0].value == 52  # the age from the screening


def test_a_shared_link_waits_for_the_check_too(app):
    routine = build_routine(Profile(minutes=15))
    app.query_params["routine"] = encode_share(routine)
    _open(app, checked=False)
    assert not app.get("image")
    click(app, RULES.check_first["confirm"])
    assert len(app.get("image")) == len(routine.items)


# ------------------------------------------------------------------ surgery, under 16
def test_recent_spine_surgery_gets_the_surgical_teams_plan_not_a_routine(app):
    _build(_open(app), minutes=20)
    assert app.query_params["routine"]
    _build(app, minutes=20, conditions=[SURGERY])
    assert [w.value for w in app.warning] == [RULES.surgery_refusal]
    assert not app.get("image") and not app.get("download_button")
    assert "routine" not in app.query_params
    assert app.session_state[ROUTINE_KEY].refused_for == "surgery"
    options = next(m for m in app.multiselect if m.label == "Anything that applies to you")
    assert f"Spine surgery in the last {RULES.surgery_months} months" in options.options


def test_under_16_from_the_screening_gets_no_form(app):
    _open(app, checked=False, bc_result_triage=SimpleNamespace(level="self_care", age=15))
    assert [w.value for w in app.warning] == [load_notices().adults_only]
    assert not app.get("form")


def test_under_16_in_the_form_gets_no_routine(app):
    _build(_open(app), age=15)
    assert [w.value for w in app.warning] == [load_notices().adults_only]
    assert not app.get("image")


def test_the_age_must_be_given(app):
    _build(_open(app), age=None)
    assert [e.value for e in app.error] == [RULES.age_missing]
    assert ROUTINE_KEY not in app.session_state


def test_cautions_for_conditions_not_chosen_are_not_shown(app):
    _build(_open(app), minutes=30)
    captions = " ".join(c.value for c in app.caption).lower()
    assert "caution:" in captions
    assert "pregnan" not in captions and "hip replacement" not in captions
    _build(app, minutes=30, conditions=["osteoporosis"])
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Caution: Osteoporosis: keep the movement slow") for c in captions)


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_emergency_triage_refuses_and_links_to_screening(app, level):
    _open(app, bc_result_triage=SimpleNamespace(level=level))
    assert app.error[0].value == load_rules().refusal[level]
    assert not app.get("form") and not app.slider
    links = [(p.proto.label, p.proto.page) for p in app.main.get("page_link")]
    assert links == [("Go to your screening advice", "Screening")]


def test_high_start_back_risk_adds_pacing(app):
    _open(app, bc_result_start_back=SimpleNamespace(risk="high"))
    _build(app, minutes=20)
    assert app.session_state[PROFILE_KEY].start_back_risk == "high"
    assert any(load_rules().pacing_note == i.value for i in app.info)


def test_shared_link_opens_the_routine_without_swaps(app):
    routine = build_routine(Profile(minutes=15))
    app.query_params["routine"] = encode_share(routine)
    _open(app)
    assert len(app.get("image")) == len(routine.items)
    assert any("shared link" in i.value for i in app.info)
    assert all(b.disabled for b in app.button if b.key and b.key.startswith("swap_"))


@pytest.mark.parametrize("bad", ["1~sit_up.1.5.0.4", "<script>", "1~bridge.1.99.3.4"])
def test_hostile_link_shows_an_error_and_nothing_else(app, bad):
    app.query_params["routine"] = bad
    _open(app)
    assert "damaged or out of date" in app.error[0].value
    assert not app.get("image")


def _done_button(app):
    [done] = [b for b in app.button if b.label == "I did today's session"]
    return done


def test_i_did_todays_session_goes_into_the_pain_diary(app):
    _build(_open(app), minutes=10)
    app.segmented_control(key="session_done_pain").set_value(4)
    _done_button(app).click().run()
    assert any(s.value.startswith("Logged in your pain diary") for s in app.success)
    # The diary now holds an exercise entry with that pain, and the routine start event.
    choice = _diary_choice()
    [entry] = choice.store.list(choice.owner)
    assert (entry.pain, entry.exercised, entry.exercise_minutes) == (4, True, 10)
    assert [e.label for e in choice.store.events(choice.owner)] == ["Routine started"]
    # A second session the same day adds an entry but not a second start event.
    app.segmented_control(key="session_done_pain").set_value(3)
    _done_button(app).click().run()
    assert choice.store.count(choice.owner) == 2
    assert len(choice.store.events(choice.owner)) == 1


def test_i_did_todays_session_asks_for_pain_and_writes_nothing_without_it(app):
    _build(_open(app), minutes=10)
    _done_button(app).click().run()
    assert "Choose your pain now" in app.error[0].value
    choice = _diary_choice()
    assert choice.store.count(choice.owner) == 0


def _diary_choice():
    """The same SQLite diary the page wrote to (BACKCARE_STORAGE=sql in the temp dir)."""
    from backcare.storage import SqlStore, database_url
    from backcare.ui.store import LOCAL_OWNER, StoreChoice

    return StoreChoice(SqlStore(database_url()), LOCAL_OWNER, "sql")
