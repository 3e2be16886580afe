"""The two questionnaires issue 16 adds: Roland-Morris (RMDQ) and the PSFS, scored openly.

Case tables from the published scoring rules: RMDQ = the number of sentences ticked, 0-24
(Roland & Fairbank, Spine 2000; a score of 12 falling to 2 is their worked example of an
83% improvement); PSFS = the sum of the activity ratings divided by their number, 0-10,
higher is better (Stratford et al. 1995, as printed on the authors' form).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import change, screening
from backcare.screening.psfs import load_psfs, psfs, psfs_answers
from backcare.screening.psfs import worked as psfs_worked
from backcare.screening.rmdq import load_rmdq, rmdq
from backcare.screening.rmdq import worked as rmdq_worked


def _ticks(*numbers: int) -> list[bool]:
    return [n in numbers for n in range(1, 25)]


# ------------------------------------------------------------------------------ RMDQ
RMDQ_CASES = [
    # sentences ticked, score
    ((), 0),
    ((1,), 1),
    ((2, 3, 9, 13, 17, 18, 21), 7),
    (tuple(range(1, 13)), 12),  # Roland & Fairbank's example: 12 ...
    ((13, 21), 2),  # ... falling to 2
    (tuple(range(1, 25)), 24),
]


@pytest.mark.parametrize(("ticked", "score"), RMDQ_CASES, ids=[str(c[1]) for c in RMDQ_CASES])
def test_rmdq_scores_the_number_ticked(ticked, score):
    result = rmdq(_ticks(*ticked))
    assert result.score == score and result.total == score
    assert result.ticked == ticked
    assert sum(result.item_points) == score


def test_rmdq_takes_zeros_and_ones_too():
    assert rmdq([1, 0] * 12).score == 12


def test_rmdq_12_to_2_is_a_meaningful_improvement_of_83_percent():
    moved = change.meaningful_change("rmdq", 12, 2)
    assert moved.direction == "better"
    assert moved.movement == "down 10 points (83% lower)"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([True] * 23, "RMDQ: expected 24 answers, got 23"),
        ([True] * 25, "RMDQ: expected 24 answers, got 25"),
        ("yes" * 8, "give the 24 answers as a list"),
        ([True] * 23 + [2], "RMDQ sentence 24: give True .* got 2"),
        ([None] + [False] * 23, "RMDQ sentence 1: give True .* got None"),
        (["yes"] + [False] * 23, "RMDQ sentence 1"),
    ],
    ids=["23 answers", "25 answers", "a string", "a 2", "None", "text"],
)
def test_rmdq_refuses_a_wrong_count_or_value_with_a_clear_message(answers, message):
    with pytest.raises(ValueError, match=message):
        rmdq(answers)


@given(st.lists(st.booleans(), min_size=24, max_size=24))
def test_rmdq_score_is_between_0_and_24_and_counts_the_ticks(ticks):
    result = rmdq(ticks)
    assert 0 <= result.score <= 24
    assert result.score == sum(ticks)


@given(st.lists(st.booleans(), min_size=24, max_size=24), st.integers(0, 23))
def test_one_more_tick_never_lowers_the_rmdq_score(ticks, extra):
    more = list(ticks)
    more[extra] = True
    assert rmdq(more).score >= rmdq(ticks).score


def test_rmdq_wording_is_the_published_24_sentences():
    tool = load_rmdq()
    assert len(tool.items) == 24
    assert tool.items[0] == "I stay at home most of the time because of my back."
    assert tool.items[-1] == "I stay in bed most of the time because of my back."
    assert "only tick the sentence if you are sure it describes you today" in tool.instructions
    assert "Roland" in tool.copyright and "Spine" in tool.licence


def test_rmdq_worked_lists_the_sentences_ticked():
    worked = rmdq_worked(rmdq(_ticks(2, 3, 9)))
    assert worked.result == "3 of 24"
    assert "Sentences ticked: 2, 3, 9." in worked.how


# ------------------------------------------------------------------------------ PSFS
PSFS_CASES = [
    # ratings, score
    ([0], 0.0),
    ([10], 10.0),
    ([3, 5, 7], 5.0),  # the sum of the activity scores / number of activities
    ([2, 4], 3.0),
    ([4, 5, 5], 14 / 3),  # 4.666..., shown as 4.7
    ([1, 2, 3, 4, 5], 3.0),
]


@pytest.mark.parametrize(("ratings", "score"), PSFS_CASES, ids=[str(c[0]) for c in PSFS_CASES])
def test_psfs_scores_the_average_rating(ratings, score):
    result = psfs(ratings)
    assert result.score == pytest.approx(score)
    assert result.ratings == tuple(ratings)


def test_psfs_shows_one_decimal_and_higher_is_better():
    assert change.fmt_score("psfs", psfs([4, 5, 5]).score) == "4.7"
    assert screening.INSTRUMENTS["psfs"].better == "higher"


def test_psfs_keeps_the_activity_names_as_one_line_of_plain_text():
    result = psfs([3, 6], ["Walk the dog\nfor 30 min", "  **Lift** my grandchild "])
    assert result.activities == ("Walk the dog for 30 min", "**Lift** my grandchild")
    assert result.saved_details()["ratings"] == "3 6"


@pytest.mark.parametrize(
    ("ratings", "activities", "message"),
    [
        ([], None, "name at least one activity and rate it"),
        ([5] * 6, None, "at most 5 activities, got 6"),
        ([11], None, "activity 1: the rating must be a whole number from 0 to 10, got 11"),
        ([5, -1], None, "activity 2: the rating .* got -1"),
        ([5.5], None, "got 5.5"),
        ([True], None, "got True"),
        ("5", None, "give the ratings as a list"),
        ([5, 6], ["walking"], "one activity name per rating"),
        ([5], ["x" * 61], "61 characters long; keep it to 60 or fewer"),
    ],
)
def test_psfs_refuses_a_wrong_count_or_value_with_a_clear_message(ratings, activities, message):
    with pytest.raises(ValueError, match=message):
        psfs(ratings, activities)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("walking", None)], "activity 1: choose a rating"),
        ([("walking", 4), (None, 6)], "activity 2: write the activity's name"),
    ],
)
def test_the_psfs_form_rows_name_what_is_missing(rows, message):
    with pytest.raises(ValueError, match=message):
        psfs_answers(rows)


@given(st.lists(st.integers(0, 10), min_size=1, max_size=5))
def test_psfs_score_stays_within_its_ratings(ratings):
    score = psfs(ratings).score
    assert 0 <= min(ratings) <= score <= max(ratings) <= 10


@given(st.lists(st.integers(0, 9), min_size=1, max_size=5), st.data())
def test_a_higher_rating_never_lowers_the_psfs_score(ratings, data):
    at = data.draw(st.integers(0, len(ratings) - 1))
    better = list(ratings)
    better[at] += 1
    assert psfs(better).score > psfs(ratings).score


def test_psfs_worked_prints_a_readable_row_without_the_names():
    worked = psfs_worked(psfs([3, 5, 7], ["secret hobby", "b", "c"]))
    assert worked.result == "5.0 of 10 (higher is better)"
    assert "Activities 1-3: 3 5 7" in worked.how
    assert "secret hobby" not in worked.how


def test_psfs_form_wording_and_limits_come_from_the_data_file():
    tool = load_psfs()
    assert tool.max_activities == 5 and tool.max_activity_chars == 60
    assert "identify up to three important activities" in tool.question
    assert tool.low == "Unable to perform activity"
    assert "Stratford" in tool.copyright


# ------------------------------------------------------------------ trends and charts
def test_the_psfs_trend_reads_higher_is_better_with_a_target_above():
    from backcare import analytics, charts
    from tests.unit.diary_data import screenings_frame

    (trend,) = analytics.screening_trends(
        screenings_frame([("2026-01-01", "psfs", 3.0), ("2026-02-01", "psfs", 5.3)])
    )
    assert "higher is better" in trend.summary
    assert "up 2.3 points (77% higher), a meaningful improvement" in trend.summary
    assert "A score of 5.0 or higher (the dashed line)" in trend.summary
    spec = str(charts.screening_chart(trend).to_dict())
    assert "higher is better" in spec and "Meaningful improvement: 5.0 or higher" in spec


def test_the_rmdq_trend_reads_lower_is_better():
    from backcare import analytics
    from tests.unit.diary_data import screenings_frame

    (trend,) = analytics.screening_trends(
        screenings_frame([("2026-01-01", "rmdq", 14), ("2026-02-01", "rmdq", 8)])
    )
    assert "scale 0 to 24; lower is better" in trend.summary
    assert "down 6 points (43% lower), a meaningful improvement" in trend.summary
