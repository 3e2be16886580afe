"""backcare.analytics: aggregation, the 1,500-point rule, comparisons and summaries."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import analytics as a
from tests.unit.diary_data import (
    entries_frame,
    events_frame,
    screenings_frame,
    synthetic_entries,
)

# --------------------------------------------------------------------------- daily


def test_daily_mean_with_the_days_range_and_flags():
    entries = entries_frame(
        [
            ("2026-03-01 08:00", 2),
            ("2026-03-01 20:00", 6, True),
            ("2026-03-02 09:00", 4, False, True),
            ("2026-03-04 09:00", 3, False, False, 15.0),  # minutes alone count as exercise
        ]
    )
    days = a.daily(entries)
    assert list(days["day"].dt.strftime("%Y-%m-%d")) == ["2026-03-01", "2026-03-02", "2026-03-04"]
    assert list(days["mean"]) == [4.0, 4.0, 3.0]
    assert list(days["low"]) == [2.0, 4.0, 3.0]
    assert list(days["high"]) == [6.0, 4.0, 3.0]
    assert list(days["entries"]) == [2, 1, 1]
    assert list(days["flare"]) == [True, False, False]
    assert list(days["exercise"]) == [False, True, True]


BAD_ENTRIES = [
    # (change to a good frame, message)
    (lambda f: f.drop(columns=["flare"]), r"entries is missing the column\(s\) flare"),
    (lambda f: f.assign(timestamp=f["timestamp"].astype(str)), "must hold dates"),
    (lambda f: f.assign(timestamp=f["timestamp"].dt.tz_localize("UTC")), "without a time zone"),
    (lambda f: f.assign(pain=[3, 11]), "row 2 has 11"),
    (lambda f: f.assign(pain=[-1, 3]), "row 1 has -1"),
    (lambda f: f.assign(pain=["3", "4"]), "must be a number from 0 to 10"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ENTRIES)
def test_bad_entries_frame_is_a_clear_value_error(change, message):
    entries = change(entries_frame([("2026-03-01 09:00", 2), ("2026-03-02 09:00", 3)]))
    with pytest.raises(ValueError, match=message):
        a.daily(entries)


def test_bad_events_and_screenings_frames_are_value_errors():
    events = events_frame([("2026-03-01", "Routine started")])
    with pytest.raises(ValueError, match=r"events\.date must hold dates"):
        a.routine_start(events.assign(date=events["date"].astype(str)))
    with pytest.raises(ValueError, match="screenings is missing the column"):
        a.screening_trends(screenings_frame([]).drop(columns=["score"]))


# --------------------------------------------------------------------------- granularity

GRANULARITY_CASES = [
    # (start, end, granularity): days or weeks up to 400 of them, else months up to 1,500
    ("2026-01-01", "2026-01-01", "day"),
    ("2026-01-01", "2026-01-14", "day"),
    ("2025-01-01", "2025-12-31", "day"),  # a year: always days
    ("2024-01-01", "2024-12-31", "day"),  # a leap year too
    ("2026-01-01", "2027-02-04", "day"),  # 400 days
    ("2026-01-01", "2027-02-05", "week"),  # 401 days
    ("2018-01-01", "2025-08-31", "week"),  # 400 weeks, Monday to Sunday
    ("2018-01-01", "2025-09-01", "month"),  # 401 weeks
    ("2016-01-01", "2025-12-31", "month"),  # 10 years: 120 months
    ("1900-01-01", "2024-12-31", "month"),  # 1,500 months
    ("1900-01-01", "2025-01-01", "year"),  # 1,501 months
]


@pytest.mark.parametrize(("start", "end", "expected"), GRANULARITY_CASES)
def test_granularity_follows_the_span(start, end, expected):
    assert a.choose_granularity(pd.Timestamp(start), pd.Timestamp(end)) == expected


@given(
    st.datetimes(min_value=pd.Timestamp("1700-01-01"), max_value=pd.Timestamp("2200-01-01")),
    st.integers(min_value=0, max_value=150_000),
)
def test_any_span_gives_at_most_1500_points(start, span):
    start = pd.Timestamp(start)
    end = start + pd.Timedelta(days=span)
    granularity = a.choose_granularity(start, end)
    assert a.period_count(start, end, granularity) <= a.MAX_POINTS


def test_the_points_rule_holds_on_a_real_aggregation_at_the_edge():
    # 401 days from a Sunday: weeks, and exactly one row per week touched.
    entries = entries_frame(
        [("2026-01-04 09:00", 3), ("2027-02-08 09:00", 4)]
        + [(pd.Timestamp("2026-01-04") + pd.Timedelta(days=d), 5) for d in range(0, 401, 3)]
    )
    series = a.pain_over_time(entries, "All")
    assert series.granularity == "week"
    assert len(series.frame) == a.period_count(series.start, series.end, "week")


SIZE_CASES = [
    # (diary, range, granularity)
    ({"days": 365}, "All", "day"),
    ({"days": 1_000}, "All", "week"),
    ({"days": 3_650}, "All", "month"),
    ({"n_entries": 100_000, "per_day": 3}, "All", "month"),
    ({"n_entries": 100_000, "per_day": 3}, "1 year", "day"),
    ({"n_entries": 100_000, "per_day": 3}, "2 weeks", "day"),
]


@pytest.mark.parametrize(("diary", "range_label", "granularity"), SIZE_CASES)
def test_long_diaries_stay_under_1500_points(diary, range_label, granularity):
    series = a.pain_over_time(synthetic_entries(**diary), range_label)
    assert series.granularity == granularity
    assert 0 < len(series.frame) <= a.MAX_POINTS


@pytest.mark.parametrize(("range_label", "days"), [("2 weeks", 14), ("3 months", 91)])
def test_range_counts_back_from_the_last_entry(range_label, days):
    series = a.pain_over_time(synthetic_entries(200), range_label)
    assert len(series.frame) == days
    assert series.frame["period"].iloc[-1] == series.end
    assert series.end - series.start == pd.Timedelta(days=days - 1)


def test_unknown_range_is_rejected():
    with pytest.raises(ValueError, match="unknown range"):
        a.pain_over_time(synthetic_entries(3), "5 years")


def test_weeks_average_days_not_entries():
    # Monday: one entry of 8; Tuesday: three entries of 2. Days count once each: (8+2)/2.
    entries = entries_frame(
        [("2026-03-02 08:00", 8)] + [(f"2026-03-03 {h:02d}:00", 2) for h in (8, 12, 18)]
    )
    periods = a._periods(a.daily(entries), "week")
    assert periods["mean"].tolist() == [5.0]
    assert periods[["low", "high", "entries", "days"]].iloc[0].tolist() == [2.0, 8.0, 4, 2]


def test_rolling_mean_uses_the_last_7_calendar_days():
    # Day 1..8 with pain 1..8: on day 8 the window holds days 2..8 -> mean 5.
    entries = entries_frame([(f"2026-03-{d:02d} 09:00", d) for d in range(1, 9)])
    series = a.pain_over_time(entries, "All")
    assert series.frame["rolling"].iloc[-1] == pytest.approx(5.0)
    assert series.frame["rolling"].iloc[0] == pytest.approx(1.0)
    assert "7-day" in series.smoothing


def test_rolling_is_smoothed_before_cutting_to_the_range():
    entries = entries_frame([(f"2026-03-{d:02d} 09:00", 10 if d < 10 else 0) for d in range(1, 25)])
    series = a.pain_over_time(entries, "2 weeks")
    # The first shown day (11 Mar) still remembers the 10s of 5-9 Mar.
    assert series.frame["rolling"].iloc[0] > 0


@pytest.mark.parametrize(
    ("days", "smoothing", "point"),
    [
        (1_000, "4-week average", "one point per week"),
        (3_650, "3-month average", "one point per month"),
    ],
)
def test_coarse_granularity_says_what_the_smoothing_is(days, smoothing, point):
    series = a.pain_over_time(synthetic_entries(days), "All")
    assert series.smoothing.startswith(smoothing)
    assert point in series.summary


def test_empty_diary():
    series = a.pain_over_time(entries_frame([]), "All")
    assert series.frame.empty
    assert series.summary == "No diary entries yet."


def test_one_day_summary_has_no_best_and_hardest_day():
    entries = entries_frame([("2026-03-01 08:00", 7, True), ("2026-03-01 09:00", 3)])
    summary = a.pain_over_time(entries, "All").summary
    assert summary == (
        "From 1 Mar 2026 to 1 Mar 2026 you wrote 2 entries on 1 day. Average pain 5.0 out "
        "of 10. 1 flare day and 0 exercise days."
    )


def test_pain_summary_has_the_plain_numbers():
    entries = entries_frame(
        [("2026-03-01 08:00", 2), ("2026-03-01 20:00", 6, True), ("2026-03-02 09:00", 1)]
    )
    summary = a.pain_over_time(entries, "All").summary
    assert "3 entries on 2 days" in summary
    assert "Average pain 2.5 out of 10" in summary
    assert "Best day 2 Mar 2026 (average 1.0)" in summary
    assert "hardest day 1 Mar 2026 (average 4.0)" in summary
    assert "1 flare day and 0 exercise days" in summary


# --------------------------------------------------------------------------- before / after


def _two_blocks(before, after, gap_days: int = 30, days=(14, 14)) -> pd.DataFrame:
    """Two blocks of daily entries ``gap_days`` apart. ``before``/``after`` are one pain
    for every day, or a list with one pain per day."""
    first = pd.Timestamp("2026-01-01 09:00")
    pains_before = before if isinstance(before, list) else [before] * days[0]
    pains_after = after if isinstance(after, list) else [after] * days[1]
    rows = [(first + pd.Timedelta(days=d), p) for d, p in enumerate(pains_before)]
    rows += [(first + pd.Timedelta(days=14 + gap_days + d), p) for d, p in enumerate(pains_after)]
    return entries_frame(rows)


RULE = (
    "The rule: a fall of at least 2 points, or a fall of at least 30% of the earlier score "
    "that is also at least 1 point, counts as better; only a rise of at least 2 points "
    "counts as worse (Ostelo et al., Spine 2008; Farrar et al., Pain 2001)."
)

COMPARE_CASES = [
    # (pain before, pain after, direction, wording) -- backcare.change.MIC["pain"]
    (6, 4, "better", "down 2.0 points (33% lower). This is a meaningful improvement."),
    (3, 2, "better", "down 1.0 point (33% lower). This is a meaningful improvement."),
    (10, 7, "better", "down 3.0 points (30% lower). This is a meaningful improvement."),
    (6, 5, "no_meaningful_change", "down 1.0 point (17% lower). This is less than a meaningful"),
    (4, 6, "worse", "up 2.0 points (50% higher). This is a meaningful worsening."),
    (5, 5, "no_meaningful_change", "no change. This is less than a meaningful change."),
    (0, 2, "worse", "up 2.0 points. This is a meaningful worsening."),  # no % from 0
    # Issue 12: a rise under 2 points is not worse, a fall under 1 point is not better.
    (2, 3, "no_meaningful_change", "up 1.0 point (50% higher). This is less than a meaningful"),
    (1, 0, "better", "down 1.0 point (100% lower). This is a meaningful improvement."),
    # Means as shown (one decimal): 6.1 -> 4.3 is 29.5%, never shown as "30%".
    (
        [6] * 9 + [7],
        [4] * 7 + [5] * 3,
        "no_meaningful_change",
        "down 1.8 points (just under 30% lower). This is less than a meaningful change.",
    ),
    # 2.0 -> 1.4 is exactly 30% but only 0.6 points: the words say why it does not count.
    (
        [2] * 10,
        [1] * 6 + [2] * 4,
        "no_meaningful_change",
        "down 0.6 points (30% lower). This is less",
    ),
]


@pytest.mark.parametrize(("before", "after", "direction", "wording"), COMPARE_CASES)
def test_first_and_last_two_weeks_without_a_routine(before, after, direction, wording):
    result = a.compare_periods(_two_blocks(before, after), events_frame([]))
    assert result.anchor == "first_last"
    assert result.change.direction == direction
    assert "No routine start is recorded" in result.summary
    shown_before, shown_after = f"{result.before.mean:.1f}", f"{result.after.mean:.1f}"
    assert f"Average pain {shown_before} " in result.summary
    assert f"then {shown_after} " in result.summary
    assert wording in result.summary
    assert RULE in result.summary
    assert "smaller than" not in result.summary


def test_the_verdict_is_for_the_averages_as_shown():
    """85/14 = 6.07 is shown as 6.1: the verdict is worked out on the numbers shown."""
    result = a.compare_periods(_two_blocks([6] * 13 + [7], [4] * 14), events_frame([]))
    assert (result.change.before, result.change.after) == (6.1, 4.0)


def test_before_and_after_says_it_shows_change_not_its_cause():
    result = a.compare_periods(_two_blocks(6, 3), events_frame([]))
    assert "Back pain often gets better on its own" in result.summary
    assert "not what made it change" in result.summary


@pytest.mark.parametrize(
    ("days", "counts"),
    [
        (
            (6, 14),
            "'First 2 weeks' (1 Jan 2026 to 14 Jan 2026) has 6 days and 'Last 2 weeks' has 14",
        ),
        (
            (14, 3),
            "'First 2 weeks' (1 Jan 2026 to 14 Jan 2026) has 14 days and 'Last 2 weeks' has 3",
        ),
        ((1, 7), "'First 2 weeks' (1 Jan 2026 to 14 Jan 2026) has 1 day and 'Last 2 weeks' has 7"),
    ],
)
def test_no_verdict_until_7_days_with_entries_on_each_side(days, counts):
    entries = _two_blocks(6, 2, days=days)
    result = a.compare_periods(entries, events_frame([]))
    assert result.change is None
    assert "meaningful" not in result.summary  # no verdict at all
    assert "Not enough days yet to compare: each period needs at least 7 days with entries" in (
        result.summary
    )
    assert counts in result.summary


def test_seven_days_on_each_side_is_enough():
    result = a.compare_periods(_two_blocks(6, 2, days=(7, 7)), events_frame([]))
    assert result.change is not None and result.change.direction == "better"


def test_routine_start_anchors_the_before_period():
    entries = entries_frame(
        [
            (pd.Timestamp("2026-01-01 09:00") + pd.Timedelta(days=d), 7 if d < 20 else 3)
            for d in range(60)
        ]
    )
    events = events_frame(
        [
            ("2026-01-05", "Screening done"),
            ("2026-01-21", "Routine started"),
            ("2026-02-10", "Routine started"),
        ]
    )
    result = a.compare_periods(entries, events)
    assert result.anchor == "routine"
    assert result.before.start == pd.Timestamp("2026-01-07")
    assert result.before.end == pd.Timestamp("2026-01-20")
    assert result.after.end == pd.Timestamp("2026-03-01")
    assert result.change.direction == "better"
    assert "before your routine started (21 Jan 2026)" in result.summary
    assert "meaningful improvement" in result.summary
    assert result.target == pytest.approx(5.0)  # 7 - 2 points (30% of 7 is 2.1)


def test_short_diary_has_no_comparison_yet():
    result = a.compare_periods(synthetic_entries(20), events_frame([]))
    assert result.change is None
    assert "overlap" in result.summary and "28 days" in result.summary


def test_routine_started_after_the_last_entry():
    entries = entries_frame([(f"2026-02-{d:02d} 09:00", 4) for d in range(1, 28)])
    result = a.compare_periods(entries, events_frame([("2026-03-10", "Routine started")]))
    assert result.change is None and result.after is None
    assert "Add diary entries from that day on" in result.summary


def test_routine_started_recently_compares_the_days_since():
    entries = entries_frame([(f"2026-02-{d:02d} 09:00", 6 if d < 20 else 3) for d in range(1, 28)])
    result = a.compare_periods(entries, events_frame([("2026-02-20", "Routine started")]))
    assert result.after.label == "Since routine started"
    assert result.after.days == 8
    assert result.change.direction == "better"


def test_routine_started_a_few_days_ago_is_not_enough_yet():
    entries = entries_frame([(f"2026-02-{d:02d} 09:00", 6 if d < 20 else 3) for d in range(1, 25)])
    result = a.compare_periods(entries, events_frame([("2026-02-20", "Routine started")]))
    assert result.after.days == 5
    assert result.change is None
    assert "'Since routine started' has 5" in result.summary


def test_no_entries_before_the_routine():
    entries = entries_frame([(f"2026-02-{d:02d} 09:00", 4) for d in range(1, 28)])
    result = a.compare_periods(entries, events_frame([("2026-01-25", "Routine started")]))
    assert result.change is None
    assert "has 0 days" in result.summary


# --------------------------------------------------------------------------- screenings


def test_screening_trends_with_mic_reference():
    scr = screenings_frame(
        [
            ("2026-01-01", "oswestry", 40),
            ("2026-03-01", "oswestry", 26),
            ("2026-01-01", "peg", 5),
            ("2026-03-01", "peg", 4),
            ("2026-01-01", "start_back", 6),
        ]
    )
    trends = {t.instrument: t for t in a.screening_trends(scr)}
    assert list(trends) == ["start_back", "oswestry", "peg"]
    assert trends["oswestry"].target == pytest.approx(30.0)  # 40 - 10 points
    assert trends["oswestry"].change.direction == "better"
    assert trends["peg"].target == pytest.approx(3.5)  # 5 - 30% (1.5 is under 1.75 points)
    assert trends["peg"].change.direction == "no_meaningful_change"
    assert "less than a meaningful change" in trends["peg"].summary
    assert "Reed et al., J Pain 2023" in trends["peg"].summary
    assert trends["start_back"].target is None
    assert "no agreed minimal important change" in trends["start_back"].summary


SHOWN_CASES = [
    # Oswestry in whole percent, PEG to one decimal, and the verdict on those numbers.
    (
        "oswestry",
        [35.5556, 26.6667],
        "First 36% on 1 Jan 2026, latest 27% on 1 Mar 2026 (scale 0 to 100%; lower is better): "
        "down 9 points (25% lower), less than a meaningful change. A score of 26% or lower",
    ),
    (
        "oswestry",
        [4, 2],
        "First 4% on 1 Jan 2026, latest 2% on 1 Mar 2026 (scale 0 to 100%; lower is better): "
        "down 2 points (50% lower), less than a meaningful change. From a first score this "
        "low, no lower score would count as a meaningful change.",
    ),
    ("oswestry", [2, 4], "up 2 points (100% higher), less than a meaningful change."),
    (
        "oswestry",
        [27, 19],
        "down 8 points (just under 30% lower), less than a meaningful change",
    ),
    (
        "peg",
        [6.6667, 4.6667],
        "First 6.7 on 1 Jan 2026, latest 4.7 on 1 Mar 2026 (scale 0 to 10; lower is better): "
        "down 2.0 points (just under 30% lower), a meaningful improvement. A score of 4.9 or "
        "lower",
    ),
]


@pytest.mark.parametrize(("instrument", "scores", "wording"), SHOWN_CASES)
def test_screening_numbers_as_people_read_them(instrument, scores, wording):
    rows = [(f"2026-0{1 + 2 * n}-01", instrument, s) for n, s in enumerate(scores)]
    (trend,) = a.screening_trends(screenings_frame(rows))
    assert wording in trend.summary
    assert "smaller than" not in trend.summary


def test_unknown_instrument_is_rejected():
    with pytest.raises(ValueError, match="unknown screening instrument"):
        a.screening_trends(screenings_frame([("2026-01-01", "sf36", 5)]))


def test_one_screening_score_says_what_next_time_would_mean():
    (trend,) = a.screening_trends(screenings_frame([("2026-01-01", "oswestry", 40)]))
    assert trend.change is None
    assert "A score of 30% or lower next time would be a meaningful improvement" in trend.summary


# --------------------------------------------------------------------------- better days


def _alternating(days: int, after_exercise_pain: int = 3, after_other_pain: int = 6):
    """Every other day is an exercise day; the day after it has lower pain."""
    rows = []
    for d in range(days):
        ts = pd.Timestamp("2026-01-01 09:00") + pd.Timedelta(days=d)
        exercised = d % 2 == 0
        pain = after_exercise_pain if d % 2 == 1 else after_other_pain
        rows.append((ts, pain, False, exercised))
    return entries_frame(rows)


def test_better_days_compares_the_next_day():
    result = a.better_days(_alternating(30))
    assert result.enough
    assert (result.after_exercise_days, result.after_other_days) == (15, 14)
    assert result.after_exercise_mean == 3.0 and result.after_other_mean == 6.0
    assert result.difference == -3.0
    assert "3.0 points lower than after other days" in result.summary
    assert "not what causes what" in result.summary


@pytest.mark.parametrize(("days", "enough"), [(10, False), (14, False), (15, True)])
def test_better_days_is_hidden_until_7_days_in_each_group(days, enough):
    result = a.better_days(_alternating(days))
    assert result.enough is enough
    if not enough:
        assert result.summary.startswith("Not enough days yet")


def test_gaps_break_next_day_pairs():
    entries = entries_frame(
        [("2026-01-01 09:00", 5, False, True), ("2026-01-03 09:00", 2)]  # a day missing
    )
    result = a.better_days(entries)
    assert (result.after_exercise_days, result.after_other_days) == (0, 0)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 10), st.booleans(), st.booleans()),
        max_size=60,
    )
)
def test_any_diary_gives_consistent_results(rows):
    """Property: whatever the diary, no crash, means within 0-10, ranges hold the mean."""
    entries = entries_frame(
        [(pd.Timestamp("2026-01-01") + pd.Timedelta(hours=6 * h), p, f, e) for h, p, f, e in rows]
    )
    for range_label in a.RANGES:
        frame = a.pain_over_time(entries, range_label).frame
        assert len(frame) <= a.MAX_POINTS
        assert (
            (frame["low"] <= frame["mean"] + 1e-9) & (frame["mean"] <= frame["high"] + 1e-9)
        ).all()
        assert frame["rolling"].between(0, 10).all()
    better = a.better_days(entries)
    total_pairs = better.after_exercise_days + better.after_other_days
    assert total_pairs <= max(len(a.daily(entries)) - 1, 0)
    a.compare_periods(entries, events_frame([]))


def _session_days(days: int) -> set[dt.date]:
    """A routine session logged every other day (the days _alternating marks exercised)."""
    return {dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(0, days, 2)}


def test_sessions_are_a_factor_compared_the_same_way():
    """Issue 18: days after a logged routine session against days after other days, from
    the sessions, not the diary's own exercise tick."""
    entries = _alternating(30)
    entries["exercised"] = False  # the diary says nothing about exercise: sessions do
    result = a.better_after_sessions(entries, _session_days(30))
    assert result.enough
    assert (result.after_exercise_days, result.after_other_days) == (15, 14)
    assert result.difference == -3.0
    assert result.summary.startswith(
        "On the day after a day with a logged routine session your pain averaged 3.0 (15 days)"
    )
    assert "not what causes what" in result.summary
    assert not a.better_days(entries).after_exercise_days  # the diary factor sees none


@pytest.mark.parametrize(("days", "enough"), [(10, False), (14, False), (15, True)])
def test_sessions_factor_has_the_same_minimum_days(days, enough):
    """The same rule as the diary's factor: MIN_DAYS_EACH next-day pairs in each group."""
    result = a.better_after_sessions(_alternating(days), _session_days(days))
    assert result.enough is enough is a.better_days(_alternating(days)).enough
    if not enough:
        assert result.summary.startswith(
            f"Not enough days yet. This needs at least {a.MIN_DAYS_EACH} days after a day "
            "with a logged routine session"
        )


def test_a_session_day_without_a_diary_entry_makes_no_pair():
    entries = entries_frame([("2026-01-02 09:00", 2)])
    result = a.better_after_sessions(entries, {dt.date(2026, 1, 1)})
    assert (result.after_exercise_days, result.after_other_days) == (0, 0)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=40),
    st.sets(st.integers(0, 60)),
)
def test_sessions_factor_counts_each_next_day_pair_once(rows, logged):
    """Property: with sessions on exactly the diary's exercise days, both factors agree."""
    start = pd.Timestamp("2026-01-01 09:00")
    entries = entries_frame(
        [(start + pd.Timedelta(days=d), p, False, d in logged) for d, p in rows]
    )
    days = {(start + pd.Timedelta(days=d)).date() for d in logged}
    by_sessions = a.better_after_sessions(entries, days)
    by_diary = a.better_days(entries)
    assert (by_sessions.after_exercise_days, by_sessions.after_other_days) == (
        by_diary.after_exercise_days,
        by_diary.after_other_days,
    )
    assert by_sessions.enough is by_diary.enough
