"""The hypothesis strategy of routine-builder profiles, shared by the routine tests."""

from __future__ import annotations

from hypothesis import strategies as st

from backcare.exercises import CONDITIONS, EQUIPMENT, LEVELS
from backcare.routine import SURGERY, Profile

# Conditions that still get a routine (spine surgery in the last months gets none).
BUILT_CONDITIONS = tuple(c for c in CONDITIONS if c != SURGERY)
ANY_PAIN = st.integers(0, 10)
SOME_CONDITIONS = st.frozensets(st.sampled_from(BUILT_CONDITIONS))
ADULT_OR_UNKNOWN = st.one_of(st.none(), st.integers(16, 120))


def profiles(*, pain=ANY_PAIN, conditions=SOME_CONDITIONS, age=ADULT_OR_UNKNOWN):
    """Every valid profile that gets a routine, or the subset the arguments choose."""
    return st.builds(
        Profile,
        experience=st.sampled_from(LEVELS),
        minutes=st.integers(10, 90),
        days_per_week=st.integers(1, 7),
        setting=st.sampled_from(["home", "gym"]),
        equipment=st.frozensets(st.sampled_from(EQUIPMENT)),
        pain_now=pain,
        conditions=conditions,
        include_yoga=st.booleans(),
        include_neck=st.booleans(),
        triage_level=st.sampled_from([None, "gp", "self_care"]),
        start_back_risk=st.sampled_from([None, "low", "medium", "high"]),
        age=age,
    )
