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
# Emergency on its own (NHS "Back pain": 999 or A&E; NHS "Sepsis"; NHS "Abdominal aortic
# aneurysm"), at any age, duration and course, unless a follow-up says otherwise.
EMERGENCY_ALONE = [
    *CES_FLAGS,
    "progressive_weakness",
    "major_trauma",
    "chest_pain",
    "sudden_severe_pain_faint",
    "sepsis_signs",
]
# At least urgent on its own: the NHS "Back pain" list "ask for an urgent GP appointment or
# call 111" (high temperature, weight loss, lump or changed shape, pain at rest or night,
# pain on sneezing/coughing/pooing, pain between the shoulders), plus a history of cancer.
NHS_URGENT_ALONE = [
    "fever",
    "weight_loss",
    "lump_or_deformity",
    "night_pain",
    "cough_sneeze_pain",
    "thoracic_pain",
]
URGENT_ALONE = [*NHS_URGENT_ALONE, "cancer_history"]
# At least gp on its own: the NHS "see a GP" list (very severe; stops daily activities,
# worried or struggling to cope) and every risk factor worth mentioning.
GP_ALONE = [
    "very_severe_pain",
    "daily_life",
    "iv_drug_use",
    "immunosuppression",
    "recent_spinal_procedure",
    "recent_infection",
    "osteoporosis",
    "steroid_use",
    "inflammatory_features",
]
REQUIRED_IDS = [*EMERGENCY_ALONE, *URGENT_ALONE, *GP_ALONE, "minor_trauma"]
# Answers to a follow-up that give a lower level than the flag's own.
LOWERING_ANSWERS = {
    "bilateral_leg_symptoms": "long_standing_checked",
    "cancer_history": "checked_unchanged",
}
WEEKS = RULES.not_improving_weeks


def test_red_flag_file_has_every_required_id_with_a_source():
    assert set(REQUIRED_IDS) == RULES.flag_ids
    for flag in RULES.flags:
        assert flag.question.endswith("?") or flag.question.endswith(".)"), flag.id
        assert flag.source and flag.condition and flag.advice and flag.sign, flag.id
    for rule in RULES.rules:
        assert rule.source and rule.rule and rule.condition, rule.id
    for fact in RULES.facts:
        assert fact.source, fact.id


# Each flag on its own (short, improving pain, age 35): (flag, level).
SINGLE_FLAG_CASES = [
    *[(f, "emergency") for f in EMERGENCY_ALONE],
    *[(f, "urgent") for f in URGENT_ALONE],
    *[(f, "gp") for f in GP_ALONE],
    ("minor_trauma", "self_care"),
]


def test_single_flag_table_covers_every_flag():
    assert sorted(f for f, _ in SINGLE_FLAG_CASES) == ALL_FLAGS


@pytest.mark.parametrize(("flag", "level"), SINGLE_FLAG_CASES)
def test_each_flag_alone(flag, level):
    result = triage({flag}, age=35, duration_weeks=2, improving=True, worsening=False)
    assert result.level == level
    reason = next(r for r in result.reasons if r.flag_id == flag)
    assert reason.condition
    assert reason.source
    assert reason.question == RULES.flag(flag).question


# Issue 12 item 1: weak alone (Henschke 2009; Downie 2013), yet the NHS tier is urgent. The
# level follows the NHS and the advice says in words that the sign is weak alone.
@pytest.mark.parametrize("flag", ["night_pain", "cough_sneeze_pain", "thoracic_pain"])
def test_weak_nhs_urgent_signs_are_urgent_and_say_they_are_weak_alone(flag):
    result = triage({flag}, age=35, duration_weeks=1, improving=True)
    assert result.level == "urgent"
    reason = result.reasons[0]
    assert "on its own it is rarely a sign of anything serious" in reason.advice
    assert "the NHS asks" in reason.advice and "urgent GP appointment or call 111" in reason.advice
    assert "Henschke" in reason.source and "Downie" in reason.source


ages = st.one_of(st.none(), st.integers(0, 120))
weeks = st.one_of(st.none(), st.integers(0, 600))
courses = st.sampled_from([(True, False), (False, False), (False, True), (None, None)])


@pytest.mark.parametrize(
    ("tier", "flags"), [("emergency", EMERGENCY_ALONE), ("urgent", URGENT_ALONE), ("gp", GP_ALONE)]
)
@settings(max_examples=200)
@given(data=st.data(), age=ages, w=weeks, course=courses)
def test_every_sign_alone_gets_at_least_its_nhs_tier_at_any_age_or_duration(
    tier, flags, data, age, w, course
):
    """Emergency signs alone: emergency; NHS urgent signs alone: at least urgent; the NHS
    "see a GP" answers and risk factors alone: at least gp. Any age, duration or course."""
    flag = data.draw(st.sampled_from(flags))
    improving, worsening = course
    result = triage({flag}, age=age, duration_weeks=w, improving=improving, worsening=worsening)
    assert level_rank(result.level) >= level_rank(tier)
    if tier == "emergency":
        assert result.level == "emergency"
    if tier != "gp":
        assert result.hold_exercise


# Combination rules and context:
# (flags, age, weeks, improving, worsening, level, rule id or None).
TRIAGE_CASES = [
    # no flags
    (set(), 35, 2, True, False, "self_care", None),
    (set(), 35, WEEKS - 0.1, True, False, "self_care", None),
    (set(), 35, 2, False, False, "self_care", None),  # the same, under a few weeks
    (set(), 35, WEEKS, False, False, "gp", "persistent_not_improving"),  # NHS "a few weeks"
    (set(), 35, 20, False, False, "gp", "persistent_not_improving"),
    (set(), 35, 8, True, False, "self_care", None),  # improving after a few weeks
    # getting worse: gp at any duration (NHS: see a GP if getting worse)
    (set(), 35, 0, False, True, "gp", "getting_worse"),
    (set(), 35, 1, False, True, "gp", "getting_worse"),
    (set(), 35, None, None, True, "gp", "getting_worse"),
    # unknowns: documented choices
    (set(), None, None, None, None, "self_care", None),
    (set(), 35, 2, None, None, "self_care", None),  # unsure, short: self-care
    (set(), 35, WEEKS, None, None, "gp", "persistent_not_improving"),  # unsure, a few weeks
    (set(), 35, None, False, False, "gp", "unknown_duration_not_improving"),
    (set(), 35, None, True, False, "self_care", None),
    # age
    (set(), 51, 2, True, False, "self_care", None),  # age alone, improving: no over-triage
    (set(), 51, 2, False, False, "gp", "age_over_50_new_pain"),
    (set(), 51, 2, None, None, "gp", "age_over_50_new_pain"),  # unsure counts as not improving
    (set(), 50, 2, True, False, "self_care", None),
    (set(), 19, 2, True, False, "self_care", None),
    (set(), 19, 2, False, False, "gp", "age_under_20_new_pain"),
    (set(), 20, 2, True, False, "self_care", None),
    # the NHS "see a GP" questions
    ({"very_severe_pain"}, 35, 0, True, False, "gp", None),
    ({"daily_life"}, 35, 0, True, False, "gp", None),
    # fracture: minor trauma with weak bones, steroids or age over 70
    ({"minor_trauma", "osteoporosis"}, 60, 1, True, False, "urgent", "fracture_minor_trauma"),
    ({"minor_trauma", "steroid_use"}, 40, 1, True, False, "urgent", "fracture_minor_trauma"),
    ({"minor_trauma"}, 71, 1, True, False, "urgent", "fracture_minor_trauma"),
    ({"minor_trauma"}, 70, 1, True, False, "self_care", None),  # 70 is not over 70
    ({"minor_trauma"}, 70, 1, False, False, "gp", "age_over_50_new_pain"),
    # several fracture factors: urgent for new or changed pain (issue 12 item 4) ...
    ({"osteoporosis", "steroid_use"}, 40, 1, True, False, "urgent", "fracture_risk_together"),
    ({"osteoporosis"}, 75, 1, True, False, "urgent", "fracture_risk_together"),
    ({"osteoporosis"}, 75, 5, True, False, "urgent", "fracture_risk_together"),
    ({"osteoporosis"}, 75, None, True, False, "urgent", "fracture_risk_together"),
    ({"osteoporosis"}, 75, 30, False, True, "urgent", "fracture_risk_together"),  # worse
    ({"osteoporosis"}, 75, 30, None, None, "urgent", "fracture_risk_together"),  # not sure
    # ... and gp, with words saying why, for long-standing pain getting better or the same
    ({"osteoporosis"}, 75, 6, True, False, "gp", "fracture_risk_bone_health"),
    ({"osteoporosis"}, 75, 30, True, False, "gp", "fracture_risk_bone_health"),
    ({"osteoporosis", "steroid_use"}, 40, 52, False, False, "gp", "fracture_risk_bone_health"),
    # infection risk factors with a symptom (Yusuf, Finucane, Selfe 2019)
    ({"iv_drug_use", "night_pain"}, 30, 2, True, False, "urgent", "infection_risk_with_symptom"),
    ({"immunosuppression", "fever"}, 30, 2, True, False, "urgent", "infection_risk_with_symptom"),
    ({"recent_spinal_procedure"}, 30, 1, False, True, "urgent", "infection_risk_with_symptom"),
    (
        {"recent_infection", "very_severe_pain"},
        30,
        1,
        True,
        False,
        "urgent",
        "infection_risk_with_symptom",
    ),
    ({"recent_spinal_procedure"}, 30, 1, True, False, "gp", None),  # a risk factor alone
    ({"recent_infection"}, 30, 1, False, False, "gp", None),
    ({"iv_drug_use"}, 30, 1, None, None, "gp", None),
    # inflammatory back pain, NICE NG65
    ({"inflammatory_features"}, 30, 13, True, False, "gp", "inflammatory_young_persistent"),
    ({"inflammatory_features"}, 50, 13, True, False, "gp", None),
    # cancer history is urgent on its own, whatever else
    ({"cancer_history"}, 35, 2, True, False, "urgent", None),
    # emergency stays emergency with everything else
    ({"saddle_numbness", "minor_trauma"}, 35, 2, True, False, "emergency", None),
    ({"sepsis_signs"}, 30, 0, True, False, "emergency", None),
    ({"sudden_severe_pain_faint"}, 70, 0, None, None, "emergency", None),
]


@pytest.mark.parametrize(
    ("flags", "age", "weeks", "improving", "worsening", "level", "rule"), TRIAGE_CASES
)
def test_triage_cases(flags, age, weeks, improving, worsening, level, rule):
    result = triage(flags, age=age, duration_weeks=weeks, improving=improving, worsening=worsening)
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


def test_the_few_weeks_number_has_one_home_and_the_routine_builder_reads_it():
    """NHS "a few weeks", read as 3: one value in red_flags.toml, named in the texts."""
    from backcare.routine import Profile, build_routine, progression_plan

    assert WEEKS == 3
    fact = RULES.fact("few_weeks_plus")
    assert fact.value == WEEKS and "NHS" in fact.source and "few weeks" in fact.source
    rule = next(r for r in RULES.rules if r.id == "persistent_not_improving")
    assert f"{WEEKS} weeks" in rule.rule and "{" not in rule.rule
    plan = progression_plan(build_routine(Profile(minutes=20)))
    assert any(f"{WEEKS} weeks after it began" in line for line in plan.see_someone)
    assert not any("{" in line for line in plan.see_someone)


# ---- Follow-up questions (issue 12 item 4) --------------------------------------------

LEGS, CANCER = "bilateral_leg_symptoms", "cancer_history"
# Long-standing pain (age 60, 52 weeks, about the same): (flags, follow-up answers, level).
FOLLOW_UP_CASES = [
    # symptoms in both legs: only "long-standing, checked, unchanged" leaves 999
    ({LEGS}, {}, "emergency"),
    ({LEGS}, {LEGS: "new_or_worse"}, "emergency"),
    ({LEGS}, {LEGS: "not_sure"}, "emergency"),
    ({LEGS}, {LEGS: "long_standing_checked"}, "gp"),
    ({LEGS, "bladder_dysfunction"}, {LEGS: "long_standing_checked"}, "emergency"),  # another
    # history of cancer: new, changed or not sure -> urgent; checked and unchanged -> gp
    ({CANCER}, {}, "urgent"),
    ({CANCER}, {CANCER: "new_or_changed"}, "urgent"),
    ({CANCER}, {CANCER: "not_sure"}, "urgent"),
    ({CANCER}, {CANCER: "checked_unchanged"}, "gp"),
    ({CANCER, "weight_loss"}, {CANCER: "checked_unchanged"}, "urgent"),  # another urgent sign
]


@pytest.mark.parametrize(("flags", "answers", "level"), FOLLOW_UP_CASES)
def test_follow_up_answers(flags, answers, level):
    result = triage(
        flags, age=60, duration_weeks=52, improving=False, worsening=False, follow_ups=answers
    )
    assert result.level == level
    assert result.follow_ups == tuple(sorted(answers.items()))
    for flag_id, answer_id in answers.items():
        reason = next(r for r in result.reasons if r.flag_id == flag_id)
        option = RULES.flag(flag_id).follow_up.option(answer_id)
        assert reason.answer == option.label
        assert reason.level == option.level


def test_follow_ups_exist_where_the_issue_asks_and_offer_a_safe_answer():
    with_follow_up = {f.id for f in RULES.flags if f.follow_up}
    assert with_follow_up == set(LOWERING_ANSWERS)
    cancer = RULES.flag("cancer_history")
    assert "non-melanoma skin cancer" in cancer.question
    assert "new" in cancer.follow_up.question and "changed" in cancer.follow_up.question
    legs = RULES.flag("bilateral_leg_symptoms").follow_up
    assert "new" in legs.question and "getting worse" in legs.question
    for flag_id, answer_id in LOWERING_ANSWERS.items():
        flag = RULES.flag(flag_id)
        lower = flag.follow_up.option(answer_id)
        assert level_rank(lower.level) < level_rank(flag.level)
        assert "doctor" in lower.label and "checked" in lower.label  # already assessed
        assert lower.advice and ("999" in lower.advice or "urgent" in lower.advice)
        others = [o for o in flag.follow_up.options if o.id != answer_id]
        assert all(o.level == flag.level for o in others)


FOLLOW_UP_BAD = [
    ({"cancer_history"}, {"cancer_history": "maybe"}, "unknown follow-up answer 'maybe'"),
    (set(), {"cancer_history": "not_sure"}, "not ticked"),
    ({"fever"}, {"fever": "not_sure"}, "has no follow-up"),
    ({"fever"}, {"nonsense": "x"}, "unknown flag id"),
    ({"cancer_history"}, ["cancer_history"], "follow_ups"),
    ({"cancer_history"}, {"cancer_history": 1}, "answer id"),
]


@pytest.mark.parametrize(("flags", "answers", "message"), FOLLOW_UP_BAD)
def test_bad_follow_up_answers_are_refused(flags, answers, message):
    with pytest.raises(ValueError, match=message):
        triage(flags, follow_ups=answers)


# ---- Advice never reassures when a box was ticked (issue 12 items 1 and 5) -------------

REASSURING = [
    "nothing you told us",
    "nothing needs",
    "needs help today",
    "no warning sign",
    "did not report any",
    "did not tick any",
    "not an emergency",
    "turn out",
]


def _said(result) -> str:
    parts = [
        result.advice,
        *(r.advice for r in result.reasons),
        *(r.question for r in result.reasons),
    ]
    return " ".join(parts).lower()


follow_up_answers = st.fixed_dictionaries(
    {},
    optional={
        flag: st.sampled_from([o.id for o in RULES.flag(flag).follow_up.options])
        for flag in LOWERING_ANSWERS
    },
)


@settings(max_examples=300)
@given(
    st.frozensets(st.sampled_from(ALL_FLAGS), min_size=1), ages, weeks, courses, follow_up_answers
)
def test_with_any_box_ticked_no_advice_says_nothing_needs_attention(flags, age, w, course, answers):
    improving, worsening = course
    result = triage(
        flags,
        age=age,
        duration_weeks=w,
        improving=improving,
        worsening=worsening,
        follow_ups={k: v for k, v in answers.items() if k in flags},
    )
    said = _said(result)
    for phrase in REASSURING:
        assert phrase not in said, (phrase, result.level)


def test_with_nothing_ticked_the_advice_says_so():
    assert "did not tick any" in triage(set(), age=30, duration_weeks=1, improving=True).advice
    gp = triage(set(), age=30, duration_weeks=WEEKS, improving=False)
    assert gp.level == "gp" and "did not tick any" in gp.advice
    ticked = triage({"very_severe_pain"}, age=30, duration_weeks=1, improving=True)
    assert ticked.level == "gp" and ticked.advice != gp.advice


def test_no_text_in_the_file_says_not_an_emergency():
    texts = [
        *(lv.advice for lv in RULES.levels.values()),
        *(lv.advice_no_signs for lv in RULES.levels.values()),
        *(f.advice for f in RULES.flags),
        *(r.rule for r in RULES.rules),
        *(r.advice for r in RULES.rules),
    ]
    assert not [t for t in texts if "not an emergency" in t.lower()]


# ---- The standing emergency notice (issue 12 item 3) ---------------------------------


def test_the_emergency_notice_lists_every_emergency_flag():
    from backcare.notices import load_notices

    notices = load_notices()
    emergency = [f for f in RULES.flags if f.level == "emergency"]
    assert {f.id for f in emergency} == set(EMERGENCY_ALONE)
    for flag in emergency:
        assert flag.sign in notices.emergency, flag.id
        assert f"- {flag.sign}" in notices.emergency_markdown, flag.id
    assert "999" in notices.emergency and "A&E" in notices.emergency


def test_sepsis_and_aneurysm_name_their_sources():
    assert "Sepsis" in RULES.flag("sepsis_signs").source
    assert "aortic aneurysm" in RULES.flag("sudden_severe_pain_faint").source


# ---- Other checks --------------------------------------------------------------------


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
    ((set(),), {"worsening": "yes"}, "worsening"),
    ((set(),), {"worsening": 0}, "worsening"),
    ((set(),), {"improving": True, "worsening": True}, "better and worse"),
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
improvement = st.one_of(st.none(), st.booleans())


def _answers_for(flags, answers):
    return {k: v for k, v in answers.items() if k in flags}


@settings(max_examples=300)
@given(flag_sets, st.sampled_from(ALL_FLAGS), ages, weeks, courses, follow_up_answers)
def test_adding_a_flag_never_lowers_the_level(flags, extra, age, duration, course, answers):
    improving, worsening = course
    kwargs = {
        "age": age,
        "duration_weeks": duration,
        "improving": improving,
        "worsening": worsening,
        "follow_ups": _answers_for(flags, answers),  # the new flag's follow-up: unanswered
    }
    before = triage(flags, **kwargs)
    after = triage(flags | {extra}, **kwargs)
    assert level_rank(after.level) >= level_rank(before.level)


def _only_new_fracture_pain_lowered(short, long_) -> bool:
    """The one intended exception (issue 12 item 4): several fracture factors with NEW pain
    are urgent; the same pain once long-standing (6 weeks or more) and not getting worse is
    gp, with the bone-health rule saying why."""
    serious = [
        r.flag_id for r in short.reasons if level_rank(r.level) >= level_rank(long_.level) + 1
    ]
    return (
        serious == ["fracture_risk_together"]
        and short.level == "urgent"
        and long_.level == "gp"
        and "fracture_risk_bone_health" in {r.flag_id for r in long_.reasons}
        and (long_.duration_weeks or 0) >= 6
    )


@settings(max_examples=300)
@given(flag_sets, ages, st.integers(0, 600), st.integers(0, 600), courses, follow_up_answers)
def test_longer_duration_never_lowers_the_level(flags, age, w1, w2, course, answers):
    improving, worsening = course
    short, long_ = sorted((w1, w2))
    kwargs = {
        "age": age,
        "improving": improving,
        "worsening": worsening,
        "follow_ups": _answers_for(flags, answers),
    }
    a = triage(flags, duration_weeks=short, **kwargs)
    b = triage(flags, duration_weeks=long_, **kwargs)
    assert level_rank(b.level) >= level_rank(a.level) or _only_new_fracture_pain_lowered(a, b)


def test_the_fracture_exception_is_real_and_only_for_pain_not_getting_worse():
    new = triage({"osteoporosis"}, age=75, duration_weeks=2, improving=True, worsening=False)
    old = triage({"osteoporosis"}, age=75, duration_weeks=10, improving=True, worsening=False)
    worse = triage({"osteoporosis"}, age=75, duration_weeks=10, improving=False, worsening=True)
    assert (new.level, old.level, worse.level) == ("urgent", "gp", "urgent")
    reason = next(r for r in old.reasons if r.flag_id == "fracture_risk_bone_health")
    assert "bone health" in reason.advice and "same day" in reason.advice


@settings(max_examples=300)
@given(flag_sets, st.sampled_from(EMERGENCY_ALONE), ages, weeks, courses, follow_up_answers)
def test_emergency_flags_are_emergency_in_any_combination(flags, flag, age, w, course, answers):
    """Every emergency flag, CES signs included, is an emergency with anything else ticked,
    unless its own follow-up says the symptoms are long-standing, checked and unchanged."""
    improving, worsening = course
    flags = flags | {flag}
    answers = _answers_for(flags, answers)
    if flag in LOWERING_ANSWERS and answers.get(flag) == LOWERING_ANSWERS[flag]:
        answers.pop(flag)
    result = triage(
        flags,
        age=age,
        duration_weeks=w,
        improving=improving,
        worsening=worsening,
        follow_ups=answers,
    )
    assert result.level == "emergency"
    assert result.hold_exercise
    assert flag in {r.flag_id for r in result.reasons}


@settings(max_examples=300)
@given(flag_sets, ages, weeks, courses, follow_up_answers)
def test_no_emergency_without_an_emergency_flag(flags, age, duration, course, answers):
    improving, worsening = course
    result = triage(
        flags,
        age=age,
        duration_weeks=duration,
        improving=improving,
        worsening=worsening,
        follow_ups=_answers_for(flags, answers),
    )
    if not flags & set(EMERGENCY_ALONE):
        assert result.level != "emergency"


WEAK_FLAGS = sorted(
    f.id for f in RULES.flags if f.level in ("gp", "self_care")
)  # not emergency or urgent alone


@pytest.mark.parametrize("flag", WEAK_FLAGS)
@pytest.mark.parametrize("age", [None, 35, 55, 80])
def test_a_weak_flag_alone_is_never_emergency(flag, age):
    result = triage({flag}, age=age, duration_weeks=30, improving=False)
    assert result.level != "emergency"


def test_weak_pairs_are_never_emergency():
    for pair in combinations(WEAK_FLAGS, 2):
        assert triage(set(pair), age=75).level != "emergency", pair


@given(st.one_of(st.none(), st.integers(16, 110)), st.integers(0, WEEKS - 1))
def test_no_flags_short_improving_is_self_care_at_any_age(age, duration):
    # No flags, under a few weeks, improving -> self_care. Age alone is a weak sign
    # (Henschke 2009); it only counts with other signs or slow recovery.
    assert triage(set(), age=age, duration_weeks=duration, improving=True).level == "self_care"


@given(flag_sets, ages, st.integers(WEEKS, 600), st.sampled_from([(False, False), (None, None)]))
def test_not_improving_after_a_few_weeks_is_at_least_gp(flags, age, duration, course):
    improving, worsening = course
    result = triage(
        flags, age=age, duration_weeks=duration, improving=improving, worsening=worsening
    )
    assert level_rank(result.level) >= level_rank("gp")


@given(flag_sets, ages, weeks, st.sampled_from([False, None]))
def test_getting_worse_is_at_least_gp_at_any_duration(flags, age, duration, improving):
    result = triage(flags, age=age, duration_weeks=duration, improving=improving, worsening=True)
    assert level_rank(result.level) >= level_rank("gp")
    assert "getting_worse" in {r.flag_id for r in result.reasons}


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
    ('id = "new_or_worse"', 'id = "not_sure"', "two options with different ids"),
    (
        'id = "not_sure"\nlabel = "I am not sure"\nlevel = "emergency"',
        'id = "unsure"\nlabel = "I am not sure"\nlevel = "emergency"',
        "needs a 'not_sure' option",
    ),
    (
        'label = "Yes, it is new or it has changed"\nlevel = "urgent"',
        'label = "Yes, it is new or it has changed"\nlevel = "emergency"',
        "cannot be more serious than its flag",
    ),
    (
        'level = "gp"\nadvice = "Symptoms in both legs',
        'level = "gp"\nx = "',
        "needs its own advice",
    ),
    ('terms = ["chest pain"]', "terms = []", "needs 'terms'"),
    ("any\nof these: {signs}.", "any\nof these.", "must contain {signs}"),
    ("value = 3\n", "value = 0\n", "few_weeks_plus"),
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
