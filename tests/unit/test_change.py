"""backcare.change: when a change between two scores counts as meaningful (issue 12, item 13).

The rule: a fall counts at the points threshold, or at 30% of the earlier score when that
is also at least the floor; a rise counts as "worse" only at the points threshold (the MIC
is defined for improvement, Ostelo 2008). Thresholds live in one table, ``change.MIC``.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import change as c
from backcare.change import MIC, improvement_target, meaningful_change, readable_target

BETTER, WORSE, NONE = "better", "worse", "no_meaningful_change"

CASES = [
    # measure, before, after, expected direction, why
    ("oswestry", 42, 24, BETTER, "18 points"),
    ("oswestry", 42, 32, BETTER, "exactly 10 points"),
    ("oswestry", 42, 33, NONE, "9 points, 21%"),
    ("oswestry", 20, 14, BETTER, "6 points and exactly 30%"),
    ("oswestry", 30, 21, BETTER, "9 points and exactly 30%"),
    ("oswestry", 16, 11, BETTER, "31% and exactly the 5-point floor"),
    ("oswestry", 20, 15, NONE, "5 points, 25%"),
    ("oswestry", 4, 2, NONE, "50% but 2 points, under the 5-point floor (issue 12)"),
    ("oswestry", 10, 7, NONE, "exactly 30% but 3 points, under the floor"),
    ("oswestry", 2, 4, NONE, "a rise of 2 points is not worse (issue 12)"),
    ("oswestry", 20, 28, NONE, "a rise of 40% but 8 points: worse needs 10 points"),
    ("oswestry", 30, 40, WORSE, "a rise of exactly 10 points"),
    ("pain", 6, 4, BETTER, "2 points"),
    ("pain", 6, 5, NONE, "1 point, 17%"),
    ("pain", 3, 2, BETTER, "1 point (the floor) and 33%"),
    ("pain", 5.0, 3.5, BETTER, "exactly 30%, 1.5 points"),
    ("pain", 3.3, 2.3, BETTER, "30.3% and exactly 1 point (floating point)"),
    ("pain", 6.1, 4.1, BETTER, "exactly 2 points (floating point)"),
    ("pain", 1.0, 0.5, NONE, "50% but half a point, under the 1-point floor"),
    ("pain", 2.0, 1.4, NONE, "exactly 30% but 0.6 points"),
    ("pain", 1.0, 1.3, NONE, "a rise of 0.3 is not a meaningful rise (issue 12)"),
    ("pain", 2.0, 3.0, NONE, "a rise of 50% but 1 point"),
    ("pain", 4, 6, WORSE, "a rise of 2 points"),
    ("pain", 0, 1, NONE, "from 0 only a rise is possible"),
    ("pain", 0, 2, WORSE, "a rise of 2 points from 0"),
    ("peg", 7.0, 4.9, BETTER, "2.1 points"),
    ("peg", 7.0, 5.3, NONE, "1.7 points (under 1.75) and 24% (under 30%)"),
    ("peg", 5.0, 3.3, BETTER, "34% and 1.7 points"),
    ("peg", 3.0, 2.0, BETTER, "33% and exactly the 1-point floor"),
    ("peg", 2.0, 1.3, NONE, "35% but 0.7 points"),
    ("peg", 8.0, 6.7, NONE, "1.3 points, 16%"),
    ("peg", 3.0, 4.0, NONE, "a rise of 33% but 1 point"),
    ("peg", 3.0, 4.7, NONE, "a rise of 1.7 points, under 1.75"),
    ("peg", 3.0, 4.8, WORSE, "a rise of 1.8 points"),
    ("peg", 5, 5, NONE, "no change"),
    # Roland-Morris, 0-24, lower is better (Ostelo 2008: 5 points or 30%)
    ("rmdq", 14, 9, BETTER, "exactly 5 points"),
    ("rmdq", 14, 10, NONE, "4 points and 29% (30% of 14 is 4.2)"),
    ("rmdq", 10, 7, BETTER, "exactly 30% and 3 points, over the 2-point floor"),
    ("rmdq", 10, 8, NONE, "2 points but 20%"),
    ("rmdq", 5, 3, BETTER, "40% and exactly the 2-point floor"),
    ("rmdq", 3, 2, NONE, "33% but 1 point, under the floor"),
    ("rmdq", 8, 12, NONE, "a rise of 4 points: worse needs 5"),
    ("rmdq", 8, 13, WORSE, "a rise of exactly 5 points"),
    # PSFS, 0-10, HIGHER is better (about 2 points on the average; no relative rule)
    ("psfs", 3.0, 5.0, BETTER, "a rise of exactly 2 points"),
    ("psfs", 3.0, 4.9, NONE, "a rise of 1.9 points (63%): no relative rule"),
    ("psfs", 1.0, 1.8, NONE, "80% higher but 0.8 points"),
    ("psfs", 6.0, 4.0, WORSE, "a fall of exactly 2 points"),
    ("psfs", 6.0, 4.1, NONE, "a fall of 1.9 points"),
    ("psfs", 8.7, 10.0, NONE, "a rise of 1.3 to the top of the scale"),
    ("psfs", 5.0, 5.0, NONE, "no change"),
]


@pytest.mark.parametrize(
    ("measure", "before", "after", "expected", "_why"), CASES, ids=[f"{r[0]} {r[4]}" for r in CASES]
)
def test_minimal_important_change_table(measure, before, after, expected, _why):
    change = meaningful_change(measure, before, after)
    assert change.direction == expected
    assert change.meaningful == (expected != NONE)
    assert change.difference == pytest.approx(after - before)


@pytest.mark.parametrize(
    ("measure", "author"),
    [("oswestry", "Ostelo"), ("pain", "Ostelo"), ("pain", "Farrar"), ("peg", "Reed")],
)
def test_each_threshold_names_its_source(measure, author):
    assert author in MIC[measure].source
    assert author in meaningful_change(measure, 1, 1).source


def test_peg_is_cited_to_reed_2023_not_krebs():
    peg = MIC["peg"]
    assert "Reed" in peg.source and "J Pain 2023" in peg.source
    assert "Krebs" not in peg.source
    assert 1.0 <= peg.floor < peg.points <= 1.75  # Reed 2023: anchor-based MID mostly 1.0-1.75


@pytest.mark.parametrize(
    ("measure", "rule"),
    [
        (
            "oswestry",
            "a fall of at least 10 points, or a fall of at least 30% of the earlier score "
            "that is also at least 5 points, counts as better; only a rise of at least "
            "10 points counts as worse",
        ),
        (
            "pain",
            "a fall of at least 2 points, or a fall of at least 30% of the earlier score "
            "that is also at least 1 point, counts as better; only a rise of at least "
            "2 points counts as worse",
        ),
        (
            "peg",
            "a fall of at least 1.75 points, or a fall of at least 30% of the earlier score "
            "that is also at least 1 point, counts as better; only a rise of at least "
            "1.75 points counts as worse",
        ),
    ],
)
def test_the_rule_in_words(measure, rule):
    assert MIC[measure].rule == rule
    assert meaningful_change(measure, 5, 5).rule == rule


@pytest.mark.parametrize(
    ("measure", "before", "after", "message"),
    [
        ("sf36", 1, 2, "unknown measure"),
        ("psfs", 11, 2, "0-10"),
        ("rmdq", 25, 2, "0-24"),
        ("pain", 11, 2, "0-10"),
        ("oswestry", 50, -1, "0-100"),
        ("pain", "5", 2, "must be a number"),
        ("pain", True, 2, "must be a number"),
        ("pain", float("nan"), 2, "0-10"),
    ],
)
def test_bad_input_raises_a_clear_error(measure, before, after, message):
    with pytest.raises(ValueError, match=message):
        meaningful_change(measure, before, after)


# --------------------------------------------------------------------------- properties
def _scores(measure: str):
    top = MIC[measure].scale_max
    return st.floats(0, top, allow_nan=False)


MEASURES = sorted(MIC)


def _gain(measure: str, before: float, after: float) -> float:
    """How much better the later score is: a fall where lower is better, a rise where
    higher is better (the direction is the registry's, ``MIC[measure].better``)."""
    return before - after if MIC[measure].better == "lower" else after - before


def test_the_direction_is_read_from_the_registry():
    assert {m: MIC[m].better for m in MIC} == {
        "pain": "lower",
        "oswestry": "lower",
        "rmdq": "lower",
        "peg": "lower",
        "psfs": "higher",
    }
    assert MIC["psfs"].rule == (
        "a rise of at least 2 points counts as better; only a fall of at least 2 points "
        "counts as worse"
    )


@pytest.mark.parametrize("measure", MEASURES)
@given(data=st.data())
def test_direction_matches_the_sign(measure, data):
    before, after = data.draw(_scores(measure)), data.draw(_scores(measure))
    change = meaningful_change(measure, before, after)
    if change.direction == BETTER:
        assert _gain(measure, before, after) > 0
    elif change.direction == WORSE:
        assert _gain(measure, before, after) < 0


@pytest.mark.parametrize("measure", MEASURES)
@given(data=st.data())
def test_a_change_below_the_floor_is_never_meaningful(measure, data):
    before, after = data.draw(_scores(measure)), data.draw(_scores(measure))
    if abs(after - before) < MIC[measure].smallest - 1e-6:
        assert not meaningful_change(measure, before, after).meaningful


@pytest.mark.parametrize("measure", MEASURES)
@given(data=st.data())
def test_worse_only_from_the_points_threshold(measure, data):
    before, after = data.draw(_scores(measure)), data.draw(_scores(measure))
    loss = -_gain(measure, before, after)
    worse = meaningful_change(measure, before, after).direction == WORSE
    if loss < MIC[measure].points - 1e-6:
        assert not worse
    if loss >= MIC[measure].points + 1e-6:
        assert worse


@pytest.mark.parametrize("measure", MEASURES)
@given(data=st.data())
def test_monotone_in_the_size_of_the_change(measure, data):
    """A bigger fall than a meaningful fall is meaningful too; likewise a bigger rise."""
    before, a, b = (data.draw(_scores(measure)) for _ in range(3))
    near, far = sorted([a, b], key=lambda x: abs(x - before))
    if (near - before) * (far - before) <= 0:
        return  # not on the same side of the earlier score
    if meaningful_change(measure, before, near).meaningful:
        assert meaningful_change(measure, before, far).direction == (
            meaningful_change(measure, before, near).direction
        )


@pytest.mark.parametrize("measure", MEASURES)
@given(data=st.data())
def test_target_agrees_with_meaningful_change(measure, data):
    """A score at or beyond the target (below it where lower is better, above it where
    higher is better) is a meaningful improvement, and one short of it is not."""
    before, after = data.draw(_scores(measure)), data.draw(_scores(measure))
    target = improvement_target(measure, before)
    better = meaningful_change(measure, before, after).direction == BETTER
    if target is None:
        assert not better
        return
    beyond = _gain(measure, target, after)  # > 0: past the target, the better way
    if beyond >= 1e-6:
        assert better
    if beyond <= -1e-6:
        assert not better


@pytest.mark.parametrize(
    ("measure", "before", "target"),
    [
        ("oswestry", 50, 40),  # 10 points
        ("oswestry", 20, 14),  # 30% is 6 points
        ("oswestry", 10, 5),  # 30% is 3 points, so the 5-point floor
        ("oswestry", 4, None),  # no score 5 points lower exists
        ("pain", 8, 6),
        ("pain", 5, 3.5),
        ("pain", 2, 1),  # 30% is 0.6, so the 1-point floor
        ("pain", 0.5, None),
        ("peg", 5, 3.5),  # 30% is 1.5 points
        ("peg", 8, 6.25),  # 1.75 points
        ("peg", 0, None),
        ("rmdq", 14, 9.8),  # 30% is 4.2 points
        ("rmdq", 20, 15),  # 5 points
        ("rmdq", 1, None),
        ("psfs", 3, 5),  # higher is better: 2 points up
        ("psfs", 8.5, None),  # 10.5 is off the scale
    ],
)
def test_improvement_target(measure, before, target):
    got = improvement_target(measure, before)
    assert got == (None if target is None else pytest.approx(target))


@pytest.mark.parametrize(
    ("measure", "before", "shown"),
    [
        ("peg", 8.0, 6.2),
        ("peg", 5.0, 3.5),
        ("oswestry", 36, 26),
        ("pain", 3.3, 2.3),
        ("rmdq", 14, 9),
        ("psfs", 3.4, 5.4),
        ("psfs", 4.0, 6.0),
    ],
)
def test_the_target_is_shown_as_a_score_people_can_reach(measure, before, shown):
    """The score nearest the first, written as people read it, that still counts as better."""
    assert readable_target(measure, before) == pytest.approx(shown)
    assert meaningful_change(measure, before, shown).direction == BETTER
    step = 10.0 ** -MIC[measure].decimals
    back = -step if MIC[measure].better == "higher" else step
    assert meaningful_change(measure, before, round(shown + back, 1)).direction != BETTER


# --------------------------------------------------------------------------- as people read them
@pytest.mark.parametrize(
    ("measure", "value", "text"),
    [
        ("oswestry", 35.5556, "36%"),
        ("oswestry", 24.0, "24%"),
        ("pain", 3.14, "3.1"),
        ("pain", 4.0, "4.0"),
        ("peg", 6.6667, "6.7"),
        ("rmdq", 7.0, "7"),  # whole points
        ("rmdq", 14.0, "14"),
        ("psfs", 14 / 3, "4.7"),  # one decimal
        ("psfs", 6.0, "6.0"),
        ("start_back", 5.0, "5"),
    ],
)
def test_scores_as_people_read_them(measure, value, text):
    assert c.fmt_score(measure, value) == text


@pytest.mark.parametrize(
    ("measure", "before", "after", "text"),
    [
        ("pain", 6.0, 4.0, "down 2.0 points (33% lower)"),
        ("pain", 3.0, 2.0, "down 1.0 point (33% lower)"),
        ("pain", 10.0, 7.0, "down 3.0 points (30% lower)"),
        ("pain", 6.1, 4.3, "down 1.8 points (just under 30% lower)"),  # 29.5%
        ("pain", 4.0, 6.0, "up 2.0 points (50% higher)"),
        ("pain", 0.0, 2.0, "up 2.0 points"),
        ("pain", 5.0, 5.0, "no change"),
        ("oswestry", 27, 19, "down 8 points (just under 30% lower)"),  # 29.6%
        ("oswestry", 42, 24, "down 18 points (43% lower)"),
        ("oswestry", 4, 2, "down 2 points (50% lower)"),
        ("peg", 5.0, 3.3, "down 1.7 points (34% lower)"),
    ],
)
def test_movement_in_words(measure, before, after, text):
    assert meaningful_change(measure, before, after).movement == text


@pytest.mark.parametrize("measure", MEASURES)
@given(data=st.data())
def test_the_words_never_contradict_the_verdict(measure, data):
    """Whole percent never reaches 30% on a change that is under 30%, and a change called
    'less than meaningful' never shows a fall that meets the rule as it is written."""
    mic = MIC[measure]
    before = round(data.draw(_scores(measure)), mic.decimals)
    after = round(data.draw(_scores(measure)), mic.decimals)
    change = meaningful_change(measure, before, after)
    text = change.movement
    if (
        mic.fraction is not None
        and change.percent is not None
        and abs(change.percent) < mic.fraction * 100 - 1e-6
    ):
        assert f"({mic.fraction:.0%} " not in text
    assert "smaller than" not in change.verdict


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fraction": 0.3, "floor": None}, "both a fraction and a floor"),
        ({"fraction": 0.3, "floor": 1.0, "better": "higher"}, "needs better='lower'"),
        ({"better": "sideways"}, "better must be 'lower' or 'higher'"),
    ],
)
def test_a_minimal_important_change_that_cannot_be_applied_is_refused(kwargs, message):
    from backcare.screening.instruments import MinimalImportantChange

    fields = {"fraction": None, "floor": None, **kwargs}
    with pytest.raises(ValueError, match=message):
        MinimalImportantChange("x", 2.0, scale_max=10, decimals=1, unit="", source="s",
                               floor_note="n", **fields)  # fmt: skip
