"""backcare.routine.next_step: the plan answers the logged sessions by the pain rule
(data/routine_rules.toml, pain_rule and next_step), and kept sessions grouped by plan week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import records
from backcare.records import IN_PART, PLANNED, SessionRecord, sessions_by_week
from backcare.routine import (
    Profile,
    build_routine,
    leave_out,
    load_next_step_rules,
    load_rules,
    next_step,
    pain_limit,
    plan_step,
)
from backcare.storage import StoredRecord

TUESDAY = date(2026, 11, 24)
WORDS = load_next_step_rules()


def s(pain=None, settled=None, leg=False, day=TUESDAY, wrong=(), done=None):
    """A session as the form keeps it."""
    return SessionRecord(
        date=day,
        week=1,
        done=done or (IN_PART if wrong else PLANNED),
        felt_wrong=frozenset(wrong),
        pain_during=pain,
        settled_next_day=settled,
        leg_symptoms_spread=leg,
    )


OK = s(3, True)
OVER = s(7, True)
UNSETTLED = s(3, False)

# (id, weeks oldest first, usual pain, action, words in the reasons)
CASES = [
    ("within the rule: progress", [[OK, OK]], None, "progress", []),
    ("pain at the limit is within it", [[s(5, True)]], None, "progress", []),
    ("pain over the limit: hold", [[OK, OVER]], None, "hold", ["was 7", "your limit is 5"]),
    ("not back to usual: hold", [[UNSETTLED]], None, "hold", ["not back to usual"]),
    ("twice in a row: step back", [[OVER], [UNSETTLED]], None, "step_back", ["not back"]),
    ("a good week in between: hold", [[OVER], [OK], [OVER]], None, "hold", ["was 7"]),
    ("a breach then a good week: progress", [[OVER], [OK]], None, "progress", []),
    ("usual pain 6: limit 8, 7 is fine", [[OVER]], 6, "progress", []),
    ("usual pain 6: 9 is over 8", [[s(9, True)]], 6, "hold", ["was 9", "your limit is 8"]),
    ("usual pain 4: fixed limit 5", [[s(6, True)]], 4, "hold", ["your limit is 5"]),
    ("usual pain 9: never above 10", [[s(10, True)]], 9, "progress", []),
    ("next day not answered yet", [[s(4, None)]], None, "progress", []),
    ("pain not said, settled", [[s(None, True)]], None, "progress", []),
    ("nothing logged last week: hold", [[OK], []], None, "hold", ["no session was logged"]),
    ("no weeks at all: hold", [], None, "hold", ["no session was logged"]),
    ("leg symptoms: hold", [[s(3, True, leg=True, wrong=["bridge"])]], None, "hold", ["a leg"]),
]


@pytest.mark.parametrize(
    ("weeks", "usual", "action", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_next_step_follows_the_pain_rule(weeks, usual, action, words):
    decision = next_step(weeks, usual_pain=usual)
    assert decision.action == action
    said = " ".join(decision.reasons)
    for word in words:
        assert word in said
    assert decision.limit == pain_limit(usual)
    assert decision.headline.startswith("This week:")


def test_the_person_reads_why_the_week_holds():
    decision = next_step([[OK, OVER]])
    assert decision.headline == (
        "This week: same as last week, because pain on Tuesday was 7 during the session "
        "(your limit is 5)."
    )


def test_the_limit_is_the_pain_rules_own():
    """Read from data/routine_rules.toml through pain_limit, never a copy."""
    rule = load_rules().pain
    at_limit = [[s(rule.absolute_limit, True)]]
    over = [[s(rule.absolute_limit + 1, True)]]
    assert next_step(at_limit).action == "progress"
    assert next_step(over).action == "hold"


def test_leg_symptoms_drop_that_exercise_and_offer_a_gentler_one_with_a_note():
    decision = next_step([[s(2, True, leg=True, wrong=["bridge"])], [OK]])
    assert decision.action == "progress"  # an earlier week's leg symptoms: the drop stays
    assert decision.dropped == ("bridge",)
    assert decision.offers == (("bridge", "pelvic_tilt"),)
    assert "GP or physiotherapist" in decision.leg_note
    assert "Pelvic tilt" in decision.leg_note


def test_leg_symptoms_without_a_named_exercise_still_say_see_someone():
    decision = next_step([[s(2, True, leg=True)]])
    assert decision.dropped == ()
    assert decision.leg_note is not None and "GP or physiotherapist" in decision.leg_note


def test_a_dropped_exercise_leaves_the_routine_for_its_easier_version():
    routine = build_routine(Profile(minutes=20))
    ids = [item.exercise.id for item in routine.items]
    target = next(i for i in ids if i in {"bridge", "single_leg_bridge", "neck_side_tilt"})
    adapted = leave_out(routine, [target])
    new_ids = [item.exercise.id for item in adapted.items]
    assert target not in new_ids
    assert len(new_ids) >= len(ids) - 1


@pytest.mark.parametrize(
    ("weeks", "step"),
    [
        ([], 1),
        ([[OK]], 2),
        ([[OK], [OK], [OK]], 4),
        ([[OK], [OK], [OVER]], 3),
        ([[OK], [OK], [OVER], [OVER]], 2),
        ([[OVER], [OVER]], 1),  # never before week 1
        ([[], [], [OK]], 4),  # before the first logged session: the calendar
        ([[], [OK], []], 3),  # then a week with none logged holds
        ([[OK]] * 12, load_rules().weeks),  # never past the plan
    ],
)
def test_the_plan_step_replays_each_weeks_decision(weeks, step):
    assert plan_step(weeks)[0] == step


def test_a_bad_session_is_refused_with_words():
    class Bad:
        pain_during = 11
        settled_next_day = None
        leg_symptoms_spread = False

    with pytest.raises(ValueError, match="pain_during"):
        next_step([[Bad()]])


# ------------------------------------------------------------------------ properties
sessions = st.builds(
    s,
    pain=st.none() | st.integers(0, 10),
    settled=st.sampled_from([None, True, False]),
    leg=st.booleans(),
    day=st.dates(TUESDAY, TUESDAY + timedelta(days=6)),
    wrong=st.lists(st.sampled_from(["bridge", "knee_rolls", "pelvic_tilt"]), max_size=2),
)
histories = st.lists(st.lists(sessions, max_size=5), min_size=1, max_size=6)
usual = st.none() | st.integers(0, 10)
PROPS = settings(max_examples=200, deadline=None)


def _breached(week, limit):
    return any(
        (x.pain_during is not None and x.pain_during > limit) or x.settled_next_day is False
        for x in week
    )


@PROPS
@given(histories, usual)
def test_never_progresses_after_a_breach(weeks, usual_pain):
    decision = next_step(weeks, usual_pain=usual_pain)
    if _breached(weeks[-1], pain_limit(usual_pain)):
        assert decision.action != "progress"
        assert decision.reasons


@PROPS
@given(histories, usual)
def test_a_breach_never_skips_ahead(weeks, usual_pain):
    before, _ = plan_step(weeks[:-1], usual_pain=usual_pain)
    after, _ = plan_step(weeks, usual_pain=usual_pain)
    if _breached(weeks[-1], pain_limit(usual_pain)):
        assert after <= before
    assert abs(after - before) <= 1


@PROPS
@given(histories, usual, st.randoms(use_true_random=False))
def test_the_order_of_sessions_within_a_week_does_not_change_the_decision(weeks, usual_pain, rnd):
    shuffled = [rnd.sample(week, len(week)) for week in weeks]
    assert next_step(shuffled, usual_pain=usual_pain) == next_step(weeks, usual_pain=usual_pain)


@PROPS
@given(histories, usual)
def test_only_two_breached_weeks_in_a_row_step_back(weeks, usual_pain):
    limit = pain_limit(usual_pain)
    decision = next_step(weeks, usual_pain=usual_pain)
    in_a_row = len(weeks) >= 2 and _breached(weeks[-1], limit) and _breached(weeks[-2], limit)
    assert (decision.action == "step_back") == in_a_row


# ------------------------------------------------------------------------ kept sessions
@PROPS
@given(sessions, st.integers(1, 8))
def test_any_session_survives_its_payload(session, week):
    from dataclasses import replace

    session = replace(session, week=week)
    assert SessionRecord.from_payload(session.to_payload()) == session


BAD_SESSIONS = [
    ({"v": 1, "week": 1, "done": "planned"}, "date is missing"),
    ({"v": 1, "date": "2026-11-24", "week": 0, "done": "planned"}, "from 1 to 8"),
    ({"v": 1, "date": "2026-11-24", "week": 1, "done": "maybe"}, "done is not"),
    ({"v": 1, "date": "2026-11-24", "week": 1, "done": "part", "pain_during": 12}, "0 to 10"),
    ({"v": 1, "date": "2026-11-24", "week": 1, "done": "part", "skipped": "bridge"}, "skipped"),
    (
        {"v": 1, "date": "2026-11-24", "week": 1, "done": "planned", "felt_wrong": ["bridge"]},
        "done in part",
    ),
    ({"v": 1, "date": "2026-11-24", "week": 1, "done": "part", "settled_next_day": "y"}, "settled"),
    ({"v": 9, "date": "2026-11-24", "week": 1, "done": "planned"}, "newer version"),
    ("not a record", "not a record"),
]


@pytest.mark.parametrize(("payload", "words"), BAD_SESSIONS)
def test_a_bad_session_payload_says_what_is_wrong(payload, words):
    with pytest.raises(ValueError, match=words):
        SessionRecord.from_payload(payload)


def _kept(*sessions_):
    return [
        StoredRecord(records.SESSION, x.record_id, None, x.to_payload())  # type: ignore[arg-type]
        for x in sessions_
    ]


def test_kept_sessions_are_grouped_by_finished_plan_week():
    start = date(2026, 11, 2)  # a Monday: week 1 is 2-8 Nov
    week1 = SessionRecord(date(2026, 11, 3), 1, pain_during=3, settled_next_day=True)
    week3 = SessionRecord(date(2026, 11, 17), 3, pain_during=7)
    today_ = SessionRecord(date(2026, 11, 24), 4, pain_during=2)
    older = SessionRecord(date(2026, 10, 20), 1)  # before this plan started
    found = sessions_by_week(_kept(older, week1, week3, today_), start, date(2026, 11, 24))
    assert found.weeks == ((week1,), (), (week3,))
    assert found.all == (week1, week3, today_)
    assert found.per_week() == {1: 1, 3: 1, 4: 1}
    assert found.on(date(2026, 11, 24)) == today_


def test_an_unreadable_kept_session_is_counted_not_fatal():
    start = date(2026, 11, 2)
    bad = StoredRecord(records.SESSION, "x", None, {"v": 1})  # type: ignore[arg-type]
    found = sessions_by_week([bad], start, date(2026, 11, 20))
    assert found.problems == 1 and found.all == ()


def test_a_day_logged_again_replaces_the_first():
    start = date(2026, 11, 2)
    first = SessionRecord(date(2026, 11, 3), 1, pain_during=3)
    again = SessionRecord(date(2026, 11, 3), 1, pain_during=3, settled_next_day=False)
    found = sessions_by_week(_kept(first, again), start, date(2026, 11, 10))
    assert found.weeks == ((again,),)
    assert next_step(found.weeks).action == "hold"


# ------------------------------------------------------------------------ adherence
START = date(2026, 11, 2)


def _week_sessions(per_week: dict[int, int]) -> records.Sessions:
    kept = [
        SessionRecord(START + timedelta(days=7 * (week - 1) + n), week)
        for week, count in per_week.items()
        for n in range(count)
    ]
    return sessions_by_week(_kept(*kept), START, date(2026, 11, 30))


ADHERENCE = [
    # (sessions per week, days a week, today, summary)
    ({1: 2}, 3, date(2026, 11, 4), "Sessions logged in week 1 so far: 2 of 3."),
    (
        {1: 3, 2: 1},
        3,
        date(2026, 11, 10),
        "Sessions logged: 3 in the 1 finished week of your plan, against 3 planned "
        "(100% of planned sessions done). This week (week 2) so far: 1 of 3.",
    ),
    (
        {1: 2, 2: 0, 3: 5},
        3,
        date(2026, 11, 23),
        "Sessions logged: 7 in the 3 finished weeks of your plan, against 9 planned "
        "(56% of planned sessions done). This week (week 4) so far: 0 of 3.",
    ),
]


@pytest.mark.parametrize(("per_week", "days", "today", "summary"), ADHERENCE)
def test_adherence_counts_sessions_per_week_against_planned(per_week, days, today, summary):
    found = records.adherence(_week_sessions(per_week), days, START, today)
    assert found.summary == summary
    assert [w.done for w in found.weeks] == [per_week.get(w.week, 0) for w in found.weeks]
    assert all(w.planned == days for w in found.weeks)
    assert [w.current for w in found.weeks] == [False] * (len(found.weeks) - 1) + [True]


def test_adherence_chart_has_alt_text_and_whole_number_axis():
    from backcare.charts import adherence_chart

    found = records.adherence(_week_sessions({1: 2, 2: 3}), 3, START, date(2026, 11, 17))
    spec = adherence_chart(found).to_dict()  # validated against the Vega-Lite schema
    assert spec["description"].endswith(found.summary)
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == "d"
    rows = next(iter(spec["datasets"].values()))
    assert [r["text"] for r in rows] == ["2 of 3", "3 of 3", "0 of 3"]
    assert rows[-1]["week"] == "Week 3 (now)"
