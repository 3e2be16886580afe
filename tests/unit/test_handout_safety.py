"""Issue 12: the handout PDF and the calendar carry the same routine rules as the page, and
never reviewer-only words or cautions for conditions the person did not choose."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from backcare.exercises import CONDITIONS, EQUIPMENT
from backcare.reports import latin1, routine_ics, routine_pdf
from backcare.routine import SURGERY, Profile, build_routine, load_rules

RULES = load_rules()
EVERY_CONDITION = frozenset(CONDITIONS) - {SURGERY}


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _has(text: str, sentence: str) -> bool:
    return " ".join(latin1(sentence).split()) in text


HANDOUTS = [
    ("plain", Profile(minutes=20)),
    (
        "gym, yoga, advanced",
        Profile("advanced", 60, 4, "gym", frozenset(EQUIPMENT), 2, include_yoga=True),
    ),
    ("every condition", Profile(minutes=45, conditions=EVERY_CONDITION, include_yoga=True)),
    ("pregnant, hip replacement", Profile(minutes=30, conditions={"pregnancy", "hip_replacement"})),
    ("osteoporosis", Profile(minutes=30, conditions=frozenset({"osteoporosis"}))),
    ("pain 9", Profile(minutes=30, pain_now=9)),
]


@pytest.mark.parametrize(("_case", "profile"), HANDOUTS, ids=[c[0] for c in HANDOUTS])
def test_the_handout_never_shows_reviewer_words(_case, profile):
    text = _text(routine_pdf(build_routine(profile))).lower()
    for word in ("unverified", "low authority", "secondary source"):
        assert word not in text


@pytest.mark.parametrize(("_case", "profile"), HANDOUTS, ids=[c[0] for c in HANDOUTS])
def test_the_handout_carries_the_routine_rules(_case, profile):
    routine = build_routine(profile)
    text = _text(routine_pdf(routine))
    assert _has(text, RULES.pain_rule)  # with the leg rule and the relative rule
    assert _has(text, RULES.schedule_note)  # sessions a week and 3 times a day, one plan
    for note in routine.notes:
        assert _has(text, note), note
    for item in routine.items:
        for caution in routine.cautions(item):
            assert _has(text, f"Caution: {caution}"), caution


def test_the_handout_shows_condition_cautions_only_for_chosen_conditions():
    plain = _text(routine_pdf(build_routine(Profile(minutes=30)))).lower()
    assert "pregnan" not in plain and "hip replacement" not in plain
    assert "osteoporosis:" not in plain  # a source may name the Royal Osteoporosis Society
    bones = _text(routine_pdf(build_routine(HANDOUTS[4][1])))
    assert _has(bones, "Caution: Osteoporosis: keep the movement slow and small")
    both = _text(routine_pdf(build_routine(HANDOUTS[3][1])))
    assert "ACOG Committee Opinion 804, 2020" in both and "midwife or doctor" in both


def test_the_handout_in_severe_pain_says_see_your_gp_or_pharmacist():
    text = _text(routine_pdf(build_routine(Profile(minutes=30, pain_now=9))))
    assert _has(text, RULES.very_severe_note)
    assert _has(text, RULES.high_pain_note)


def test_calendar_events_carry_the_same_pain_rule():
    routine = build_routine(Profile(minutes=20))
    cal = Calendar.from_ical(
        routine_ics(routine, start=dt.date(2026, 1, 5), days_per_week=2, at=dt.time(18, 0))
    )
    for event in cal.walk("VEVENT"):
        description = " ".join(str(event["description"]).split())
        assert RULES.pain.short in description
        assert "spreads down a leg" in description
