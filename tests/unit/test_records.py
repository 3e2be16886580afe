"""backcare.records: kept checks, routines, doctor visits and confirmations, and what they
say together (the standing of the newest check)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import records
from backcare.records import (
    CheckRecord,
    DoctorSeen,
    RoutineRecord,
    SignsChecked,
    Standing,
    standing,
    still_valid,
)
from backcare.routine import Profile, build_routine, encode_share, load_rules, swap
from backcare.screening import load_red_flags, triage
from backcare.storage import StoredRecord
from tests.unit.routine_profiles import profiles

RULES = load_red_flags()
WHEN = datetime(2025, 3, 3, 10, 15)
FLAGS_WITH_FOLLOW_UP = [f for f in RULES.flags if f.follow_up is not None]


# --------------------------------------------------------------------------- strategies


@st.composite
def triage_results(draw):
    """Any answers the red-flag form can give, triaged."""
    flags = draw(st.frozensets(st.sampled_from(sorted(RULES.flag_ids))))
    follow_ups = {
        f.id: draw(st.sampled_from([o.id for o in f.follow_up.options]))
        for f in FLAGS_WITH_FOLLOW_UP
        if f.id in flags and draw(st.booleans())
    }
    improving, worsening = draw(
        st.sampled_from([(True, False), (False, False), (False, True), (None, None), (None, True)])
    )
    return triage(
        flags,
        age=draw(st.none() | st.integers(0, 120)),
        duration_weeks=draw(st.none() | st.integers(0, 520) | st.floats(0, 5200)),
        improving=improving,
        worsening=worsening,
        follow_ups=follow_ups,
    )


MOMENTS = st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1))
DAYS = st.dates(date(1990, 1, 1), date(2100, 1, 1))


def _json(payload: dict) -> dict:
    """As a store gives it back: through JSON text."""
    return json.loads(json.dumps(payload))


# --------------------------------------------------------------------------- round trips


@settings(max_examples=150, deadline=None)
@given(triage_results(), MOMENTS)
def test_any_check_survives_its_payload_and_triages_to_the_same_level(result, when):
    kept = CheckRecord.from_triage(result, when)
    again = CheckRecord.from_payload(_json(kept.to_payload()))
    assert again == kept
    assert again.level == result.level
    assert again.result() == result  # today's rules on the same answers: the same result


@settings(max_examples=60, deadline=None)
@given(profiles(), DAYS, st.integers(0, 3))
def test_any_routine_survives_its_payload(profile, start, swaps):
    routine = build_routine(profile)
    for n in range(swaps):
        try:
            routine = swap(routine, n % len(routine.items))
        except ValueError:
            break
    kept = RoutineRecord.from_routine(routine, start)
    again = RoutineRecord.from_payload(_json(kept.to_payload()))
    assert again == kept
    rebuilt = again.routine()
    assert rebuilt.items == routine.items
    assert rebuilt.profile == profile
    assert encode_share(rebuilt) == encode_share(routine)


@given(DAYS, st.text(max_size=records.MAX_NOTE_CHARS), st.none() | st.text(min_size=1))
def test_any_doctor_visit_survives_its_payload(day, note, check_id):
    seen = DoctorSeen(day, note, check_id)
    assert DoctorSeen.from_payload(_json(seen.to_payload())) == seen


@given(MOMENTS)
def test_any_confirmation_survives_its_payload(when):
    kept = SignsChecked(when)
    assert SignsChecked.from_payload(_json(kept.to_payload())) == kept


def test_a_kept_check_shows_todays_advice():
    """The words come from today's rules; only the answers are kept."""
    result = triage({"saddle_numbness"}, age=40, duration_weeks=1)
    payload = CheckRecord.from_triage(result, WHEN).to_payload()
    assert set(payload) == {
        "v",
        "flags",
        "follow_ups",
        "age",
        "duration_weeks",
        "improving",
        "worsening",
        "level",
        "taken_at",
    }
    assert CheckRecord.from_payload(payload).result().advice == result.advice


# --------------------------------------------------------------------------- bad payloads

GOOD_CHECK = CheckRecord.from_triage(triage({"night_pain"}, age=50), WHEN).to_payload()
GOOD_ROUTINE = RoutineRecord.from_routine(build_routine(Profile(age=40)), date(2025, 3, 3))


def _with(payload: dict, **changes) -> dict:
    out = dict(payload)
    for key, value in changes.items():
        if value is ...:
            out.pop(key)
        else:
            out[key] = value
    return out


# (payload, words in the message)
BAD_CHECKS = [
    (None, "not a record"),
    ([], "not a record"),
    ({}, "no version"),
    (_with(GOOD_CHECK, v="1"), "no version"),
    (_with(GOOD_CHECK, v=2), "newer version of BackCare"),
    (_with(GOOD_CHECK, flags=...), "flags is missing"),
    (_with(GOOD_CHECK, flags="night_pain"), "flags"),
    (_with(GOOD_CHECK, flags=[1]), "flags"),
    (_with(GOOD_CHECK, follow_ups=[["a"]]), "follow_ups"),
    (_with(GOOD_CHECK, age=-1), "age"),
    (_with(GOOD_CHECK, age=True), "age"),
    (_with(GOOD_CHECK, age="40"), "age"),
    (_with(GOOD_CHECK, duration_weeks=-2), "duration_weeks"),
    (_with(GOOD_CHECK, improving="yes"), "improving"),
    (_with(GOOD_CHECK, level="panic"), "level"),
    (_with(GOOD_CHECK, taken_at="yesterday"), "taken_at"),
    (_with(GOOD_CHECK, taken_at=None), "taken_at"),
]


@pytest.mark.parametrize(("payload", "words"), BAD_CHECKS)
def test_a_bad_check_payload_says_it_cannot_be_read(payload, words):
    with pytest.raises(ValueError, match=words) as error:
        CheckRecord.from_payload(payload)
    assert str(error.value).startswith("The saved check")


def test_a_check_whose_question_is_gone_cannot_be_triaged():
    kept = CheckRecord.from_payload(_with(GOOD_CHECK, flags=["a_question_removed_later"]))
    with pytest.raises(ValueError, match="unknown flag id"):
        kept.result()


BAD_ROUTINES = [
    (_with(GOOD_ROUTINE.to_payload(), v=9), "newer version"),
    (_with(GOOD_ROUTINE.to_payload(), items=""), "items"),
    (_with(GOOD_ROUTINE.to_payload(), items=...), "items is missing"),
    (_with(GOOD_ROUTINE.to_payload(), start="3 March"), "start"),
    (_with(GOOD_ROUTINE.to_payload(), profile="beginner"), "profile"),
    (_with(GOOD_ROUTINE.to_payload(), profile={"minutes": "twenty"}), "minutes"),
    (_with(GOOD_ROUTINE.to_payload(), profile={"equipment": "mat"}), "equipment"),
    (_with(GOOD_ROUTINE.to_payload(), profile={"conditions": ["broken"]}), "conditions"),
]


@pytest.mark.parametrize(("payload", "words"), BAD_ROUTINES)
def test_a_bad_routine_payload_says_it_cannot_be_read(payload, words):
    with pytest.raises(ValueError, match=words) as error:
        RoutineRecord.from_payload(payload)
    assert str(error.value).startswith("The saved routine")


def test_a_damaged_exercise_list_says_the_routine_cannot_be_read():
    kept = RoutineRecord.from_payload(_with(GOOD_ROUTINE.to_payload(), items="1~nope.1.2.3.4"))
    with pytest.raises(ValueError, match="The saved routine could not be read"):
        kept.routine()


def test_unknown_profile_fields_of_the_same_version_are_left_aside():
    payload = GOOD_ROUTINE.to_payload()
    payload["profile"] = {**payload["profile"], "favourite_colour": "blue"}
    assert RoutineRecord.from_payload(payload) == GOOD_ROUTINE


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"v": 1}, "date is missing"),
        ({"v": 1, "date": "2025-13-01"}, "date"),
        ({"v": 1, "date": "2025-03-01", "note": "x" * 201}, "at most 200"),
    ],
)
def test_a_bad_doctor_visit_is_refused(payload, words):
    with pytest.raises(ValueError, match=words):
        DoctorSeen.from_payload(payload)


def test_only_a_built_routine_can_be_kept():
    refused = build_routine(Profile(triage_level="emergency"))
    with pytest.raises(ValueError, match="built from your answers"):
        RoutineRecord.from_routine(refused, date(2025, 3, 3))


# --------------------------------------------------------------------------- the plan week

START = date(2025, 3, 3)
WEEKS = load_rules().weeks


@pytest.mark.parametrize(
    ("days_after_start", "week"),
    [(-30, 1), (-1, 1), (0, 1), (6, 1), (7, 2), (13, 2), (14, 3), (20, 3), (49, 8), (500, 8)],
)
def test_the_plan_week_counts_from_the_start_and_stays_in_the_plan(days_after_start, week):
    assert WEEKS == 8
    assert GOOD_ROUTINE.week(START + timedelta(days=days_after_start)) == week


@given(DAYS, DAYS)
def test_the_plan_week_is_always_in_the_plan(start, today):
    kept = RoutineRecord(GOOD_ROUTINE.profile, GOOD_ROUTINE.items, start)
    assert 1 <= kept.week(today) <= kept.weeks


def test_a_kept_routine_the_rules_now_refuse_comes_back_refused():
    profile = Profile(age=40)
    kept = RoutineRecord.from_routine(build_routine(profile), START)
    payload = kept.to_payload()
    payload["profile"]["conditions"] = ["recent_spine_surgery"]
    assert RoutineRecord.from_payload(payload).routine().refused_for == "surgery"


# --------------------------------------------------------------------------- standing


def _stored(kind: str, payload: dict, record_id: str, minute: int) -> StoredRecord:
    return StoredRecord(kind, record_id, datetime(2025, 3, 3, 9, minute, tzinfo=UTC), payload)


def _check(level_flags: set[str], record_id: str, minute: int, when: datetime = WHEN):
    result = triage(level_flags, age=50, duration_weeks=1, improving=True, worsening=False)
    return _stored(
        records.CHECK, CheckRecord.from_triage(result, when).to_payload(), record_id, minute
    )


EMERGENCY = {"saddle_numbness"}
URGENT = {"night_pain"}
NONE: set[str] = set()


def test_no_records_no_hold():
    now = standing([])
    assert now == Standing()
    assert now.hold_level is None and now.level is None
    assert not now.signs_checked(WHEN.date())


@pytest.mark.parametrize(("flags", "held"), [(EMERGENCY, "emergency"), (URGENT, "urgent")])
def test_an_emergency_or_urgent_check_stands(flags, held):
    now = standing([_check(flags, "c1", 1)])
    assert now.hold_level == held and now.level == held
    assert not now.signs_checked(WHEN.date())


def test_a_newer_lower_check_lifts_it_and_an_older_one_does_not():
    emergency, calm = _check(EMERGENCY, "c1", 1), _check(NONE, "c2", 2)
    assert standing([emergency, calm]).hold_level is None
    assert standing([emergency, calm]).level == "self_care"
    assert standing([calm, emergency]).hold_level == "emergency"


def test_the_check_taken_last_counts_whatever_the_order_written():
    """An import adds older checks after newer ones: their own time decides."""
    emergency = _check(EMERGENCY, "c1", 1, WHEN)
    older = _check(NONE, "c2", 2, WHEN - timedelta(days=30))
    assert standing([emergency, older]).hold_level == "emergency"
    assert standing([emergency, older]).check_id == "c1"


def test_a_doctor_visit_for_the_check_lifts_it():
    emergency = _check(EMERGENCY, "c1", 1)
    seen = _stored(records.DOCTOR_SEEN, DoctorSeen(WHEN.date(), "", "c1").to_payload(), "c1", 2)
    now = standing([emergency], [seen])
    assert now.hold_level is None and now.level is None
    assert now.seen == DoctorSeen(WHEN.date(), "", "c1")
    assert now.result.level == "emergency"  # the check stays as it was
    assert not now.signs_checked(WHEN.date())  # check again before any exercise


def test_a_doctor_visit_for_an_older_check_does_not_lift_a_new_one():
    old, new = _check(EMERGENCY, "c1", 1), _check(URGENT, "c2", 3)
    seen = _stored(records.DOCTOR_SEEN, DoctorSeen(WHEN.date(), "", "c1").to_payload(), "c1", 2)
    assert standing([old, new], [seen]).hold_level == "urgent"


def test_a_damaged_doctor_visit_never_lifts_it():
    emergency = _check(EMERGENCY, "c1", 1)
    seen = _stored(records.DOCTOR_SEEN, {"v": 1}, "c1", 2)
    assert standing([emergency], [seen]).hold_level == "emergency"


@pytest.mark.parametrize(
    ("payload", "held"),
    [
        ({"v": 99, "level": "emergency"}, "emergency"),
        ({"v": 1, "level": "urgent", "flags": "broken"}, "urgent"),
        ({"v": 1, "level": "self_care"}, None),
        ({}, None),
    ],
)
def test_a_check_that_cannot_be_read_keeps_an_emergency_it_recorded(payload, held):
    now = standing([_stored(records.CHECK, payload, "c1", 1)])
    assert now.hold_level == held
    assert now.problem and now.problem.startswith("The saved check")
    assert now.check is None and now.check_id == "c1"


def test_a_check_counts_for_a_week_then_asks_again():
    calm = standing([_check(NONE, "c1", 1)])
    days = load_rules().check_valid_days
    assert days == 7
    assert calm.signs_checked(WHEN.date())
    assert calm.signs_checked(WHEN.date() + timedelta(days=days - 1))
    assert not calm.signs_checked(WHEN.date() + timedelta(days=days))
    assert calm.lapsed_on == WHEN.date()


def test_a_confirmation_counts_for_a_week_and_a_newer_check_replaces_it():
    at = WHEN + timedelta(hours=1)
    confirmed = _stored(records.SIGNS_CHECKED, SignsChecked(at).to_payload(), "current", 2)
    alone = standing([], confirmations=[confirmed])
    assert alone.signs_checked(WHEN.date() + timedelta(days=6))
    assert not alone.signs_checked(WHEN.date() + timedelta(days=7))
    # A check made after it decides instead: an urgent one stands, whatever was confirmed.
    later = standing(
        [_check(URGENT, "c1", 5, at + timedelta(minutes=1))], confirmations=[confirmed]
    )
    assert later.confirmed is None and later.hold_level == "urgent"
    assert not later.signs_checked(WHEN.date())
    # A confirmation after a doctor's visit counts again.
    emergency = _check(EMERGENCY, "c1", 1)
    seen = _stored(records.DOCTOR_SEEN, DoctorSeen(WHEN.date(), "", "c1").to_payload(), "c1", 1)
    after = standing([emergency], [seen], [confirmed])
    assert after.signs_checked(WHEN.date())


@pytest.mark.parametrize(
    ("day", "today", "counts"),
    [
        (date(2025, 3, 3), date(2025, 3, 3), True),
        (date(2025, 3, 3), date(2025, 3, 9), True),
        (date(2025, 3, 3), date(2025, 3, 10), False),
        (date(2025, 3, 10), date(2025, 3, 3), True),  # the clock put back
    ],
)
def test_still_valid(day, today, counts):
    assert still_valid(day, today) is counts


# --------------------------------------------------------------------------- questionnaires


@pytest.mark.parametrize(
    ("instrument", "answers", "score"),
    [
        ("start_back", (1, 0, 1, 0, 1, 1, 0, 1, 3), 6.0),
        ("oswestry", (2, 2, 2, 2, 2, 2, 2, 2, 1, None), pytest.approx(100 * 17 / 45)),
        ("peg", [5, 4, 6], 5.0),
    ],
)
def test_a_kept_questionnaire_is_scored_again_from_its_answers(instrument, answers, score):
    result = records.rescore(instrument, answers)
    assert result.instrument == instrument and result.score == score
    assert result.answers == tuple(answers)


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [("sf36", (1,)), ("peg", None), ("peg", (1, 2)), ("peg", (1, 2, 11)), ("start_back", (1,))],
)
def test_answers_that_do_not_fit_say_so(instrument, answers):
    with pytest.raises(ValueError):
        records.rescore(instrument, answers)
