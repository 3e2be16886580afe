"""Routine builder page flows in AppTest: build, swap, download, refuse, shared links.

The routine and the "none apply" confirmation are kept in the person's store (the
SQLite diary of tests/app/conftest.py); reopening is in tests/app/test_kept_records.py.
"""

from __future__ import annotations

import re

import pytest

from backcare import records, storage
from backcare.notices import load_notices
from backcare.records import RoutineRecord
from backcare.routine import SURGERY, Profile, build_routine, encode_share, load_rules
from backcare.screening import start_back, triage
from tests.helpers import click, keep

PAGE = "pages/3_Routine_builder.py"
RULES = load_rules()
HIGH_RISK = start_back([1, 1, 1, 1, 1, 1, 1, 1, 4])


def _open(app, *, checked=True, triage=None, start_back=None):
    """Open the page; ``checked``: the person has said none of the warning signs apply;
    ``triage`` and ``start_back``: results kept on an earlier visit."""
    keep(checked=checked, triage=triage, questionnaires=[start_back] if start_back else [])
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _kept() -> RoutineRecord | None:
    """The routine the page kept (None when there is none)."""
    store = storage.SqlStore(storage.database_url())
    try:
        found = store.records("local", records.ROUTINE)
    finally:
        store.engine.dispose()
    return RoutineRecord.from_payload(found[-1].payload) if found else None


def _routine():
    kept = _kept()
    return None if kept is None else kept.routine()


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
    assert _kept() is None
    assert any("Build my routine" in i.value for i in app.info)


def test_build_shows_every_exercise_with_its_drawing(app):
    _build(_open(app), minutes=20)
    routine = _routine()
    assert routine.refused is None
    assert _kept().profile.minutes == 20
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
    plan = progression_plan(_routine())
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
    before = _routine()
    # The main set's first exercise: without neck moves (issue 17, opt-in), this profile's
    # warm-up has no other exercise that fits, so swap_1 would only show "No other ...".
    n = next(k for k, i in enumerate(before.items) if i.exercise.phase == "main")
    app.button(key=f"swap_{n}").click().run()
    assert not app.exception
    after = _routine()
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
    routine = _routine()
    assert routine.target_minutes == 15
    assert any(load_rules().high_pain_note == i.value for i in app.info)
    assert not any(RULES.very_severe_note == w.value for w in app.warning)


def test_pain_9_offers_a_walk_a_few_moves_and_says_see_your_gp(app):
    _build(_open(app), minutes=40, pain=9)
    routine = _routine()
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
    assert app.get("form") and app.number_input
    assert RULES.check_first["confirmed"] in [c.value for c in app.caption]
    _build(app, minutes=15)
    assert _routine().items


def test_a_screening_result_is_the_check(app):
    gp = triage({"very_severe_pain"}, age=52, duration_weeks=1, improving=True, worsening=False)
    assert gp.level == "gp"
    _open(app, checked=False, triage=gp)
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
    assert _kept() is None  # the routine it replaced is not offered again
    options = next(m for m in app.multiselect if m.label == "Anything that applies to you")
    assert f"Spine surgery in the last {RULES.surgery_months} months" in options.options


def test_under_16_from_the_screening_gets_no_form(app):
    _open(app, checked=False, triage=triage(set(), age=15))
    assert [w.value for w in app.warning] == [load_notices().adults_only]
    assert not app.get("form")


def test_under_16_in_the_form_gets_no_routine(app):
    _build(_open(app), age=15)
    assert [w.value for w in app.warning] == [load_notices().adults_only]
    assert not app.get("image")


def test_the_age_must_be_given(app):
    _build(_open(app), age=None)
    assert [e.value for e in app.error] == [RULES.age_missing]
    assert _kept() is None


def test_cautions_for_conditions_not_chosen_are_not_shown(app):
    _build(_open(app), minutes=30)
    captions = " ".join(c.value for c in app.caption).lower()
    assert "caution:" in captions
    assert "pregnan" not in captions and "hip replacement" not in captions
    _build(app, minutes=30, conditions=["osteoporosis"])
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Caution: Osteoporosis: keep the movement slow") for c in captions)


@pytest.mark.parametrize(
    ("level", "flags"), [("emergency", {"saddle_numbness"}), ("urgent", {"night_pain"})]
)
def test_emergency_triage_refuses_and_links_to_screening(app, level, flags):
    _open(app, triage=triage(flags, age=40, duration_weeks=1, improving=True, worsening=False))
    assert app.error[0].value == load_rules().refusal[level]
    assert not app.get("form") and not app.slider
    links = [(p.proto.label, p.proto.page) for p in app.main.get("page_link")]
    assert links == [("Go to your screening advice", "Screening")]


def test_high_start_back_risk_adds_pacing(app):
    _open(app, start_back=HIGH_RISK)
    assert HIGH_RISK.risk == "high"
    _build(app, minutes=20)
    assert _kept().profile.start_back_risk == "high"
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
