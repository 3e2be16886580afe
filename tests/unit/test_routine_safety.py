"""Issue 12, routines: safe routines in severe pain, after spine surgery, with osteoporosis,
under 16; the pain-monitoring rule; one dose per exercise; what patients never see.

Each rule is read from the data files (data/routine_rules.toml, data/exercises.toml,
data/notices.toml) so that the test checks the one answer every page and export gives.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.content import topic
from backcare.exercises import CONDITIONS, EQUIPMENT, load_catalogue
from backcare.notices import load_notices
from backcare.routine import (
    SURGERY,
    Profile,
    build_routine,
    clashes,
    condition_labels,
    decode_share,
    encode_share,
    load_rules,
    pain_limit,
    progression_plan,
    refusal,
    swap,
)
from tests.unit.routine_profiles import profiles

CATALOGUE = load_catalogue()
RULES = load_rules()
NOTICES = load_notices()
FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REVIEWER_WORDS = ("unverified", "low authority", "secondary source")


def _moves(routine):
    return [i for i in routine.items if i.exercise.kind != "aerobic"]


def _both_end_ranges(exercises) -> bool:
    flexion, extension = RULES.never_together
    return any(e.end_range(flexion) for e in exercises) and any(
        e.end_range(extension) for e in exercises
    )


# ------------------------------------------------------- item 8: recent spine surgery
@FAST
@given(profiles(conditions=st.frozensets(st.sampled_from(CONDITIONS)).map(lambda c: c | {SURGERY})))
def test_recent_spine_surgery_gets_no_routine_at_all(profile):
    """Nothing but walking: BackCare offers nothing, and says to follow the surgical team."""
    routine = build_routine(profile)
    assert routine.items == ()
    assert routine.refused_for == "surgery"
    assert routine.refused == RULES.surgery_refusal
    with pytest.raises(ValueError):
        encode_share(routine)


def test_the_surgery_refusal_names_the_period_the_plan_and_why_no_walking_plan():
    text = RULES.surgery_refusal
    assert f"last {RULES.surgery_months} months" in text
    assert "surgical team" in text and "Walking" in text and "because" in text
    assert condition_labels()[SURGERY] == f"Spine surgery in the last {RULES.surgery_months} months"
    assert "clearance" in RULES.surgery_source


def test_warning_signs_come_before_the_surgery_refusal():
    profile = Profile(triage_level="emergency", conditions=frozenset({SURGERY}))
    assert build_routine(profile).refused_for == "triage"


# ------------------------------------------------------------ item 9: severe pain now
@FAST
@given(profiles(pain=st.integers(RULES.high_pain_threshold, 10)))
def test_severe_pain_gives_a_walk_and_a_few_gentle_moves(profile):
    routine = build_routine(profile)
    moves = _moves(routine)
    assert 1 <= len(moves) <= RULES.severe_max_moves == 4
    walks = [i for i in routine.items if i.exercise.kind == "aerobic"]
    assert walks, "short easy walks are offered"
    assert all(i.exercise.effort == "gentle" for i in routine.items)
    assert all(i.exercise.level == "beginner" for i in routine.items)
    assert not _both_end_ranges([i.exercise for i in routine.items])
    assert RULES.high_pain_note in routine.notes
    very_severe = profile.pain_now >= RULES.very_severe_from
    assert (RULES.very_severe_note in routine.notes) == very_severe


@settings(max_examples=100, deadline=None)
@given(profiles(pain=st.integers(RULES.high_pain_threshold, 10)), st.integers(0, 20))
def test_a_swap_in_severe_pain_keeps_the_rules(profile, raw_index):
    routine = build_routine(profile)
    try:
        swapped = swap(routine, raw_index % len(routine.items))
    except ValueError:
        return
    assert len(_moves(swapped)) <= RULES.severe_max_moves
    assert not _both_end_ranges([i.exercise for i in swapped.items])


def test_the_clash_rule_is_end_range_flexion_with_end_range_extension():
    child, press_up, tilt = (
        CATALOGUE.get(i) for i in ("child_pose", "back_extension", "pelvic_tilt")
    )
    assert clashes(child, [press_up], RULES) and clashes(press_up, [child], RULES)
    assert not clashes(tilt, [child], RULES) and not clashes(tilt, [press_up], RULES)


def test_pain_9_says_see_your_gp_or_a_pharmacist():
    assert "GP" in RULES.very_severe_note and "pharmacist" in RULES.very_severe_note
    assert "getting worse" in RULES.very_severe_note
    assert RULES.very_severe_from == 9
    assert "NHS: Back pain" in RULES.high_pain_source


def test_a_yoga_routine_in_severe_pain_never_pairs_child_pose_with_a_press_up():
    """With yoga the pool has both child's pose (end-range flexion) and the press-up and the
    sphinx; today's gentle-only rule put them together."""
    routine = build_routine(Profile(minutes=30, pain_now=8, include_yoga=True))
    assert not _both_end_ranges([i.exercise for i in routine.items])


# -------------------------------------------------------------- item 11: osteoporosis
END_RANGE_FLEXION = ["child_pose", "bottom_to_heels", "machine_leg_press", "partial_curl"]


@pytest.mark.parametrize("ident", [*END_RANGE_FLEXION, "cat_cow", "seated_forward_fold"])
def test_loaded_or_end_range_flexion_is_tagged(ident):
    assert CATALOGUE.get(ident).end_range("flexion")


@FAST
@given(profiles(conditions=st.just(frozenset({"osteoporosis"}))))
def test_osteoporosis_never_gets_loaded_or_end_range_flexion(profile):
    routine = build_routine(profile)
    for item in routine.items:
        assert not item.exercise.end_range("flexion"), item.exercise.id
        assert item.exercise.id not in END_RANGE_FLEXION


def test_osteoporosis_gets_the_part_way_version_instead():
    every = Profile("advanced", 60, 3, "gym", frozenset(EQUIPMENT), include_yoga=True)
    ids = {i.exercise.id for i in build_routine(every).items}
    assert {"child_pose", "bottom_to_heels"} & ids
    bones = build_routine(Profile(minutes=30, conditions=frozenset({"osteoporosis"})))
    ids = {i.exercise.id for i in bones.items}
    assert "bottom_to_heels_partial" in ids and "bottom_to_heels" not in ids
    partial = CATALOGUE.get("bottom_to_heels_partial")
    assert partial.spine == () and partial.harder == "bottom_to_heels"
    assert "Brooke-Wavell" in partial.source


# --------------------------------------------------------------- item 7: under 16
@pytest.mark.parametrize(
    ("age", "refused"), [(0, True), (15, True), (16, False), (17, False), (None, False)]
)
def test_no_routine_under_the_minimum_age(age, refused):
    routine = build_routine(Profile(age=age))
    assert (routine.refused == NOTICES.adults_only) is refused
    assert (routine.refused_for == "age") is refused
    assert bool(routine.items) is not refused
    assert (refusal(Profile(age=age)) is not None) is refused
    assert NOTICES.minimum_age == 16


@pytest.mark.parametrize("age", [-1, 121, 30.5, "16", True])
def test_an_impossible_age_names_the_field(age):
    with pytest.raises(ValueError, match="age"):
        Profile(age=age)


# ------------------------------------------------------- item 12: pain-monitoring rule
PAIN_LIMITS = [  # usual pain -> the most pain acceptable during exercise
    (None, 5),
    (0, 5),
    (2, 5),
    (4, 5),
    (5, 7),
    (6, 8),
    (7, 9),
    (8, 10),
    (9, 10),
    (10, 10),
]


@pytest.mark.parametrize(("usual", "limit"), PAIN_LIMITS)
def test_pain_limit_is_absolute_below_5_and_relative_from_5(usual, limit):
    assert pain_limit(usual) == limit


@pytest.mark.parametrize("usual", [-1, 11, 4.5, "5", True])
def test_pain_limit_refuses_a_pain_off_the_scale(usual):
    with pytest.raises(ValueError, match="usual_pain"):
        pain_limit(usual)


def _pain_rule_phrases() -> list[str]:
    """What the pain rule says wherever it is written, built from its values in the data."""
    pain = RULES.pain
    return [
        f"up to {pain.absolute_limit} out of 10",
        "back to your usual level by the next day",
        f"If your usual pain is {pain.relative_from} or more",
        f"no more than {pain.relative_margin} points above your usual level",
        "go back",
        "Stop that exercise",
        "if pain, tingling or numbness spreads further down a leg",
    ]


def test_the_pain_rule_is_the_data_s_numbers_and_sources():
    pain = RULES.pain
    assert (pain.absolute_limit, pain.relative_from, pain.relative_margin) == (5, 5, 2)
    assert "Silbernagel" in pain.source and "Smith et al., Br J Sports Med 2017" in pain.source
    assert f"{pain.relative_margin} points above your usual pain" in pain.short


def _learn(topic_id: str) -> str:
    return " ".join(topic(topic_id).body.split())


@pytest.mark.parametrize(
    "where", ["routine_rules.toml", "Learn: which_exercises"], ids=lambda w: w.split(":")[0]
)
def test_the_pain_rule_says_the_same_everywhere(where):
    text = RULES.pain_rule if where == "routine_rules.toml" else _learn("which_exercises")
    for phrase in _pain_rule_phrases():
        assert phrase in text, (where, phrase)


def test_every_routine_and_shared_link_carries_the_same_pain_rule():
    built = build_routine(Profile(minutes=20))
    shared = decode_share(encode_share(built))
    assert RULES.pain_rule in built.notes and RULES.pain_rule in shared.notes
    assert progression_plan(built).pain_rule == RULES.pain_rule


def test_sessions_a_week_and_three_times_a_day_are_one_plan():
    plan = progression_plan(build_routine(Profile(minutes=20)))
    assert "one session, on the number of days a week you chose" in plan.schedule
    assert "5 of each exercise, 3 times a day" in plan.schedule
    assert "split the session into 3 short parts" in plan.schedule


def test_learn_explains_sessions_a_week_and_three_times_a_day_as_one_plan():
    body = _learn("which_exercises")
    assert "5 of each exercise, 3 times a day" in body
    assert "one session on the days you choose" in body
    assert "3 short parts" in body
    cited = " ".join(s.citation for s in topic("which_exercises").sources)
    assert "Silbernagel" in cited and "Smith BE" in cited


def test_gym_or_home_stops_on_spreading_leg_symptoms_too():
    assert "spreads further down a leg" in _learn("gym_or_home")


# ----------------------------------------------------- item 12: one dose per exercise
@pytest.mark.parametrize("ex", CATALOGUE.exercises, ids=lambda e: e.id)
def test_the_steps_give_the_same_hold_as_the_dose(ex):
    steps = " ".join(ex.steps)
    assert not re.search(r"hold (for )?(a few|one|\d+)( slow| deep)? breaths?", steps, re.I)
    if ex.dose.hold_seconds:
        unit = "second" if ex.dose.hold_seconds == 1 else "seconds"
        assert f"{ex.dose.hold_seconds} {unit}" in steps, (ex.id, ex.dose.hold_seconds)
        other = {int(n) for n in re.findall(r"(\d+) seconds?", steps)}
        assert other == {ex.dose.hold_seconds}, (ex.id, other)


DOSE_WORDS = re.compile(
    r"\b(\d+\s*(s|seconds?|reps?|times|min|minutes)|hold|holds|breaths?)\b", re.I
)


@pytest.mark.parametrize("ex", CATALOGUE.exercises, ids=lambda e: e.id)
def test_sources_name_sources_without_a_second_dose(ex):
    """A patient sees one dose (the Dose line); the sources' own doses are for reviewers."""
    assert not DOSE_WORDS.search(ex.source), ex.source


# --------------------------------------- item 16: what patients see, cautions by condition
def _patient_texts():
    for ex in CATALOGUE:
        for text in ex.patient_texts():
            yield ex.id, text
    yield "rules", RULES.pain_rule
    yield "rules", RULES.pain.short
    yield "rules", RULES.schedule_note
    yield "rules", RULES.surgery_refusal
    yield "rules", RULES.high_pain_note
    yield "rules", RULES.very_severe_note
    yield "rules", RULES.shared_note
    for note in RULES.condition_notes.values():
        yield "rules", note
    for line in RULES.see_someone:
        yield "rules", line
    for text in RULES.check_first.values():
        yield "rules", text


def test_patients_never_see_reviewer_notes():
    found = [
        (where, text)
        for where, text in _patient_texts()
        if any(word in text.lower() for word in REVIEWER_WORDS)
    ]
    assert not found


def test_reviewer_notes_are_kept_for_reviewers():
    notes = " ".join(ex.review_note for ex in CATALOGUE).lower()
    assert "unverified" in notes and "low authority" in notes


@pytest.mark.parametrize("ex", CATALOGUE.exercises, ids=lambda e: e.id)
def test_pregnancy_and_hip_cautions_are_keyed_to_their_condition(ex):
    for caution in ex.cautions:  # shown to everyone
        assert not re.search(r"pregnan|hip replacement", caution, re.I), (ex.id, caution)
    for condition, caution in ex.condition_cautions:
        assert "(" in caution, f"caution without a source: {caution}"
        if condition == "pregnancy":
            assert "ACOG Committee Opinion 804, 2020" in caution
            assert "midwife or doctor" in caution


def test_a_condition_caution_shows_only_to_someone_who_chose_it():
    knee_rolls = CATALOGUE.get("knee_rolls")
    assert knee_rolls.cautions_for(frozenset()) == ()
    shown = knee_rolls.cautions_for(frozenset({"osteoporosis"}))
    assert len(shown) == 1 and shown[0].startswith("Osteoporosis")
    plain = build_routine(Profile(minutes=30))
    assert not any(
        re.search(r"pregnan|hip replacement", c, re.I)
        for item in plain.items
        for c in plain.cautions(item)
    )
    bones = build_routine(Profile(minutes=30, conditions=frozenset({"osteoporosis"})))
    rolls = next(i for i in bones.items if i.exercise.id == "knee_rolls")
    assert bones.cautions(rolls) == shown


def test_the_pregnancy_note_says_check_with_a_midwife_or_doctor_and_cites_acog_804():
    note = RULES.condition_notes["pregnancy"]
    assert "midwife or doctor" in note and "ACOG Committee Opinion 804, 2020" in note
