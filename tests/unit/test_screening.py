"""backcare.screening: STarT Back, Oswestry, PEG and red-flag triage.

Case tables are data; hypothesis checks the safety properties of the triage rules.
"""

from __future__ import annotations

import dataclasses
import re
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.screening import (
    LEVELS,
    level_rank,
    load_oswestry,
    load_peg,
    load_red_flags,
    load_start_back,
    oswestry,
    oswestry_band,
    peg,
    peg_result,
    start_back,
    triage,
)

# --------------------------------------------------------------------------------------
# STarT Back (Hill 2008; Keele): total <= 3 low; psychosocial >= 4 high; else medium.
# --------------------------------------------------------------------------------------

# (answers, total, psychosocial, risk)
START_BACK_CASES = [
    ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0, "low"),
    ([1, 1, 1, 0, 0, 0, 0, 0, 0], 3, 0, "low"),  # total 3: top of low
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 0, "medium"),  # total 4: bottom of medium
    ([0, 0, 0, 0, 1, 1, 1, 0, 2], 3, 3, "low"),  # psychosocial 3, total 3
    ([1, 0, 0, 0, 1, 1, 1, 0, 2], 4, 3, "medium"),  # psychosocial 3, total 4
    ([0, 0, 0, 0, 1, 1, 1, 1, 0], 4, 4, "high"),  # psychosocial 4: high
    ([1, 1, 1, 1, 1, 1, 1, 0, 0], 7, 3, "medium"),  # high total, psychosocial 3
    ([0, 0, 0, 0, 1, 1, 1, 1, 4], 5, 5, "high"),
    ([1, 1, 1, 1, 1, 1, 1, 1, 4], 9, 5, "high"),
    ([1, 1, 1, 1, 1, 1, 1, 1, 2], 8, 4, "high"),  # "moderately" does not score
]


@pytest.mark.parametrize(("answers", "total", "psychosocial", "risk"), START_BACK_CASES)
def test_start_back_cases(answers, total, psychosocial, risk):
    result = start_back(answers)
    assert (result.total, result.psychosocial, result.risk) == (total, psychosocial, risk)
    assert result.score == float(total)
    assert result.instrument == "start_back"
    assert result.answers == tuple(answers)
    assert sum(result.item_points) == total


# Item 9 answer -> point: only "very much" (3) and "extremely" (4) score (Keele).
@pytest.mark.parametrize(("answer", "point"), [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)])
def test_start_back_item_9_points(answer, point):
    result = start_back([0, 0, 0, 0, 0, 0, 0, 0, answer])
    assert result.item_points[8] == point
    assert result.total == point
    assert result.psychosocial == point
    assert result.answers[8] == answer


def test_start_back_result_shows_its_working():
    result = start_back([1, 0, 0, 0, 1, 1, 1, 1, 3])
    assert result.item_points == (1, 0, 0, 0, 1, 1, 1, 1, 1)
    assert result.risk_label == "High risk"
    assert "Hill" in result.source
    assert "4 or 5" in result.rule
    assert result.leg_pain is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 0  # type: ignore[misc]


# (answers, words the error must contain)
START_BACK_BAD = [
    ([0] * 8, "expected 9"),
    ([0] * 10, "expected 9"),
    ([2, 0, 0, 0, 0, 0, 0, 0, 0], "item 1"),
    ([0, 0, 0, 0, 0, 0, 0, 0, 5], "item 9"),
    ([0, 0, 0, 0, 0, 0, 0, -1, 0], "item 8"),
    ([0, 0, True, 0, 0, 0, 0, 0, 0], "item 3"),  # bool is not an answer
    ([0, 0, 0, "1", 0, 0, 0, 0, 0], "item 4"),
    ([0, 0, 0, 0, 1.0, 0, 0, 0, 0], "item 5"),
    ([0, 0, 0, 0, 0, None, 0, 0, 0], "item 6"),
    ("000000000", "list"),
    (None, "list"),
]


@pytest.mark.parametrize(("answers", "message"), START_BACK_BAD)
def test_start_back_rejects_bad_answers(answers, message):
    with pytest.raises(ValueError, match=message):
        start_back(answers)


@given(
    st.lists(st.integers(0, 1), min_size=8, max_size=8),
    st.integers(0, 4),
)
def test_start_back_risk_follows_the_rules(first_eight, bother):
    result = start_back([*first_eight, bother])
    assert 0 <= result.total <= 9
    assert 0 <= result.psychosocial <= 5
    assert result.psychosocial <= result.total
    assert result.psychosocial == sum(first_eight[4:]) + (bother >= 3)
    if result.total <= 3:
        assert result.risk == "low"
    elif result.psychosocial >= 4:
        assert result.risk == "high"
    else:
        assert result.risk == "medium"


def test_start_back_file_has_keele_wording_and_notices():
    tool = load_start_back()
    assert tool.copyright == "© Keele University 01/08/07"
    assert "Arthritis Research UK" in tool.funding
    assert "Versus Arthritis" in tool.funding
    assert "commercial" in tool.licence
    assert "doctors" in tool.clinician_note
    assert tool.items[0].text == (
        "My back pain has spread down my leg(s) at some time in the last 2 weeks"
    )
    assert tool.items[8].options == (
        "Not at all",
        "Slightly",
        "Moderately",
        "Very much",
        "Extremely",
    )
    assert [i.number for i in tool.items if i.psychosocial] == [5, 6, 7, 8, 9]
    for risk in tool.risks.values():
        assert "Hill" in risk.source


# --------------------------------------------------------------------------------------
# Oswestry v2.1a: percent = sum / (5 x answered) x 100; bands 0-20, 21-40, ...
# --------------------------------------------------------------------------------------

# (answers, percent, band, answered)
OSWESTRY_CASES = [
    ([0] * 10, 0.0, "minimal", 10),
    ([1] * 10, 20.0, "minimal", 10),  # 20: top of minimal
    ([1] * 9 + [2], 22.0, "moderate", 10),
    ([2] * 10, 40.0, "moderate", 10),  # 40: top of moderate
    ([2] * 9 + [3], 42.0, "severe", 10),
    ([3] * 10, 60.0, "severe", 10),
    ([3] * 9 + [4], 62.0, "very_severe", 10),
    ([4] * 10, 80.0, "very_severe", 10),
    ([4] * 9 + [5], 82.0, "extreme", 10),
    ([5] * 10, 100.0, "extreme", 10),
    ([1] * 9 + [None], 20.0, "minimal", 9),  # 9 of 45 is exactly 20
    ([None] + [2] * 9, 40.0, "moderate", 9),  # 18 of 45 is exactly 40
    ([2, 2, 2, 2, 2, 2, 2, 1, 1, None], 16 / 45 * 100, "moderate", 9),  # 35.6
    ([5, 5, 5, 5, 5, 5, 5, 5, 5, None], 100.0, "extreme", 9),
]


@pytest.mark.parametrize(("answers", "percent", "band", "answered"), OSWESTRY_CASES)
def test_oswestry_cases(answers, percent, band, answered):
    result = oswestry(answers)
    assert result.percent == pytest.approx(percent)
    assert result.band == band
    assert result.answered == answered
    assert result.score == result.percent
    assert result.instrument == "oswestry"
    assert result.possible == 5 * answered


def test_oswestry_example_from_scoring_guides():
    # A raw score of 16 with one section missing: 16 / 45 x 100 = 35.6%.
    result = oswestry([2, 2, 2, 2, 2, 2, 1, None, 2, 1])
    assert result.total == 16
    assert result.percent == pytest.approx(35.555, abs=0.001)
    assert result.skipped == (8,)
    assert result.item_points[7] is None


# Edge handling of fractional percents: a band holds everything up to its top.
@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "minimal"),
        (20, "minimal"),
        (20.4, "moderate"),
        (21, "moderate"),
        (40, "moderate"),
        (40.01, "severe"),
        (41, "severe"),
        (60, "severe"),
        (61, "very_severe"),
        (80, "very_severe"),
        (80.5, "extreme"),
        (81, "extreme"),
        (100, "extreme"),
    ],
)
def test_oswestry_band_edges(percent, band):
    assert oswestry_band(percent).id == band


@pytest.mark.parametrize("percent", [-0.1, 100.1, "20", True, None])
def test_oswestry_band_rejects_bad_percent(percent):
    with pytest.raises(ValueError, match="Oswestry percent"):
        oswestry_band(percent)


OSWESTRY_BAD = [
    ([0] * 8 + [None, None], "2 sections were left out"),
    ([None] * 10, "10 sections were left out"),
    ([0] * 9, "expected 10"),
    ([0] * 11, "expected 10"),
    ([6] + [0] * 9, "section 1"),
    ([0, -1] + [0] * 8, "section 2"),
    ([0, 0, True] + [0] * 7, "section 3"),
    ([0, 0, 0, "2"] + [0] * 6, "section 4"),
    ([0, 0, 0, 0, 2.5] + [0] * 5, "section 5"),
    ("0000000000", "list"),
]


@pytest.mark.parametrize(("answers", "message"), OSWESTRY_BAD)
def test_oswestry_rejects_bad_answers(answers, message):
    with pytest.raises(ValueError, match=message):
        oswestry(answers)


def test_oswestry_missing_message_names_the_sections():
    with pytest.raises(ValueError) as err:
        oswestry([0, 0, 0, 0, 0, 0, 0, None, 0, None])
    assert "8 Sex life" in str(err.value)
    assert "10 Travelling" in str(err.value)
    assert "at least 9" in str(err.value)


@given(
    st.lists(st.integers(0, 5), min_size=10, max_size=10),
    st.one_of(st.none(), st.integers(0, 9)),
)
def test_oswestry_percent_is_within_0_and_100(answers, left_out):
    if left_out is not None:
        answers[left_out] = None
    result = oswestry(answers)
    assert 0 <= result.percent <= 100
    assert result.answered == 10 - answers.count(None)
    assert result.band == oswestry_band(result.percent).id


def test_oswestry_file_is_v2_1a_with_notice():
    tool = load_oswestry()
    assert tool.copyright == "ODI © Jeremy Fairbank, 1980. All Rights Reserved."
    assert "Mapi Research Trust" in tool.licence
    assert tool.version == "version 2.1a"
    titles = [s.title for s in tool.sections]
    assert titles == [
        "Pain intensity",
        "Personal care (washing, dressing etc)",
        "Lifting",
        "Walking",
        "Sitting",
        "Standing",
        "Sleeping",
        "Sex life (if applicable)",
        "Social life",
        "Travelling",
    ]
    pain = tool.sections[0].statements
    assert all("at the moment" in s for s in pain)  # v2.1a, not the painkiller items
    assert not any("painkiller" in s for s in pain)
    walking = " ".join(tool.sections[3].statements)
    for distance in ("1 mile", "1/2 mile", "100 yards"):
        assert distance in walking
    assert all(len(s.statements) == 6 for s in tool.sections)
    assert [b.id for b in tool.bands] == ["minimal", "moderate", "severe", "very_severe", "extreme"]
    assert all("Fairbank" in b.source for b in tool.bands)
    # kind words: not the original's harsher labels
    labels = " ".join(b.label + b.meaning for b in tool.bands).lower()
    assert "crippled" not in labels
    assert "exaggerat" not in labels


# --------------------------------------------------------------------------------------
# PEG (Krebs 2009): mean of three 0-10 items
# --------------------------------------------------------------------------------------

PEG_CASES = [
    ((0, 0, 0), 0.0),
    ((10, 10, 10), 10.0),
    ((3, 4, 5), 4.0),
    ((1, 0, 0), 1 / 3),
    ((7, 8, 10), 25 / 3),
]


@pytest.mark.parametrize(("items", "score"), PEG_CASES)
def test_peg_cases(items, score):
    assert peg(*items) == pytest.approx(score)
    assert isinstance(peg(*items), float)
    result = peg_result(*items)
    assert result.score == pytest.approx(score)
    assert result.item_points == items
    assert result.instrument == "peg"
    assert "Krebs" in result.source


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ((11, 0, 0), "item P"),
        ((0, -1, 0), "item E"),
        ((0, 0, 2.5), "item G"),
        ((True, 0, 0), "item P"),
        ((0, "3", 0), "item E"),
        ((0, 0, None), "item G"),
    ],
)
def test_peg_rejects_bad_items(items, message):
    with pytest.raises(ValueError, match=message):
        peg(*items)


def test_peg_file_has_past_week_items_and_anchors():
    tool = load_peg()
    assert [i.letter for i in tool.items] == ["P", "E", "G"]
    assert all("past week" in i.text for i in tool.items)
    assert tool.items[0].low == "No pain"
    assert tool.items[0].high == "Pain as bad as you can imagine"
    assert tool.items[2].high == "Completely interferes"


# --------------------------------------------------------------------------------------
# Red-flag triage
# --------------------------------------------------------------------------------------

RULES = load_red_flags()
ALL_FLAGS = sorted(RULES.flag_ids)
CES_FLAGS = [
    "saddle_numbness",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "bilateral_leg_symptoms",
    "sexual_dysfunction",
]
EMERGENCY_ALONE = [*CES_FLAGS, "progressive_weakness", "major_trauma", "chest_pain"]
REQUIRED_IDS = [
    *EMERGENCY_ALONE,
    "fever",
    "iv_drug_use",
    "immunosuppression",
    "cancer_history",
    "weight_loss",
    "night_pain",
    "cough_sneeze_pain",
    "thoracic_pain",
    "lump_or_deformity",
    "osteoporosis",
    "steroid_use",
    "minor_trauma",
    "inflammatory_features",
]


def test_red_flag_file_has_every_required_id_with_a_source():
    assert set(REQUIRED_IDS) <= RULES.flag_ids
    for flag in RULES.flags:
        assert flag.question.endswith("?"), flag.id
        assert flag.source and flag.condition and flag.advice, flag.id
    for rule in RULES.rules:
        assert rule.source and rule.rule and rule.condition, rule.id
    for fact in RULES.facts:
        assert fact.source, fact.id


# Each flag on its own (short, improving pain, age 35): (flag, level).
SINGLE_FLAG_CASES = [
    *[(f, "emergency") for f in EMERGENCY_ALONE],
    ("fever", "urgent"),
    ("cancer_history", "urgent"),
    ("weight_loss", "urgent"),
    ("lump_or_deformity", "urgent"),
    ("iv_drug_use", "gp"),
    ("immunosuppression", "gp"),
    ("night_pain", "gp"),
    ("cough_sneeze_pain", "gp"),
    ("thoracic_pain", "gp"),
    ("osteoporosis", "gp"),
    ("steroid_use", "gp"),
    ("inflammatory_features", "gp"),
    ("minor_trauma", "self_care"),
]


def test_single_flag_table_covers_every_flag():
    assert sorted(f for f, _ in SINGLE_FLAG_CASES) == ALL_FLAGS


@pytest.mark.parametrize(("flag", "level"), SINGLE_FLAG_CASES)
def test_each_flag_alone(flag, level):
    result = triage({flag}, age=35, duration_weeks=2, improving=True)
    assert result.level == level
    reason = next(r for r in result.reasons if r.flag_id == flag)
    assert reason.condition
    assert reason.source
    assert reason.question == RULES.flag(flag).question


# Combination rules and context: (flags, age, weeks, improving, level, rule id or None).
TRIAGE_CASES = [
    # no flags
    (set(), 35, 2, True, "self_care", None),
    (set(), 35, 5.9, True, "self_care", None),
    (set(), 35, 2, False, "self_care", None),  # not improving yet, under 6 weeks
    (set(), 35, 6, False, "gp", "persistent_not_improving"),
    (set(), 35, 20, False, "gp", "persistent_not_improving"),
    (set(), 35, 8, True, "self_care", None),  # improving after 6 weeks
    # unknowns: documented choices
    (set(), None, None, None, "self_care", None),
    (set(), 35, 2, None, "self_care", None),  # unsure, short: self-care
    (set(), 35, 6, None, "gp", "persistent_not_improving"),  # unsure, 6+ weeks: gp
    (set(), 35, None, False, "gp", "unknown_duration_not_improving"),
    (set(), 35, None, True, "self_care", None),
    # age
    (set(), 51, 2, True, "self_care", None),  # age alone, improving: no over-triage
    (set(), 51, 2, False, "gp", "age_over_50_new_pain"),
    (set(), 51, 2, None, "gp", "age_over_50_new_pain"),  # unsure counts as not improving
    (set(), 50, 2, True, "self_care", None),
    (set(), 19, 2, True, "self_care", None),
    (set(), 19, 2, False, "gp", "age_under_20_new_pain"),
    (set(), 20, 2, True, "self_care", None),
    # fracture: minor trauma with weak bones, steroids or age over 70
    ({"minor_trauma", "osteoporosis"}, 60, 1, True, "urgent", "fracture_minor_trauma"),
    ({"minor_trauma", "steroid_use"}, 40, 1, True, "urgent", "fracture_minor_trauma"),
    ({"minor_trauma"}, 71, 1, True, "urgent", "fracture_minor_trauma"),
    ({"minor_trauma"}, 70, 1, True, "self_care", None),  # 70 is not over 70; improving
    ({"minor_trauma"}, 70, 1, False, "gp", "age_over_50_new_pain"),
    ({"osteoporosis", "steroid_use"}, 40, 1, True, "urgent", "fracture_risk_together"),
    ({"osteoporosis"}, 75, 1, True, "urgent", "fracture_risk_together"),
    # weak malignancy signs together
    ({"night_pain", "cough_sneeze_pain"}, 35, 2, True, "urgent", "weak_signs_together"),
    ({"night_pain", "thoracic_pain"}, 35, 2, True, "urgent", "weak_signs_together"),
    ({"night_pain"}, 55, 2, True, "urgent", "weak_signs_together"),
    ({"night_pain"}, 45, 2, True, "gp", None),
    # infection risk with a symptom
    ({"iv_drug_use", "night_pain"}, 30, 2, True, "urgent", "infection_risk_with_symptom"),
    ({"immunosuppression", "fever"}, 30, 2, True, "urgent", "infection_risk_with_symptom"),
    ({"immunosuppression", "thoracic_pain"}, 30, 2, True, "urgent", None),
    # inflammatory back pain, NICE NG65
    ({"inflammatory_features"}, 30, 13, True, "gp", "inflammatory_young_persistent"),
    ({"inflammatory_features"}, 50, 13, True, "gp", None),
    # cancer history is urgent on its own, whatever else
    ({"cancer_history"}, 35, 2, True, "urgent", None),
    # emergency stays emergency with everything else
    ({"saddle_numbness", "minor_trauma"}, 35, 2, True, "emergency", None),
]


@pytest.mark.parametrize(("flags", "age", "weeks", "improving", "level", "rule"), TRIAGE_CASES)
def test_triage_cases(flags, age, weeks, improving, level, rule):
    result = triage(flags, age=age, duration_weeks=weeks, improving=improving)
    assert result.level == level
    assert result.flags == frozenset(flags)
    if rule is not None:
        reason = next(r for r in result.reasons if r.flag_id == rule)
        assert reason.kind == "rule"
        assert reason.source
        assert reason.level == level


def test_every_rule_is_exercised_by_a_case():
    tested = {case[-1] for case in TRIAGE_CASES}
    assert {r.id for r in RULES.rules} <= tested


def test_no_flags_gives_no_reasons_and_self_care_advice():
    result = triage(set(), age=30, duration_weeks=1, improving=True)
    assert result.reasons == ()
    assert result.level == "self_care"
    assert not result.hold_exercise


def test_reasons_are_ordered_worst_first_and_name_their_sources():
    result = triage({"night_pain", "bladder_dysfunction", "fever"}, age=40)
    levels = [level_rank(r.level) for r in result.reasons]
    assert levels == sorted(levels, reverse=True)
    assert result.reasons[0].flag_id == "bladder_dysfunction"
    assert "Cauda equina" in result.reasons[0].condition
    assert all(r.source for r in result.reasons)


@pytest.mark.parametrize(
    ("level", "hold"), [("emergency", True), ("urgent", True), ("gp", False), ("self_care", False)]
)
def test_serious_levels_hold_off_exercise(level, hold):
    assert RULES.levels[level].hold_exercise is hold
    assert "exercise programme" in RULES.hold_exercise_text


TRIAGE_BAD = [
    (({"not_a_flag"},), {}, "unknown flag id 'not_a_flag'"),
    (("saddle_numbness",), {}, "set of flag ids"),
    (({1},), {}, "flag ids are text"),
    ((set(),), {"age": -1}, "age"),
    ((set(),), {"age": 121}, "age"),
    ((set(),), {"age": 40.5}, "age"),
    ((set(),), {"age": True}, "age"),
    ((set(),), {"age": "40"}, "age"),
    ((set(),), {"duration_weeks": -1}, "duration_weeks"),
    ((set(),), {"duration_weeks": "2"}, "duration_weeks"),
    ((set(),), {"duration_weeks": float("nan")}, "duration_weeks"),
    ((set(),), {"duration_weeks": False}, "duration_weeks"),
    ((set(),), {"improving": "yes"}, "improving"),
    ((set(),), {"improving": 1}, "improving"),
]


@pytest.mark.parametrize(("args", "kwargs", "message"), TRIAGE_BAD)
def test_triage_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        triage(*args, **kwargs)


def test_level_rank_order_and_unknown_level():
    assert [level_rank(lv) for lv in LEVELS] == [3, 2, 1, 0]
    with pytest.raises(ValueError, match="unknown triage level"):
        level_rank("soon")


# ---- Safety properties --------------------------------------------------------------

flag_sets = st.frozensets(st.sampled_from(ALL_FLAGS))
ages = st.one_of(st.none(), st.integers(0, 120))
weeks = st.one_of(st.none(), st.integers(0, 600))
improvement = st.one_of(st.none(), st.booleans())


@settings(max_examples=300)
@given(flag_sets, st.sampled_from(ALL_FLAGS), ages, weeks, improvement)
def test_adding_a_flag_never_lowers_the_level(flags, extra, age, duration, improving):
    before = triage(flags, age=age, duration_weeks=duration, improving=improving)
    after = triage(flags | {extra}, age=age, duration_weeks=duration, improving=improving)
    assert level_rank(after.level) >= level_rank(before.level)


@settings(max_examples=300)
@given(flag_sets, ages, st.integers(0, 600), st.integers(0, 600), improvement)
def test_longer_duration_never_lowers_the_level(flags, age, w1, w2, improving):
    short, long_ = sorted((w1, w2))
    a = triage(flags, age=age, duration_weeks=short, improving=improving)
    b = triage(flags, age=age, duration_weeks=long_, improving=improving)
    assert level_rank(b.level) >= level_rank(a.level)


@settings(max_examples=300)
@given(flag_sets, st.sampled_from(EMERGENCY_ALONE), ages, weeks, improvement)
def test_emergency_flags_are_emergency_in_any_combination(flags, flag, age, duration, improving):
    result = triage(flags | {flag}, age=age, duration_weeks=duration, improving=improving)
    assert result.level == "emergency"
    assert result.hold_exercise
    assert flag in {r.flag_id for r in result.reasons}


WEAK_FLAGS = sorted(
    f.id for f in RULES.flags if f.level in ("gp", "self_care")
)  # not emergency or urgent alone


@settings(max_examples=300)
@given(flag_sets, ages, weeks, improvement)
def test_no_emergency_without_an_emergency_flag(flags, age, duration, improving):
    result = triage(flags, age=age, duration_weeks=duration, improving=improving)
    if not flags & set(EMERGENCY_ALONE):
        assert result.level != "emergency"


@pytest.mark.parametrize("flag", WEAK_FLAGS)
@pytest.mark.parametrize("age", [None, 35, 55, 80])
def test_a_weak_flag_alone_is_never_emergency(flag, age):
    result = triage({flag}, age=age, duration_weeks=30, improving=False)
    assert result.level != "emergency"


def test_weak_pairs_are_never_emergency():
    for pair in combinations(WEAK_FLAGS, 2):
        assert triage(set(pair), age=75).level != "emergency", pair


@given(st.one_of(st.none(), st.integers(16, 110)), st.integers(0, 5))
def test_no_flags_short_improving_is_self_care_at_any_age(age, duration):
    # The rule: no flags, under 6 weeks, improving -> self_care. Age alone is a
    # weak sign (Henschke 2009); it only counts with other signs or slow recovery.
    assert triage(set(), age=age, duration_weeks=duration, improving=True).level == "self_care"


@given(flag_sets, ages, st.integers(6, 600), st.sampled_from([False, None]))
def test_not_improving_after_6_weeks_is_at_least_gp(flags, age, duration, improving):
    result = triage(flags, age=age, duration_weeks=duration, improving=improving)
    assert level_rank(result.level) >= level_rank("gp")


def test_every_flag_id_in_rules_is_known():
    known = RULES.flag_ids | {f.id for f in RULES.facts}
    for rule in RULES.rules:
        for group in rule.groups:
            assert set(group.of) <= known, rule.id


# ---- The data file is checked on load ------------------------------------------------

# (text to replace in red_flags.toml, replacement, words the error must contain)
BROKEN_FILES = [
    ('of = ["minor_trauma"]', 'of = ["minor_truma"]', "unknown ids ['minor_truma']"),
    ('level = "urgent"\nadvice = "A high', 'level = "soon"\nadvice = "A high', "unknown level"),
    (
        'source = "NHS: Back pain (999 or A&E)"\n',
        'source = ""\n',
        "field 'source' must be non-empty",
    ),
    ('op = ">="', 'op = "=>"', "unknown field or op"),
    ("at_least = 2 }]", "at_least = 9 }]", "at_least must be between"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN_FILES)
def test_broken_red_flag_file_raises_a_clear_error(tmp_path, old, new, message):
    from backcare.screening import RED_FLAGS_FILE

    text = RED_FLAGS_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "red_flags.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_red_flags(broken)
