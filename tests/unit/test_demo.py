"""backcare.demo: personas are the same every time, plausible, and fill only their store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import analytics
from backcare.demo import (
    DEMO_OWNER,
    PERSONAS,
    demo_patient,
    fill_store,
)
from backcare.diary.frames import (
    ROUTINE_STARTED,
    entries_frame,
    events_frame,
    screenings_frame,
)
from backcare.diary.model import Entry
from backcare.storage import SessionStore, SqlStore

TODAY = date(2026, 3, 15)

# persona id, diary days, triage level, routine built?
PERSONA_TABLE = [
    ("acute", 21, "self_care", True),
    ("chronic", 182, "self_care", True),
    ("red_flag", 14, "emergency", False),
]


def test_at_least_three_personas():
    assert len(PERSONAS) >= 3
    assert {row[0] for row in PERSONA_TABLE} <= set(PERSONAS)


@pytest.mark.parametrize("persona_id", list(PERSONAS))
def test_same_data_twice(persona_id):
    assert demo_patient(persona_id, TODAY) == demo_patient(persona_id, TODAY)


@pytest.mark.parametrize("persona_id", list(PERSONAS))
def test_dates_move_with_today(persona_id):
    a = demo_patient(persona_id, TODAY)
    b = demo_patient(persona_id, TODAY + timedelta(days=10))
    assert [e.pain for e in a.entries] == [e.pain for e in b.entries]
    assert [e.timestamp + timedelta(days=10) for e in a.entries] == [e.timestamp for e in b.entries]


@pytest.mark.parametrize(("persona_id", "days", "level", "has_routine"), PERSONA_TABLE)
def test_persona_fills_everything(persona_id, days, level, has_routine):
    patient = demo_patient(persona_id, TODAY)
    assert patient.triage.level == level
    assert (patient.routine is not None) is has_routine
    assert (patient.refused is None) is has_routine
    assert {e.timestamp.date() for e in patient.entries} == {
        TODAY - timedelta(days=n) for n in range(1, days + 1)
    }
    assert set(patient.results()) >= {"triage", "start_back", "oswestry", "peg"}
    assert patient.screenings


@pytest.mark.parametrize("persona_id", list(PERSONAS))
def test_plausible_diary(persona_id):
    patient = demo_patient(persona_id, TODAY)
    stamps = [e.timestamp for e in patient.entries]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert all(0 <= e.pain <= 10 for e in patient.entries)
    assert max(stamps).date() < TODAY  # nothing in the future
    assert all(e.owner == DEMO_OWNER for e in patient.entries)
    assert all(s.taken_at.date() < TODAY for s in patient.screenings)
    assert len({e.id for e in patient.entries}) == len(patient.entries)


def _mean_pain(patient, first_days: int | None = None, last_days: int | None = None) -> float:
    days = sorted({e.timestamp.date() for e in patient.entries})
    chosen = set(days[:first_days] if first_days else days[-last_days:])
    pains = [e.pain for e in patient.entries if e.timestamp.date() in chosen]
    return sum(pains) / len(pains)


def test_acute_strain_improves_over_three_weeks():
    patient = demo_patient("acute", TODAY)
    assert _mean_pain(patient, first_days=3) >= 6
    assert _mean_pain(patient, last_days=3) <= 3
    odi = [s.score for s in patient.screenings if s.instrument == "oswestry"]
    assert odi[-1] < odi[0]


def test_chronic_oswestry_falls_from_about_42_to_24():
    patient = demo_patient("chronic", TODAY)
    odi = [s.score for s in patient.screenings if s.instrument == "oswestry"]
    assert len(odi) >= 5
    assert odi[0] == pytest.approx(42, abs=2)
    assert odi[-1] == pytest.approx(24, abs=2)
    assert odi == sorted(odi, reverse=True)  # never rises
    assert patient.oswestry.percent == odi[-1]
    assert [s.score for s in patient.screenings if s.instrument == "peg"][-1] < 5


def test_chronic_roland_morris_and_psfs_improve_over_time():
    """Issue 16: Alex has Roland-Morris (lower is better) and PSFS (higher is better) scores
    over time, and both changes count as meaningful in the diary's trends."""
    patient = demo_patient("chronic", TODAY)
    frame = screenings_frame(patient.screenings)
    trends = {t.instrument: t for t in analytics.screening_trends(frame)}
    rmdq, psfs = trends["rmdq"], trends["psfs"]
    assert list(rmdq.frame["score"]) == [14, 14, 13, 11, 10, 8, 7]
    assert rmdq.change is not None and rmdq.change.direction == "better"
    assert psfs.frame["score"].iloc[0] == 3.0 and round(psfs.frame["score"].iloc[-1], 1) == 6.3
    assert psfs.change is not None and psfs.change.direction == "better"
    assert patient.psfs is not None and patient.psfs.activities[0] == "Walk for 30 minutes"
    assert set(patient.results()) == {"triage", "start_back", "oswestry", "rmdq", "peg", "psfs"}


def test_chronic_routine_starts_in_week_8_with_exercise_after():
    patient = demo_patient("chronic", TODAY)
    first = patient.first_day
    (started,) = [e for e in patient.events if e.label == ROUTINE_STARTED]
    assert (started.date - first).days // 7 + 1 == 8
    before = [e for e in patient.entries if e.timestamp.date() < started.date]
    after = [e for e in patient.entries if e.timestamp.date() >= started.date]
    assert not any(e.exercised for e in before)
    assert sum(e.exercised for e in after) >= 3 * (len(after) // 7)
    assert sum(e.flare for e in patient.entries) >= 12  # several flare-ups
    assert {e.timestamp.date() for e in patient.entries}.__len__() == 182  # six months


def test_chronic_before_after_is_a_meaningful_improvement():
    patient = demo_patient("chronic", TODAY)
    comparison = analytics.compare_periods(
        entries_frame(patient.entries), events_frame(patient.events)
    )
    assert comparison.anchor == "routine"
    assert comparison.change is not None and comparison.change.direction == "better"


def test_red_flag_person_gets_triage_and_no_routine():
    patient = demo_patient("red_flag", TODAY)
    assert patient.triage.urgent_or_worse
    assert patient.routine is None
    assert patient.refused
    assert not patient.events  # no routine, so no "Routine started"


@pytest.mark.parametrize("persona_id", list(PERSONAS))
def test_no_diary_goes_on_for_days_after_emergency_signs(persona_id):
    """Issue 12 item 17: signs that need A&E the same day never sit in a diary for days.

    A persona with emergency signs says so in the story (A&E the same day), and every
    diary entry and questionnaire comes before the day the signs began."""
    patient = demo_patient(persona_id, TODAY)
    persona = patient.persona
    if patient.triage.level != "emergency":
        return
    assert "A&E the same day" in persona.story
    assert "999" in persona.story
    assert persona.signs_from_day is not None
    began = patient.first_day + timedelta(days=persona.signs_from_day)
    assert began == TODAY  # the check was done the day the signs began
    assert max(e.timestamp for e in patient.entries).date() < began
    assert all(s.taken_at.date() < began for s in patient.screenings)


def test_red_flag_persona_is_getting_worse_and_says_so():
    patient = demo_patient("red_flag", TODAY)
    assert patient.triage.worsening is True
    assert "getting worse" in patient.persona.story


def test_unknown_persona_names_the_choices():
    with pytest.raises(ValueError, match="chronic"):
        demo_patient("nobody", TODAY)


def test_today_must_be_a_date():
    with pytest.raises(ValueError, match="today"):
        demo_patient("acute", "2026-03-15")  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_any_today_gives_a_valid_diary(today):
    patient = demo_patient("acute", today)
    assert max(e.timestamp for e in patient.entries).date() == today - timedelta(days=1)


def test_fill_store_writes_only_the_demo_owner(tmp_path):
    real = SqlStore(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    real.add(Entry(timestamp=TODAY - timedelta(days=1), pain=4, owner="local"))
    before = (real.list("local"), real.screenings("local"), real.events("local"))
    demo_store = SessionStore()
    patient = demo_patient("chronic", TODAY)
    assert fill_store(demo_store, patient) == len(patient.entries)
    assert demo_store.count(DEMO_OWNER) == len(patient.entries)
    assert len(demo_store.screenings(DEMO_OWNER)) == len(patient.screenings)
    assert [e.label for e in demo_store.events(DEMO_OWNER)] == [ROUTINE_STARTED]
    assert (real.list("local"), real.screenings("local"), real.events("local")) == before
    assert real.count(DEMO_OWNER) == 0


@pytest.mark.parametrize(
    ("persona_id", "action", "step"), [("acute", "hold", 2), ("chronic", "step_back", 4)]
)
def test_demo_sessions_show_a_hold_and_a_step_back(persona_id, action, step):
    """Issue 18: the personas' logged sessions, read back from the store as the Routine
    builder reads them, make the plan hold (acute) and step back (chronic)."""
    from backcare import records
    from backcare.routine import plan_step

    patient = demo_patient(persona_id, TODAY)
    store = SessionStore()
    fill_store(store, patient)
    start = patient.first_day + timedelta(days=patient.persona.routine_day or 0)
    kept = store.records(DEMO_OWNER, records.SESSION)
    sessions = records.sessions_by_week(kept, start, TODAY)
    assert len(sessions.all) == len(patient.sessions) > 0
    found, decision = plan_step(sessions.weeks, usual_pain=patient.profile.pain_now)
    assert decision is not None and (decision.action, found) == (action, step)


def test_no_sessions_without_a_routine():
    assert demo_patient("red_flag", TODAY).sessions == ()
