"""Demo mode in AppTest: the switch, the banner on every page, and the real diary untouched.

tests/app/conftest.py sets BACKCARE_STORAGE=sql with a SQLite file in the temp dir, so the
person's own diary here is a real SQL store.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from streamlit.testing.v1 import AppTest

from backcare import records
from backcare.demo import DEMO_OWNER, PERSONAS, demo_patient
from backcare.diary.model import Entry
from backcare.routine import Profile, build_routine
from backcare.screening import oswestry, triage
from backcare.ui.diary_widgets import PAIN_COLUMN
from backcare.ui.state import (
    DEMO_PICK_PREFIX,
    DEMO_TOGGLE_PREFIX,
    QUICK_PREFIX,
    SESSION_PAIN_KEY,
    SUMMARY_DATES_KEY,
    SUMMARY_PARTS_KEY,
)
from tests.helpers import PAGE_TABLE, click, keep, table_value

DIARY = "pages/4_Pain_diary.py"
ROUTINE = "pages/3_Routine_builder.py"
HOME_TOGGLE = DEMO_TOGGLE_PREFIX + "home"
SIDEBAR_TOGGLE = DEMO_TOGGLE_PREFIX + "sidebar"
BANNER = "**Demo data.**"


def banners(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith(BANNER)]


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def switch(at: AppTest, key: str, on: bool) -> AppTest:
    at.toggle(key=key).set_value(on).run()
    return no_exception(at)


def test_home_has_the_switch_and_no_banner_when_off(app):
    no_exception(app)
    assert app.toggle(key=HOME_TOGGLE).label == "Demo patient"
    assert app.toggle(key=SIDEBAR_TOGGLE).value is False
    assert banners(app) == []


def test_banner_on_every_page_while_on(app):
    switch(app, HOME_TOGGLE, True)
    for page, _title, _path in PAGE_TABLE:
        app.switch_page(page).run()
        no_exception(app)
        assert len(banners(app)) == 1, page
        assert app.toggle(key=SIDEBAR_TOGGLE).value is True, page


def test_home_and_sidebar_switches_agree(app):
    switch(app, SIDEBAR_TOGGLE, True)
    assert app.toggle(key=HOME_TOGGLE).value is True
    app.switch_page(DIARY).run()
    switch(app, SIDEBAR_TOGGLE, False)
    app.switch_page("app.py").run()
    assert app.toggle(key=HOME_TOGGLE).value is False
    assert banners(app) == []


def test_demo_diary_shows_the_persona(app):
    switch(app, HOME_TOGGLE, True)
    app.switch_page(DIARY).run()
    no_exception(app)
    assert any(i.value.startswith("Demo data: this diary") for i in app.info)
    expected = len(demo_patient("chronic").entries)
    assert f"of your {expected} entries" in " ".join(c.value for c in app.caption)
    assert app.get("vega_lite_chart"), "the pain chart is drawn"


def test_demo_diary_before_and_after_shows_change_not_cause(app):
    """Alex (52): a routine in week 8, pain from 6.7 to 4.0 (issue 12, item 14)."""
    switch(app, HOME_TOGGLE, True)
    app.switch_page(DIARY).run()
    no_exception(app)
    captions = " ".join(c.value for c in app.caption)
    assert "Average pain 6.7 (14 days with entries) then 4.0 (14 days)" in captions
    assert "This is a meaningful improvement." in captions
    assert "Back pain often gets better on its own" in captions
    assert "Oswestry Disability Index: 7 scores. First 42% " in captions  # whole percent


def _everything(store) -> tuple:
    return (
        store.list("local"),
        store.screenings("local"),
        store.events("local"),
        {kind: store.records("local", kind) for kind in records.KINDS},
        store.revision("local"),
    )


def test_on_then_off_leaves_the_real_diary_and_results_unchanged(app, sql_store):
    # The person's own diary, results, check and routine, before the demo.
    own = Entry(timestamp=datetime.now() - timedelta(days=1), pain=3, owner="local", note="mine")
    sql_store.add(own)
    own_odi = oswestry([3, 3, 3, 3, 3, 0, 0, 0, 0, 0])
    own_routine = build_routine(Profile(minutes=30, age=40))
    keep(triage=triage([], age=40), questionnaires=[own_odi], routine=own_routine)
    before = _everything(sql_store)

    switch(app, HOME_TOGGLE, True)
    app.switch_page("pages/1_Screening.py").run()
    no_exception(app)
    # The demo's own results: Alex's last Oswestry, not the person's.
    assert any("24%" in h.value for h in app.subheader)
    # Use the demo: a diary entry, a routine session and a new check, all in the demo store.
    app.switch_page(DIARY).run()
    app.segmented_control(key=f"{QUICK_PREFIX}_pain").set_value(9)
    click(app, "Save entry")
    app.switch_page(ROUTINE).run()
    no_exception(app)
    app.segmented_control(key=SESSION_PAIN_KEY).set_value(2)
    click(app, "Done as planned")
    switch(app, SIDEBAR_TOGGLE, False)

    assert _everything(sql_store) == before
    assert sql_store.count(DEMO_OWNER) == 0
    for kind in records.KINDS:
        assert sql_store.records(DEMO_OWNER, kind) == []
    # Their own things are back on every page.
    app.switch_page("pages/1_Screening.py").run()
    no_exception(app)
    assert any("30%" in h.value for h in app.subheader)  # their own Oswestry
    app.switch_page(ROUTINE).run()
    no_exception(app)
    assert "You are in week 1 of 8" in " ".join(s.value for s in app.success)
    app.switch_page(DIARY).run()
    no_exception(app)
    assert list(table_value(app.table[0])["Note"]) == ["mine"]


def test_reset_puts_the_persona_back(app):
    switch(app, HOME_TOGGLE, True)
    app.switch_page(DIARY).run()
    app.segmented_control(key=f"{QUICK_PREFIX}_pain").set_value(9)
    click(app, "Save entry")
    assert table_value(app.table[0])[PAIN_COLUMN].iloc[0] == 9
    click(app, "Reset demo patient")
    app.run()
    patient = demo_patient("chronic")
    assert table_value(app.table[0])[PAIN_COLUMN].iloc[0] == patient.entries[-1].pain
    assert f"of your {len(patient.entries)} entries" in " ".join(c.value for c in app.caption)
    assert len(banners(app)) == 1


def test_red_flag_persona_shows_triage_and_no_routine(app):
    switch(app, HOME_TOGGLE, True)
    app.selectbox(key=DEMO_PICK_PREFIX + "home").set_value("red_flag").run()
    no_exception(app)
    assert PERSONAS["red_flag"].name in banners(app)[0]
    app.switch_page("pages/1_Screening.py").run()
    no_exception(app)
    assert app.error[0].value.startswith("## Emergency")
    app.switch_page(ROUTINE).run()
    no_exception(app)
    assert [e.value for e in app.error] == [demo_patient("red_flag").refused]
    assert not app.get("form")


def summary_button(at: AppTest):
    (button,) = [
        b for b in at.get("download_button") if b.proto.label.startswith("Download the clinician")
    ]
    return button.proto


def test_clinician_summary_offers_the_range_and_parts(app):
    switch(app, HOME_TOGGLE, True)
    app.switch_page(DIARY).run()
    no_exception(app)
    patient = demo_patient("chronic")
    assert app.date_input(key=SUMMARY_DATES_KEY).value == (patient.first_day, patient.today)
    assert len(app.multiselect(key=SUMMARY_PARTS_KEY).value) == 4
    assert summary_button(app).disabled is False
    app.multiselect(key=SUMMARY_PARTS_KEY).set_value([]).run()
    no_exception(app)
    assert summary_button(app).disabled is True
    assert any("at least one part" in w.value for w in app.warning)
    # Another persona starts with its own whole range and every part again.
    app.selectbox(key=DEMO_PICK_PREFIX + "sidebar").set_value("acute").run()
    no_exception(app)
    acute = demo_patient("acute")
    assert app.date_input(key=SUMMARY_DATES_KEY).value == (acute.first_day, acute.today)
    assert len(app.multiselect(key=SUMMARY_PARTS_KEY).value) == 4


def test_clinician_summary_waits_for_a_diary(app):
    app.switch_page(DIARY).run()
    no_exception(app)
    assert any(i.value.startswith("Add diary entries or do a screening") for i in app.info)
    assert not [b for b in app.get("download_button") if "clinician" in b.proto.label]


def test_clinician_summary_range_follows_a_changed_diary(app, sql_store):
    yesterday = datetime.now() - timedelta(days=1)
    sql_store.add(Entry(timestamp=yesterday, pain=5, owner="local"))
    app.session_state[SUMMARY_DATES_KEY] = (yesterday.date() - timedelta(days=400),) * 2
    app.switch_page(DIARY).run()
    no_exception(app)
    assert app.date_input(key=SUMMARY_DATES_KEY).value == (
        yesterday.date(),
        datetime.now().date(),
    )


def _decision(at: AppTest) -> str:
    return " ".join(w.value for w in (*at.warning, *at.success) if "This week:" in w.value)


def test_demo_personas_show_the_plan_holding_and_stepping_back(app):
    """Issue 18: the demo's logged sessions show a clinician the plan answering them: the
    chronic persona's plan steps back a week, the acute one's holds (nothing written for
    the demo: its store is the tab's)."""
    switch(app, HOME_TOGGLE, True)
    app.switch_page(ROUTINE).run()
    no_exception(app)
    said = _decision(app)
    assert "This week: one step back, because pain on" in said, said
    assert "The doses below are week 4's." in said
    app.selectbox(key=DEMO_PICK_PREFIX + "sidebar").set_value("acute").run()
    no_exception(app)
    said = _decision(app)
    assert "This week: same as last week, because pain on" in said, said
    assert "was 6 during the session (your limit is 5)" in said
    assert "The doses below are week 2's." in said
    app.switch_page(DIARY).run()
    no_exception(app)
    assert "Exercise sessions" in [h.value for h in app.header]
