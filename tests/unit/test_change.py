import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.change import meaningful_change

CASES = [
    # measure, before, after, expected direction
    ("oswestry", 42, 24, "better"),  # 18 points
    ("oswestry", 42, 32, "better"),  # exactly 10 points
    ("oswestry", 42, 33, "no_meaningful_change"),  # 9 points, 21%
    ("oswestry", 20, 14, "better"),  # 6 points but 30%
    ("oswestry", 20, 15, "no_meaningful_change"),  # 5 points, 25%
    ("oswestry", 30, 40, "worse"),
    ("pain", 6, 4, "better"),  # 2 points
    ("pain", 6, 5, "no_meaningful_change"),  # 1 point, 17%
    ("pain", 3, 2, "better"),  # 1 point but 33%
    ("pain", 4, 6, "worse"),
    ("pain", 0, 1, "no_meaningful_change"),  # from 0: only the points rule
    ("pain", 0, 2, "worse"),
    ("peg", 7.0, 4.9, "better"),
    ("peg", 5, 5, "no_meaningful_change"),
]


@pytest.mark.parametrize(("measure", "before", "after", "expected"), CASES)
def test_minimal_important_change_table(measure, before, after, expected):
    change = meaningful_change(measure, before, after)
    assert change.direction == expected
    assert change.meaningful == (expected != "no_meaningful_change")
    assert change.difference == pytest.approx(after - before)
    assert "Ostelo" in change.source


@pytest.mark.parametrize(
    ("measure", "before", "after", "message"),
    [
        ("rmdq", 1, 2, "unknown measure"),
        ("pain", 11, 2, "0-10"),
        ("oswestry", 50, -1, "0-100"),
        ("pain", "5", 2, "must be a number"),
        ("pain", True, 2, "must be a number"),
    ],
)
def test_bad_input_raises_a_clear_error(measure, before, after, message):
    with pytest.raises(ValueError, match=message):
        meaningful_change(measure, before, after)


@given(st.floats(0, 10), st.floats(0, 10))
def test_direction_is_symmetric_in_sign(before, after):
    change = meaningful_change("pain", before, after)
    if change.direction == "better":
        assert after < before
    elif change.direction == "worse":
        assert after > before
