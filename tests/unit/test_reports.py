"""The handout PDF and the calendar file, read back the way a user's software would."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from fpdf import FPDF
from icalendar import Calendar
from pypdf import PdfReader

from backcare.demo import demo_patient
from backcare.diary.frames import entries_frame, events_frame, screenings_frame
from backcare.diary.model import Screening
from backcare.exercises import CONDITIONS, EQUIPMENT
from backcare.notices import load_notices
from backcare.reports import (
    DEMO_MARK,
    chart_png,
    handover_file_name,
    latin1,
    routine_ics,
    routine_pdf,
    session_dates,
    short_dose,
    summary_pdf,
)
from backcare.routine import Profile, build_routine, decode_share, progression_plan
from tests.unit import diary_data

PROFILES = [
    ("home beginner 20 min", Profile(minutes=20)),
    (
        "gym advanced 60 min yoga",
        Profile("advanced", 60, 4, "gym", frozenset(EQUIPMENT), 2, include_yoga=True),
    ),
    (
        "every condition but recent surgery, pain 8",
        Profile(
            minutes=30, pain_now=8, conditions=frozenset(CONDITIONS) - {"recent_spine_surgery"}
        ),
    ),
]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.parametrize(("_case", "profile"), PROFILES, ids=[c[0] for c in PROFILES])
def test_pdf_opens_and_names_every_exercise(_case, profile):
    routine = build_routine(profile)
    pdf = routine_pdf(routine)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for item in routine.items:
        assert latin1(item.exercise.name) in text, item.exercise.name
    assert "Not a diagnosis" in text
    assert "Stop and get help now" in text
    assert "999" in text  # the emergency notice itself
    assert "8-week plan" in text and "Week 8" in text
    assert "When to see a physiotherapist" in text


def test_pdf_draws_each_exercise_illustration(monkeypatch):
    """fpdf2 turns SVG into vector paths (no image objects), so watch the image calls."""
    drawn: list[str] = []
    original = FPDF.image

    def spy(self, name, *args, **kwargs):
        drawn.append(Path(name).name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(FPDF, "image", spy)
    routine = build_routine(Profile(minutes=20))
    pdf = routine_pdf(routine)
    assert drawn == [f"{i.exercise.id}.svg" for i in routine.items]
    # The drawings' ink colour (#1f2937) is in the page content as vector strokes.
    reader = PdfReader(io.BytesIO(pdf))
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert content.count(b"0.1216 0.1608 0.2157 RG") >= len(routine.items)


def test_pdf_carries_the_red_flag_notice_and_pain_rule_text():
    routine = build_routine(Profile(minutes=15))
    text = _text(routine_pdf(routine))
    first_words = " ".join(load_notices().emergency.split()[:6])
    assert first_words in text
    assert "back to your usual level by the next day" in text


def test_pdf_of_a_shared_routine_works():
    shared = decode_share("1~neck_chin_tuck.1.5.5.4~bridge.2.6.3.8~knee_to_chest.1.3.5.4")
    assert "Knee to chest" in _text(routine_pdf(shared))


def test_refused_routine_cannot_be_exported():
    refused = build_routine(Profile(triage_level="emergency"))
    with pytest.raises(ValueError, match="no routine"):
        routine_pdf(refused)
    with pytest.raises(ValueError, match="no routine"):
        routine_ics(refused, start=dt.date(2026, 1, 5), days_per_week=3, at=dt.time(18, 0))


@pytest.mark.parametrize("days", range(1, 8))
def test_calendar_has_one_event_per_session_day(days):
    routine = build_routine(Profile(minutes=20, days_per_week=days))
    weeks = len(progression_plan(routine).weeks)
    cal = Calendar.from_ical(
        routine_ics(routine, start=dt.date(2026, 1, 5), days_per_week=days, at=dt.time(18, 0))
    )
    events = list(cal.walk("VEVENT"))
    assert len(events) == days * weeks
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts[0] == dt.datetime(2026, 1, 5, 18, 0)
    assert len(set(starts)) == len(starts)
    for week in range(weeks):  # `days` sessions in every 7-day block
        block = [s for s in starts if (s - starts[0]).days // 7 == week]
        assert len(block) == days


@pytest.mark.parametrize("at", [dt.time(7, 30), dt.time(18, 0), dt.time(21, 45, 12)])
def test_calendar_events_remind_at_the_chosen_time_and_are_busy(at):
    """Issue 17: reminders that remind. Each event starts at the time of day the person
    chose (their own local time), has an alarm at its start, and is not marked free."""
    routine = build_routine(Profile(minutes=20))
    ics = routine_ics(routine, start=dt.date(2026, 1, 5), days_per_week=3, at=at)
    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    for event in events:
        start = event.decoded("dtstart")
        assert isinstance(start, dt.datetime) and start.tzinfo is None  # floating local time
        assert (start.hour, start.minute) == (at.hour, at.minute)
        assert str(event["transp"]) == "OPAQUE"
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["action"]) == "DISPLAY"
        assert alarms[0].decoded("trigger") == dt.timedelta(0)
    assert b"TRANSPARENT" not in ics


def test_calendar_events_follow_the_week_of_the_plan():
    """Each event is named with and lasts as long as its week's session, and lists that
    week's doses (an exercise left out that week is not in it)."""
    routine = build_routine(Profile(minutes=20))
    plan = progression_plan(routine)
    ics = routine_ics(routine, start=dt.date(2026, 1, 5), days_per_week=1, at=dt.time(9, 0))
    events = sorted(Calendar.from_ical(ics).walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == len(plan.weeks)
    for event, week in zip(events, plan.weeks, strict=True):
        length = event.decoded("dtend") - event.decoded("dtstart")
        assert length == dt.timedelta(minutes=math.ceil(week.minutes))
        assert str(event["summary"]) == (
            f"Back exercises, week {week.week}: about {week.minutes:g} min"
        )
        description = str(event["description"])
        for item in week.items:
            assert f"{item.exercise.name}: {item.describe()}" in description
        for name in week.left_out:
            assert f"- {name}:" not in description


def test_calendar_needs_a_time_of_day():
    routine = build_routine(Profile(minutes=20))
    with pytest.raises(ValueError, match="time of day"):
        routine_ics(routine, start=dt.date(2026, 1, 5), days_per_week=3, at="18:00")


def _page_bottoms(pdf: bytes) -> list[float]:
    """For each page, how far down the page its lowest text reaches (0 = top, 1 = bottom),
    leaving out the footer."""
    reader = PdfReader(io.BytesIO(pdf))
    shares = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        ys: list[float] = []

        def visit(text, _cm, tm, _font, _size, ys=ys):
            if text.strip() and "not a diagnosis - page" not in text:
                ys.append(tm[5])

        page.extract_text(visitor_text=visit)
        shares.append(1 - min(ys) / height if ys else 0.0)
    return shares


@pytest.mark.parametrize(("_case", "profile"), PROFILES, ids=[c[0] for c in PROFILES])
def test_the_handout_has_no_half_empty_pages(_case, profile):
    """Issue 17: every page but the last is filled at least three quarters of the way."""
    bottoms = _page_bottoms(routine_pdf(build_routine(profile)))
    assert all(share >= 0.75 for share in bottoms[:-1]), [round(b, 2) for b in bottoms]


def test_the_handout_has_a_place_for_name_and_date_and_is_dated_today():
    pdf = routine_pdf(build_routine(Profile(minutes=20)), made_on=dt.date(2026, 3, 4))
    text = _text(pdf)
    assert "Name:" in text and "Date:" in text
    assert "Made with BackCare on 4 Mar 2026" in text
    assert PdfReader(io.BytesIO(pdf)).metadata.creation_date.date() == dt.date(2026, 3, 4)
    today = PdfReader(io.BytesIO(routine_pdf(build_routine(Profile(minutes=20)))))
    assert today.metadata.creation_date.date() == dt.datetime.now(dt.UTC).date()


def test_the_handout_plan_shows_each_weeks_minutes():
    routine = build_routine(Profile(minutes=20))
    text = _text(routine_pdf(routine))
    minutes = " ".join(f"{w.minutes:g}" for w in progression_plan(routine).weeks)
    assert f"Minutes, about {minutes}" in text


def test_calendar_events_hold_no_health_conditions():
    profile = Profile(
        minutes=20,
        pain_now=5,
        conditions=frozenset({"pregnancy", "sciatica"}),
        start_back_risk="high",
        triage_level="gp",
    )
    ics = routine_ics(
        build_routine(profile), start=dt.date(2026, 1, 5), days_per_week=2, at=dt.time(18, 0)
    )
    text = ics.decode().lower()
    for word in ["pregnan", "sciatica", "start back", "risk", "triage", "gp ", "midwife"]:
        assert word not in text


def test_calendar_doses_grow_over_the_weeks():
    routine = build_routine(Profile(minutes=20))
    cal = Calendar.from_ical(
        routine_ics(routine, start=dt.date(2026, 1, 5), days_per_week=1, at=dt.time(18, 0))
    )
    descriptions = [str(e["description"]) for e in cal.walk("VEVENT")]
    assert "Bridge: 5 reps" in descriptions[0]
    assert "Bridge: 7 reps" in descriptions[1]


@pytest.mark.parametrize(
    ("start", "days", "message"),
    [
        (dt.datetime(2026, 1, 5, 9), 3, "start must be a date"),
        ("2026-01-05", 3, "start must be a date"),
        (dt.date(2026, 1, 5), 0, "days_per_week"),
        (dt.date(2026, 1, 5), 8, "days_per_week"),
        (dt.date(2026, 1, 5), True, "days_per_week"),
    ],
)
def test_calendar_rejects_bad_input(start, days, message):
    with pytest.raises(ValueError, match=message):
        session_dates(start, days, 8)


LATIN1_CASES = [
    ("pain \u2264 5/10 \u2013 fine", "pain <= 5/10 - fine"),
    ("\u201cquoted\u201d it\u2019s", '"quoted" it\'s'),
    ("caf\u00e9", "caf\u00e9"),
    ("emoji \U0001f600", "emoji ?"),
]


@pytest.mark.parametrize(("raw", "safe"), LATIN1_CASES)
def test_text_is_made_latin1_safe(raw, safe):
    assert latin1(raw) == safe


def test_short_doses_for_the_table():
    routine = build_routine(Profile(minutes=20))
    shorts = {i.exercise.id: short_dose(i) for i in routine.items}
    assert shorts["bridge"] == "1x5 (3 s)"
    assert shorts["knee_rolls"] == "1x5 /side (2 s)"
    assert shorts["piriformis_stretch"] == "2x20 s /side"


# ------------------------------------------------------------------- clinician summary
SUMMARY_TODAY = dt.date(2026, 3, 15)


def _summary(persona_id: str = "chronic", **kwargs) -> tuple[bytes, object]:
    patient = demo_patient(persona_id, SUMMARY_TODAY)
    args = {
        "start": patient.first_day,
        "end": SUMMARY_TODAY,
        "results": patient.results(),
        "routine": patient.routine,
        "records": patient.screenings,
    }
    args.update(kwargs)
    pdf = summary_pdf(
        entries_frame(patient.entries),
        events_frame(patient.events, patient.screenings),
        screenings_frame(patient.screenings),
        **args,
    )
    return pdf, patient


def test_summary_has_scores_chart_change_and_routine():
    pdf, patient = _summary()
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2  # readable in a two-minute consultation
    assert sum(len(page.images) for page in reader.pages) == 1  # the pain chart
    text = _text(pdf)
    assert "BackCare summary for your clinician" in text
    assert "14 Sep 2025 to 15 Mar 2026" in text  # the date range
    assert "Not a diagnosis" in text
    # Screening results with their working.
    assert "Oswestry Disability Index" in text and "24% (Moderate" in text
    assert "12 of 50" in text  # 12 points of 50 -> 24%
    assert "STarT Back" in text and "PEG" in text
    # Before and after against the minimal important change.
    assert "42% (14 Sep 2025)" in text and "24% (14 Mar 2026)" in text
    assert "-18 points" in text and "Yes, better" in text
    flowing = re.sub(r" BackCare summary, made by .*? - page \d+", "", text)  # page footers
    assert (
        "Oswestry Disability Index: a fall of at least 10 points, or a fall of at least 30% of "
        "the earlier score that is also at least 5 points, counts as better; only a rise of at "
        "least 10 points counts as worse (Ostelo et al., Spine 2008)."
    ) in flowing
    assert "PEG: a fall of at least 1.75 points" in text and "Reed et al., J Pain 2023" in text
    assert "Back pain often gets better on its own" in text
    # The routine.
    for item in patient.routine.items:
        assert latin1(item.exercise.name) in text


def _change_text(days_before: int, days_after: int) -> str:
    """The before/after part of a summary whose diary has entries (pain 7) on
    ``days_before`` days before a routine started on 1 Mar 2026, and (pain 2) on
    ``days_after`` days from that day on."""
    started = dt.date(2026, 3, 1)
    days = [started - dt.timedelta(days=n) for n in range(1, days_before + 1)]
    days += [started + dt.timedelta(days=n) for n in range(days_after)]
    entries = diary_data.entries_frame(
        [(dt.datetime.combine(day, dt.time(9)), 7 if day < started else 2) for day in sorted(days)]
    )
    pdf = summary_pdf(
        entries,
        diary_data.events_frame([(started.isoformat(), "Routine started")]),
        diary_data.screenings_frame([]),
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 3, 31),
        include=["change"],
    )
    return _text(pdf)


def test_summary_gives_no_pain_verdict_with_too_few_days():
    """Issue 12: the clinician summary follows the diary page's 7-day rule."""
    text = _change_text(days_before=5, days_after=14)
    assert "Not enough days yet to compare: each period needs at least 7 days with entries" in text
    assert "has 5 days and 'Last 2 weeks' has 14" in text
    assert "Average pain (0-10)" not in text
    assert "Yes, better" not in text and "meaningful improvement" not in text


def test_summary_gives_the_pain_verdict_from_7_days_on_each_side():
    text = _change_text(days_before=7, days_after=7)
    assert "Average pain (0-10) 7.0 (2 weeks before routine) 2.0" in text
    assert "-5.0 points Yes, better" in text
    assert "Back pain often gets better on its own" in text


def test_summary_prints_only_the_chosen_parts():
    pdf, _ = _summary(include=["routine"])
    reader = PdfReader(io.BytesIO(pdf))
    text = _text(pdf)
    assert "Current exercise routine" in text
    assert "Screening results" not in text and "Before and after" not in text
    assert not any(page.images for page in reader.pages)


def test_summary_range_keeps_only_those_days():
    start = SUMMARY_TODAY - dt.timedelta(days=14)
    pdf, _ = _summary(start=start, include=["chart", "change"])
    text = _text(pdf)
    assert "(14 diary entries on 14 days)" in text
    assert "42%" not in text  # the first Oswestry score is outside the range
    assert PdfReader(io.BytesIO(pdf)).pages[0].images


def test_summary_for_warning_signs_says_why_there_is_no_routine():
    pdf, patient = _summary("red_flag")
    text = _text(pdf)
    assert patient.triage.label in text
    assert "No routine: Please hold off the exercise programme" in text


def test_summary_of_an_empty_diary_still_opens():
    pdf = summary_pdf(
        entries_frame([]),
        events_frame([]),
        screenings_frame([]),
        start=SUMMARY_TODAY,
        end=SUMMARY_TODAY,
    )
    text = _text(pdf)
    assert "No diary entries in this date range" in text
    assert "No screening results in this date range" in text
    assert "No routine has been built" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": SUMMARY_TODAY, "end": SUMMARY_TODAY - dt.timedelta(days=1)}, "starts after"),
        ({"include": []}, "at least one part"),
        ({"include": ["chart", "diagnosis"]}, "Unknown summary part 'diagnosis'"),
        ({"start": "2026-01-01"}, "must be a date"),
    ],
    ids=["start after end", "nothing chosen", "unknown part", "text date"],
)
def test_summary_rejects_bad_choices(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _summary(**kwargs)


def test_chart_png_is_a_png():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y")
    assert chart_png(chart).startswith(b"\x89PNG")


def test_every_page_of_both_pdfs_says_it_is_not_a_diagnosis():
    routine = build_routine(Profile())
    summary, _ = _summary()
    for name, pdf in (
        ("BackCare exercise handout", routine_pdf(routine)),
        ("BackCare summary, made by the person from their own answers and diary", summary),
    ):
        reader = PdfReader(io.BytesIO(pdf))
        for number, page in enumerate(reader.pages, start=1):
            footer = f"{name} - not a diagnosis - page {number}"
            assert footer in " ".join(page.extract_text().split()), (name, number)


def test_the_clinician_summary_writes_saved_scores_as_people_read_them():
    """Issue 17: a saved Oswestry of 26.6667 reads 27%, a PEG of 5.6667 reads 5.7."""
    screenings = diary_data.screenings_frame(
        [("2026-02-01", "oswestry", 26.6667), ("2026-02-01", "peg", 5.6667)]
    )
    pdf = summary_pdf(
        entries_frame([]),
        events_frame([]),
        screenings,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 1),
        include=["screening"],
        made_on=dt.date(2026, 3, 1),
    )
    text = _text(pdf)
    assert "27%" in text and "5.7" in text
    assert "26.6" not in text and "5.66" not in text


# ------------------------------------------------- clinician summary: issue 16 (handover)
HEADINGS = {"Screening results", "Pain over time", "Before and after", "Current exercise routine"}
CHART_HEADING = "Pain over time"


def _page_lines(pdf: bytes) -> list[list[str]]:
    """Each page's text lines, without the footer and the demo banner."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [" ".join(line.split()) for line in (page.extract_text() or "").splitlines()]
        pages.append(
            [
                line
                for line in lines
                if line and "not a diagnosis - page" not in line and line != DEMO_MARK
            ]
        )
    return pages


def test_summary_with_a_routine_names_every_exercise_and_its_dose():
    routine = build_routine(Profile(minutes=20))
    pdf, _ = _summary("acute", routine=routine, include=["routine"])
    text = _text(pdf)
    assert "No routine has been built" not in text
    for item in routine.items:
        assert latin1(item.exercise.name) in text
        assert short_dose(item) in text


def test_a_demo_summary_says_so_on_every_page():
    pdf, _ = _summary(demo=True)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    for page in pages:
        assert DEMO_MARK in " ".join(page.extract_text().split())


def test_a_real_summary_never_says_demo():
    pdf, _ = _summary()
    assert DEMO_MARK not in _text(pdf)


def test_the_persons_label_is_printed():
    pdf, _ = _summary(label="  A.\nB.  ")
    assert "For: A. B." in _text(pdf)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({}, "backcare-summary-2026-01-01-to-2026-03-15.pdf"),
        ({"label": "A.B."}, "backcare-summary-A-B-2026-01-01-to-2026-03-15.pdf"),
        (
            {"label": "Zoë O'Brien/../x"},
            "backcare-summary-Zoe-O-Brien-x-2026-01-01-to-2026-03-15.pdf",
        ),
        (
            {"demo": True},
            "backcare-summary-2026-01-01-to-2026-03-15-demo-data-made-up-patient.pdf",
        ),
    ],
)
def test_file_names_carry_the_label_the_dates_and_demo(kwargs, name):
    made = handover_file_name(
        "summary", "pdf", start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 15), **kwargs
    )
    assert made == name
    assert re.fullmatch(r"[A-Za-z0-9.-]+", made)


@pytest.mark.parametrize(
    ("persona", "words", "rgb"),
    [
        ("red_flag", "Warning-sign check: EMERGENCY - Call 999 or go to A&E now", (180, 0, 0)),
        ("chronic", "Warning-sign check: SELF-CARE - Looking after it yourself", (0, 110, 60)),
    ],
)
def test_the_triage_level_is_at_the_top_coloured_and_worded(persona, words, rgb):
    pdf, _ = _summary(persona)
    first = _page_lines(pdf)[0]
    box = next(n for n, line in enumerate(first) if line.startswith("Warning-sign check:"))
    assert " ".join(first[box : box + 2]).startswith(words)
    assert box < first.index("Screening results")  # above everything else
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    colour = " ".join(f"{c / 255:.4f}".rstrip("0").rstrip(".") for c in rgb)
    assert f"{colour} RG" in content  # the box's border in the level's colour


def test_points_per_item_read_as_a_row_not_a_python_list():
    pdf, _ = _summary()
    text = _text(pdf)
    assert "Items 1-9: 0 0 0 1 0 1 0 0 0" in text  # STarT Back
    assert "Sections 1-10: 1 2 1 2 1 1 1 1 1 1" in text  # Oswestry
    assert "[" not in text and "]" not in text


def _saved_only(scores: list[tuple[str, float, dict]]) -> str:
    """A summary of saved scores only (no answers in this session), as the diary keeps them."""
    records = [
        Screening("local", instrument, dt.datetime(2026, 3, day, 9), score, details)
        for day, (instrument, score, details) in enumerate(scores, start=1)
    ]
    pdf = summary_pdf(
        entries_frame([]),
        events_frame([]),
        screenings_frame(records),
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        include=["screening"],
        records=records,
    )
    return _text(pdf)


def test_saved_scores_are_rounded_as_the_screen_shows_them():
    text = _saved_only(
        [
            ("oswestry", 26.666666666666668, {"band": "moderate"}),
            ("peg", 13 / 3, {}),
            ("psfs", 14 / 3, {}),
            ("rmdq", 7.0, {}),
        ]
    )
    assert "26.6667" not in text and "4.33333" not in text
    assert "Oswestry Disability Index 27%" in text
    assert "PEG 4.3 of 10" in text
    assert "Patient-Specific Functional Scale 4.7 of 10 (higher is better)" in text
    assert "Roland-Morris Disability Questionnaire 7 of 24" in text


def test_a_saved_start_back_score_shows_its_risk_group():
    text = _saved_only([("start_back", 5.0, {"risk": "medium", "psychosocial": 2})])
    assert "STarT Back 5 of 9, Medium risk" in text


CONFIGS = [
    (persona, days, parts)
    for persona in ("chronic", "acute", "red_flag")
    for days in (14, 60, 182)
    for parts in (
        ("screening", "chart", "change", "routine"),
        ("screening", "change", "routine"),
        ("chart", "change", "routine"),
    )
]


@pytest.mark.parametrize(("persona", "days", "parts"), CONFIGS)
def test_no_page_ends_with_a_heading(persona, days, parts):
    patient = demo_patient(persona, SUMMARY_TODAY)
    start = max(patient.first_day, SUMMARY_TODAY - dt.timedelta(days=days))
    pdf, _ = _summary(persona, start=start, include=list(parts), demo=True, label="Jo")
    pages = _page_lines(pdf)
    for number, lines in enumerate(pages[:-1], start=1):
        assert lines and lines[-1] not in HEADINGS, (number, lines[-3:])
    for lines in pages:
        if CHART_HEADING in lines:  # the chart's heading, its words and the chart together
            at = lines.index(CHART_HEADING)
            assert at + 1 < len(lines), lines[-3:]


def test_summary_has_a_sessions_line_when_sessions_were_logged():
    from backcare.records import SessionRecord, adherence, sessions_by_week
    from backcare.storage import StoredRecord

    start = dt.date(2026, 3, 2)
    logged = [SessionRecord(start + dt.timedelta(days=n), 1) for n in (0, 2)]
    kept = [StoredRecord("session", s.record_id, None, s.to_payload()) for s in logged]  # type: ignore[arg-type]
    found = adherence(
        sessions_by_week(kept, start, dt.date(2026, 3, 10)), 3, start, dt.date(2026, 3, 10)
    )
    with_sessions = _text(_summary(adherence=found)[0])
    assert (
        "Exercise sessions: Sessions logged: 2 in the 1 finished week of your plan, against 3 "
        "planned (67% of planned sessions done)."
    ) in with_sessions
    assert "Exercise sessions:" not in _text(_summary()[0])


@pytest.mark.parametrize("from_week", [2, 5, 8])
def test_the_adapted_plan_starts_at_the_week_the_sessions_set(from_week):
    """Issue 18: after logged sessions held or stepped the plan back, the calendar's first
    week from ``start`` is that plan week and the handout starts there, with its doses."""
    routine = build_routine(Profile(minutes=20))
    plan = progression_plan(routine)
    ics = routine_ics(
        routine, start=dt.date(2026, 1, 5), days_per_week=1, at=dt.time(9, 0), from_week=from_week
    )
    events = sorted(Calendar.from_ical(ics).walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    shown = plan.weeks[from_week - 1 :]
    assert len(events) == len(shown)
    assert events[0].decoded("dtstart") == dt.datetime(2026, 1, 5, 9, 0)
    for event, week in zip(events, shown, strict=True):
        assert str(event["summary"]).startswith(f"Back exercises, week {week.week}:")
    text = _text(routine_pdf(routine, from_week=from_week))
    assert f"This handout starts at week {from_week} of your plan" in text
    assert f"Your plan from week {from_week} to week {len(plan.weeks)}" in text
    assert f"Week {from_week - 1}:" not in text  # the weeks before are not in its table


@pytest.mark.parametrize("bad", [0, 9, True, 2.0, "2"])
def test_a_week_outside_the_plan_is_refused_in_words(bad):
    routine = build_routine(Profile(minutes=20))
    with pytest.raises(ValueError, match="from_week"):
        routine_pdf(routine, from_week=bad)
    with pytest.raises(ValueError, match="from_week"):
        routine_ics(
            routine, start=dt.date(2026, 1, 5), days_per_week=1, at=dt.time(9, 0), from_week=bad
        )
