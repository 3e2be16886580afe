"""Routine builder page flows in AppTest: build, swap, download, refuse, shared links."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from backcare.routine import Profile, build_routine, encode_share, load_rules
from backcare.ui.state import PROFILE_KEY, ROUTINE_KEY

PAGE = "pages/3_Routine_builder.py"


def _open(app, **session):
    for key, value in session.items():
        app.session_state[key] = value
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _build(app, *, minutes=20, pain=3, yoga=False, conditions=(), kit=()):
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
    labels = [w.label for w in [*app.slider, *app.radio, *app.multiselect, *app.checkbox]]
    assert all(label.strip() for label in labels) and len(labels) == 8
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
    assert any("5 out of 10" in i.value for i in app.info)  # the pain rule
    assert app.dataframe[0].value.shape == (len(routine.items), 8)


def test_swap_changes_one_item(app):
    _build(_open(app), minutes=20)
    before = app.session_state[ROUTINE_KEY]
    app.button(key="swap_1").click().run()
    assert not app.exception
    after = app.session_state[ROUTINE_KEY]
    assert after.items[1].exercise.id != before.items[1].exercise.id
    assert after.items[0] == before.items[0]
    assert app.query_params["routine"] == encode_share(after)


def test_downloads_are_offered(app):
    _build(_open(app), minutes=15)
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Download the handout (PDF)", "Add to my calendar (.ics)"]


def test_high_pain_gives_a_short_gentle_session(app):
    _build(_open(app), minutes=40, pain=8)
    routine = app.session_state[ROUTINE_KEY]
    assert routine.target_minutes == 15
    assert any(load_rules().high_pain_note == i.value for i in app.info)


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
