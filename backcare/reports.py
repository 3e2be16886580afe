"""Things to take away: the routine handout (PDF) and the calendar file (.ics).

- ``routine_pdf(routine, from_week=n)``: an fpdf2 handout with illustrations, steps, doses, the
  progression table, the pain rule, when to get help, a red-flag box and the not-a-diagnosis
  notice. It uses a core PDF font, so all text is made Latin-1 safe first.
- ``routine_ics(routine, start=..., days_per_week=n, at=time)``: one event per session day
  for the plan's weeks (from ``from_week``, the adapted plan, when logged sessions held it),
  at the time of day the person chose, as long as that week's session, with a reminder
  (VALARM) at its start, and shown as busy. Events carry exercise names and doses only,
  never health conditions.

- ``summary_pdf(entries, events, screenings, start=..., end=...)``: a one-to-two page
  clinician summary of a chosen date range: screening results with their working, the
  pain chart as an image (Altair rendered to PNG by vl-convert, no browser), before and
  after against the minimal important change, and the current routine. The person
  chooses the range and the parts (``include``).

Shared helpers sit at the top.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import pandas as pd
import vl_convert
from fpdf import FPDF
from icalendar import Alarm, Calendar, Event
from PIL import Image

from backcare import analytics, charts
from backcare.change import Change, fmt_points, fmt_score
from backcare.diary.frames import SCREENING_DONE
from backcare.diary.model import PAIN_RANGE, Screening
from backcare.exercises import PHASE_LABELS
from backcare.notices import load_notices
from backcare.records import Adherence
from backcare.routine import (
    PlanWeek,
    ProgressionPlan,
    Routine,
    RoutineItem,
    load_next_step_rules,
    load_rules,
    progression_plan,
    this_week,
)
from backcare.screening import TriageResult, load_red_flags
from backcare.screening.base import Worked
from backcare.screening.instruments import INSTRUMENTS
from backcare.screening.start_back import as_risk, load_start_back
from backcare.screening.triage import Level

# ------------------------------------------------------------------------ shared helpers
_LATIN1 = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2022": "-",
    }
)


def latin1(text: str) -> str:
    """Text a core PDF font can print: common typography mapped, anything else as '?'."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _usable(routine: Routine) -> Routine:
    if not isinstance(routine, Routine):
        raise ValueError("Expected a routine from build_routine().")
    if routine.refused is not None or not routine.items:
        raise ValueError("There is no routine to export. Please follow the screening advice.")
    return routine


def short_dose(item: RoutineItem) -> str:
    """A compact dose for table cells: 2x5 /side (3 s), 2x20 s, 12 min."""
    dose = item.dose
    if dose.reps == 0:
        return f"{item.minutes:g} min"
    side = " /side" if dose.per_side else ""
    if dose.reps == 1 and dose.hold_seconds:
        return f"{dose.sets}x{dose.hold_seconds} s{side}"
    hold = f" ({dose.hold_seconds} s)" if dose.hold_seconds else ""
    return f"{dose.sets}x{dose.reps}{side}{hold}"


# ------------------------------------------------------------------------------ the PDF
class _Document(FPDF):
    """An A4 portrait page whose footer names the document, says it is not a diagnosis and
    numbers the page: "<name> - not a diagnosis - page N"."""

    def __init__(self, name: str, banner: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.name = name
        self.banner = banner  # printed at the top of every page when given ("Demo data ...")

    def header(self) -> None:
        if not self.banner:
            return
        self.set_font("Helvetica", "B", 10)
        self.set_fill_color(255, 236, 179)
        self.set_text_color(90, 60, 0)
        self.cell(0, 7, latin1(self.banner), align="C", fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, latin1(f"{self.name} - not a diagnosis - page {self.page_no()}"), align="C")
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str, size: int = 14, keep: float = 0.0) -> None:
    """A heading; with ``keep`` (mm), it starts a new page unless that much room is left
    under it, so a heading never stands alone at a page's foot."""
    if keep and pdf.will_page_break(size * 0.55 + 1 + keep):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, size * 0.55, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _para(pdf: FPDF, text: str, size: float = 10, style: str = "") -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _box(pdf: FPDF, title: str, text: str, rgb: tuple[int, int, int]) -> None:
    pdf.set_draw_color(*rgb)
    pdf.set_line_width(0.8)
    x, y = pdf.get_x(), pdf.get_y()
    pdf.set_x(x + 3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_text_color(*rgb)
    pdf.multi_cell(pdf.epw - 6, 6, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_x(x + 3)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(pdf.epw - 6, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.rect(x, y - 1, pdf.epw, pdf.get_y() - y + 3)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.ln(5)


IMAGE_W, IMAGE_H = 55, 33  # mm: an exercise's drawing in the handout
GAP = 3  # mm between exercises


Line = tuple[str, str, float, float]
"""(text, style, font size, line height) of one paragraph in the handout."""


def _exercise_lines(item: RoutineItem, cautions: tuple[str, ...], number: int) -> list[Line]:
    """(text, style, size, line height) for each paragraph of an exercise's block."""
    ex = item.exercise
    lines: list[Line] = [
        (f"{number}. {ex.name}", "B", 11, 5.5),
        (
            f"Dose: {item.describe()} (about {item.minutes:g} min). Position: {ex.position}.",
            "",
            10,
            5,
        ),
    ]
    lines += [(f"{n}) {step}", "", 9, 4.5) for n, step in enumerate(ex.steps, start=1)]
    lines.append(("Stop if: " + "; ".join(ex.stop_if) + ".", "B", 9, 4.5))
    lines += [(f"Caution: {caution}", "I", 8, 4) for caution in cautions]
    lines.append((f"Source: {ex.source}", "I", 8, 4))
    return lines


def _block_height(pdf: FPDF, lines: list[Line], width: float) -> float:
    """The height the exercise's block takes: its text or its drawing, whichever is taller."""
    height = 0.0
    for text, style, size, line_height in lines:
        pdf.set_font("Helvetica", style, size)
        # output="HEIGHT" makes fpdf2 return the height alone, a number.
        made = pdf.multi_cell(width, line_height, latin1(text), dry_run=True, output="HEIGHT")
        height += cast(float, made)
    return max(height, IMAGE_H + 2) + GAP


def _room(pdf: FPDF) -> float:
    return pdf.h - pdf.b_margin - pdf.get_y()


def _exercise(pdf: FPDF, number: int, item: RoutineItem, cautions: tuple[str, ...]) -> None:
    ex = item.exercise
    left = pdf.l_margin + IMAGE_W + 4
    width = pdf.epw - IMAGE_W - 4
    lines = _exercise_lines(item, cautions, number)
    if _block_height(pdf, lines, width) > _room(pdf):
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(str(ex.illustration), x=pdf.l_margin, y=top, w=IMAGE_W, h=IMAGE_H)
    pdf.set_xy(left, top)
    for text, style, size, line_height in lines:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, line_height, latin1(text), new_x="LEFT", new_y="NEXT")
    pdf.set_x(pdf.l_margin)
    pdf.set_y(max(pdf.get_y(), top + IMAGE_H + 2) + GAP)


def _name_and_date(pdf: FPDF, made_on: dt.date) -> None:
    """Lines to write a name and a date on, and the day the handout was made."""
    pdf.set_font("Helvetica", "", 10)
    y = pdf.get_y() + 6
    half = pdf.epw / 2
    for x, label, width in ((pdf.l_margin, "Name", half - 8), (pdf.l_margin + half, "Date", half)):
        pdf.set_xy(x, y - 5)
        pdf.cell(14, 5, label + ":")
        pdf.line(x + 14, y, x + width, y)
    pdf.set_xy(pdf.l_margin, y + 2)
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 4, latin1(f"Made with BackCare on {analytics.fmt_date(pd.Timestamp(made_on))}."))
    pdf.ln(7)


def _created(made_on: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """The day a document is made and its PDF creation time: now, or ``made_on`` (tests)."""
    if made_on is None:
        now = dt.datetime.now(dt.UTC)
        return dt.date.today(), now
    return made_on, dt.datetime.combine(made_on, dt.time(0, 0), tzinfo=dt.UTC)


def _from_week(from_week: int, plan: ProgressionPlan) -> tuple[PlanWeek, ...]:
    """The plan's weeks from ``from_week`` on (the adapted plan after logged sessions)."""
    if isinstance(from_week, bool) or not isinstance(from_week, int):
        raise ValueError("from_week must be a whole number of a week of the plan.")
    if not 1 <= from_week <= len(plan.weeks):
        raise ValueError(f"from_week must be a week of the plan, 1 to {len(plan.weeks)}.")
    return plan.weeks[from_week - 1 :]


def routine_pdf(routine: Routine, *, from_week: int = 1, made_on: dt.date | None = None) -> bytes:
    """The printable handout for a routine, as PDF bytes (made today, or on ``made_on``).

    ``from_week``: the plan week whose doses the person does now (``plan_step``): the
    exercises show that week's doses and the plan table starts there (the adapted plan).
    """
    routine = _usable(routine)
    notices = load_notices()
    plan = progression_plan(routine)
    weeks = _from_week(from_week, plan)
    base, routine = routine, this_week(routine, from_week)
    made_on, created = _created(made_on)

    pdf = _Document("BackCare exercise handout")
    pdf.set_title("BackCare exercise routine")
    pdf.set_author("BackCare")
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    _heading(pdf, "Your back exercise routine", 18)
    _name_and_date(pdf, made_on)
    _para(
        pdf,
        f"{len(routine.items)} exercises, about {routine.total_minutes:g} minutes. "
        "Do them slowly, in this order: warm-up, main set, cool-down.",
    )
    if from_week > 1:
        _para(pdf, load_next_step_rules().handout_from.format(week=from_week), 10, "B")
    pdf.ln(3)
    _box(pdf, "Not a diagnosis", notices.not_a_diagnosis, (60, 60, 60))
    _box(
        pdf,
        "Stop and get help now if you have any of these signs",
        notices.emergency,
        (185, 28, 28),
    )
    _box(pdf, "How much pain is OK (the pain rule)", plan.pain_rule, (30, 64, 175))
    notes = [n for n in routine.notes if n != plan.pain_rule]
    if notes:
        _heading(pdf, "Notes for you", 12)
        for note in notes:
            _para(pdf, f"- {note}", 9)
        pdf.ln(3)

    number = 0
    width = pdf.epw - IMAGE_W - 4
    for phase, items in routine.by_phase():
        # A phase's heading stays with its first exercise.
        first = _exercise_lines(items[0], routine.cautions(items[0]), number + 1)
        if 12 + _block_height(pdf, first, width) > _room(pdf):
            pdf.add_page()
        _heading(pdf, PHASE_LABELS[phase], 14)
        for item in items:
            number += 1
            _exercise(pdf, number, item, routine.cautions(item))

    _progression(pdf, base, plan, weeks)
    return bytes(pdf.output())


def plan_cell(week: PlanWeek, item: RoutineItem) -> str:
    """One exercise's dose in one week of the plan, short; "-" when it is left out."""
    grown = week.item_for(item.exercise.id)
    return "-" if grown is None else short_dose(grown)


PLAN_KEY = (
    "How to read it: 2x5 = 2 sets of 5 repetitions; /side = each side; (3 s) = hold each one "
    "for 3 seconds; 2x20 s = hold 20 seconds, twice; min = minutes; - = left out that week, "
    "so the session stays about as long as you chose."
)


def _progression(
    pdf: FPDF, routine: Routine, plan: ProgressionPlan, shown: Sequence[PlanWeek]
) -> None:
    # Right after the cool-down when there is room for the heading and a few rows, so no
    # page is left half empty; the table carries its headings onto the next page.
    if _room(pdf) < 70:
        pdf.add_page()
    else:
        pdf.ln(2)
    title = (
        f"Your {len(plan.weeks)}-week plan"
        if shown[0].week == 1
        else f"Your plan from week {shown[0].week} to week {shown[-1].week}"
    )
    _heading(pdf, title, 14)
    _para(pdf, plan.how_it_grows, 9)
    pdf.ln(1)
    _para(pdf, plan.schedule, 9)
    pdf.ln(2)
    weeks = [w.week for w in shown]
    pdf.set_font("Helvetica", "", 7)
    name_w = 38
    week_w = (pdf.epw - name_w) / len(weeks)
    with pdf.table(
        col_widths=(name_w, *([week_w] * len(weeks))),
        text_align="LEFT",
        line_height=3.5,
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        table.row([latin1("Exercise"), *[f"Week {w}" for w in weeks]])
        for item in routine.items:
            table.row([latin1(item.exercise.name), *[latin1(plan_cell(w, item)) for w in shown]])
        table.row(["Minutes, about", *[f"{w.minutes:g}" for w in shown]])
    pdf.ln(2)
    _para(pdf, PLAN_KEY, 8, "I")
    pdf.ln(1)
    for week in shown:
        _para(pdf, f"Week {week.week}: {week.focus}", 8)
    pdf.ln(1)
    _para(pdf, plan.keep_going, 9, "B")
    pdf.ln(1)
    _heading(pdf, "When to see a physiotherapist, trainer or GP", 11)
    for line in plan.see_someone:
        _para(pdf, f"- {line}", 8)
    pdf.ln(1)
    _para(
        pdf,
        f"Sources: {plan.source}. Pain rule: {plan.pain_rule_source}. "
        f"How often: {load_rules().schedule_source}. "
        f"When to get help: {plan.see_someone_source}.",
        6.5,
        "I",
    )


# ------------------------------------------------------------------------- the calendar
# Session days in each week, counted from the start day (0 = the start day itself).
DAY_PATTERNS: dict[int, tuple[int, ...]] = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}


def session_dates(start: dt.date, days_per_week: int, weeks: int) -> list[dt.date]:
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        raise ValueError("start must be a date (day, month and year).")
    if isinstance(days_per_week, bool) or days_per_week not in DAY_PATTERNS:
        raise ValueError("days_per_week must be a whole number from 1 to 7.")
    return [
        start + dt.timedelta(days=7 * week + offset)
        for week in range(weeks)
        for offset in DAY_PATTERNS[days_per_week]
    ]


def routine_ics(
    routine: Routine, *, start: dt.date, days_per_week: int, at: dt.time, from_week: int = 1
) -> bytes:
    """A calendar with one session on each chosen day of the plan, at ``at`` (local time).
    ``from_week``: the plan week of the first week from ``start`` (the adapted plan after
    logged sessions, ``plan_step``); the plan's weeks from there on follow.

    Each event lasts as long as its week's session and is named with it ("Back exercises,
    week 3: about 20 min"); it holds that week's doses, reminds at its start (a VALARM,
    which calendars show as a notification) and is shown as busy (TRANSP:OPAQUE), so other
    bookings do not land on it.
    """
    routine = _usable(routine)
    if not isinstance(at, dt.time):
        raise ValueError("at must be a time of day, such as 18:30.")
    weeks = _from_week(from_week, progression_plan(routine))
    pain_rule = load_rules().pain.short
    cal = Calendar()
    cal.add("prodid", "-//BackCare//Exercise routine//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "BackCare exercises")
    stamp = dt.datetime.combine(start, dt.time(0, 0), tzinfo=dt.UTC)
    when = at.replace(second=0, microsecond=0, tzinfo=None)  # floating: the person's own time
    for n, day in enumerate(session_dates(start, days_per_week, len(weeks))):
        week = weeks[(day - start).days // 7]
        title = f"Back exercises, week {week.week}: about {week.minutes:g} min"
        lines = [f"Week {week.week}: {week.focus}", ""]
        lines += [f"- {item.exercise.name}: {item.describe()}" for item in week.items]
        lines += ["", pain_rule]
        begins = dt.datetime.combine(day, when)
        event = Event()
        event.add("uid", f"backcare-routine-{day.isoformat()}-{n}@backcare.local")
        event.add("dtstamp", stamp)
        event.add("dtstart", begins)
        event.add("dtend", begins + dt.timedelta(minutes=math.ceil(week.minutes)))
        event.add("summary", title)
        event.add("description", "\n".join(lines))
        event.add("transp", "OPAQUE")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", dt.timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


# -------------------------------------------------------------------- clinician summary
SUMMARY_PARTS: dict[str, str] = {
    "screening": "Screening results and how they were scored",
    "chart": "Pain chart",
    "change": "Before and after, against the minimal important change",
    "routine": "Current exercise routine",
}
"""The parts a person can include, in the order the summary prints them."""

CHART_WIDTH, CHART_HEIGHT = 720, 190  # pixels before vl-convert's 2x scale
_RESULT_ORDER = ("triage", *INSTRUMENTS)  # the warning-sign check, then the registry's order
KEEP = 30.0  # mm of room a summary heading needs under it, else it starts the next page
DEMO_MARK = "Demo data - made-up patient"
"""On every page of a demo patient's summary, and in its file names."""
LEVEL_COLOURS: dict[Level, tuple[int, int, int]] = {
    "emergency": (180, 0, 0),
    "urgent": (170, 75, 0),
    "gp": (0, 80, 150),
    "self_care": (0, 110, 60),
}
"""The warning-sign level's colour in the summary; the level is always written too."""
MAX_LABEL_CHARS = 40  # the optional name or initials


def clean_label(label: str) -> str:
    """The person's chosen label (name or initials) as printed: one line, at most
    MAX_LABEL_CHARS characters. It is printed and put in file names, never stored."""
    if not isinstance(label, str):
        raise ValueError("The name or initials must be text.")
    return " ".join(label.split())[:MAX_LABEL_CHARS]


def _file_part(text: str) -> str:
    """Text safe in a file name on every system: ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:MAX_LABEL_CHARS]


def handover_file_name(
    kind: str, extension: str, *, start: dt.date, end: dt.date, label: str = "", demo: bool = False
) -> str:
    """'backcare-summary-AB-2026-01-01-to-2026-03-15.pdf'; a demo patient's says so
    ('...-demo-data-made-up-patient.pdf'). ``label`` is the person's name or initials,
    cleaned for a file name (it may be empty)."""
    parts = [
        "backcare",
        kind,
        _file_part(clean_label(label)),
        f"{start:%Y-%m-%d}-to-{end:%Y-%m-%d}",
    ]
    if demo:
        parts.append(_file_part(DEMO_MARK).lower())
    return "-".join(part for part in parts if part) + f".{extension}"


def _day(value: Any) -> str:
    return analytics.fmt_date(pd.Timestamp(value))


def _in_range(frame: pd.DataFrame, column: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    days = frame[column].dt.normalize()
    keep = (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))
    return frame[keep].reset_index(drop=True)


def chart_png(chart: Any, *, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> bytes:
    """An Altair chart as PNG bytes, drawn by vl-convert (offline, no browser)."""
    sized = chart.properties(width=width, height=height)
    return vl_convert.vegalite_to_png(sized.to_json(), scale=2)


def _worked(name: str, result: Any) -> Worked:
    """(questionnaire, result, how it was worked out, source) for one screening result; a
    questionnaire's from its registry entry."""
    if name == "triage":
        asked = [r.question for r in result.reasons if r.kind == "flag"]
        rules = [r.question for r in result.reasons if r.kind == "rule"]
        why = "; ".join(asked + rules) or "No warning sign was ticked and no rule applied."
        return Worked(
            "Warning-sign check",
            f"{result.label}: {result.action}",
            f"The most urgent level among the answers and rules that applied. {why}",
            result.source,
        )
    if name in INSTRUMENTS:
        return INSTRUMENTS[name].worked(result)
    raise ValueError(f"unknown screening result {name!r}; expected one of {_RESULT_ORDER}")


def _table(pdf: FPDF, widths: tuple[float, ...], rows: list[list[str]], size: float = 8) -> None:
    pdf.set_font("Helvetica", "", size)
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=size * 0.5,
        first_row_as_headings=True,
    ) as table:
        for row in rows:
            table.row([latin1(cell) for cell in row])
    pdf.ln(2)


def _triage_box(pdf: FPDF, triaged: TriageResult) -> None:
    """The warning-sign check's level at the top of the summary: coloured AND worded."""
    rgb = LEVEL_COLOURS.get(triaged.level, (0, 0, 0))
    _box(
        pdf,
        f"Warning-sign check: {triaged.label.upper()} - {triaged.action}",
        " ".join(triaged.advice.split()),
        rgb,
    )


def _saved_scores(
    pdf: FPDF, screenings: pd.DataFrame, records: Sequence[Screening], start: dt.date, end: dt.date
) -> bool:
    """The latest saved score of each questionnaire in the range, as the diary shows it
    (STarT Back with its risk group, Oswestry with its band); False when there is none."""
    kept = [r for r in records if start <= r.taken_at.date() <= end]
    if kept:
        latest: dict[str, tuple[dt.datetime, float, Mapping[str, Any]]] = {}
        for r in sorted(kept, key=lambda r: r.taken_at):
            latest[r.instrument] = (r.taken_at, r.score, r.details)
    elif not screenings.empty:
        rows_in = screenings.sort_values("date").groupby("instrument", sort=False).tail(1)
        latest = {
            str(instrument): (pd.Timestamp(when).to_pydatetime(), float(score), {})
            for instrument, when, score in zip(
                rows_in["instrument"], rows_in["date"], rows_in["score"], strict=True
            )
        }
    else:
        return False
    _para(pdf, "Scores saved in the diary in this date range (latest of each):", 9)
    rows = [["Questionnaire", "Score", "Date"]]
    for instrument, entry in INSTRUMENTS.items():
        if instrument not in latest:
            continue
        when, score, details = latest[instrument]
        rows.append([entry.name, _saved_score(instrument, score, details), _day(when)])
    _table(pdf, (70, 60, 60), rows)
    return True


def _saved_score(instrument: str, score: float, details: Mapping[str, Any]) -> str:
    """A saved score as the screen shows it, with STarT Back's risk group where it was kept."""
    entry = INSTRUMENTS[instrument]
    shown = f"{entry.shown(score)} of {entry.scale_max:g}{entry.unit}"
    if instrument == "oswestry":
        shown = entry.shown(score)
    risk = as_risk(details.get("risk"))
    if instrument == "start_back" and risk is not None:
        shown += f", {load_start_back().risks[risk].label}"
    if entry.better == "higher":
        shown += " (higher is better)"
    return shown


def _screening_part(
    pdf: FPDF,
    results: Mapping[str, Any],
    screenings: pd.DataFrame,
    records: Sequence[Screening],
    span: tuple[dt.date, dt.date],
) -> None:
    _heading(pdf, "Screening results", 12, keep=KEEP)
    rows = [["Questionnaire", "Result", "How it was worked out", "Source"]]
    for name in _RESULT_ORDER:
        if results.get(name) is not None:
            worked = _worked(name, results[name])
            rows.append([worked.questionnaire, worked.result, worked.how, worked.source])
    if len(rows) > 1:
        _para(pdf, "Latest answers given in BackCare, scored openly:", 9)
        _table(pdf, (32, 34, 86, 38), rows, 7.5)
    elif not _saved_scores(pdf, screenings, records, *span):
        _para(pdf, "No screening results in this date range.", 9)
        pdf.ln(2)


def _chart_part(pdf: FPDF, entries: pd.DataFrame, events: pd.DataFrame) -> None:
    series = analytics.pain_over_time(entries, "All")
    if series.frame.empty:
        _heading(pdf, "Pain over time", 12, keep=KEEP)
        _para(pdf, "No diary entries in this date range.", 9)
        pdf.ln(2)
        return
    # Screening dates are in the tables; the chart keeps events such as "Routine started".
    marks = events[events["label"] != SCREENING_DONE]
    png = chart_png(charts.pain_over_time_chart(series, marks))
    width, height = Image.open(io.BytesIO(png)).size
    # The heading, the chart's summary in words and the chart stay on one page.
    pdf.set_font("Helvetica", "", 8)
    lines = pdf.multi_cell(pdf.epw, 4, latin1(series.summary), dry_run=True, output="LINES")
    words = len(lines) if isinstance(lines, list) else 3
    _heading(pdf, "Pain over time", 12, keep=words * 4 + 1 + pdf.epw * height / width)
    _para(pdf, series.summary, 8)
    pdf.ln(1)
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=pdf.epw)
    pdf.ln(2)


def _change_part(
    pdf: FPDF, entries: pd.DataFrame, events: pd.DataFrame, screenings: pd.DataFrame
) -> None:
    """The same comparisons and rules as the diary page (``backcare.analytics``): pain only
    with 7 days of entries on each side, every score as it is shown on screen."""
    _heading(pdf, "Before and after", 12, keep=KEEP)
    rows = [["Measure", "Before", "After", "Change", "Meaningful?"]]
    rules: list[str] = []
    comparison = analytics.compare_periods(entries, events)
    change = comparison.change
    if change is not None and comparison.before and comparison.after:
        rows.append(
            [
                f"Average pain ({PAIN_RANGE})",
                f"{fmt_score('pain', change.before)} ({comparison.before.label.lower()})",
                f"{fmt_score('pain', change.after)} ({comparison.after.label.lower()})",
                _signed(change),
                _verdict(change.direction),
            ]
        )
        rules.append(f"Average pain: {change.rule} ({change.source}).")
    for trend in analytics.screening_trends(screenings):
        moved = trend.change
        if moved is None:  # STarT Back (no agreed MIC) or a single score
            continue
        first, latest = trend.frame["date"].iloc[0], trend.frame["date"].iloc[-1]
        rows.append(
            [
                trend.name,
                f"{fmt_score(trend.instrument, moved.before)} ({_day(first)})",
                f"{fmt_score(trend.instrument, moved.after)} ({_day(latest)})",
                _signed(moved),
                _verdict(moved.direction),
            ]
        )
        rules.append(f"{trend.name}: {moved.rule} ({moved.source}).")
    if change is None:
        _para(pdf, comparison.summary, 9)
        pdf.ln(1)
    if len(rows) == 1:
        pdf.ln(1)
        return
    higher = [
        trend.name
        for trend in analytics.screening_trends(screenings)
        if trend.change is not None and INSTRUMENTS[trend.instrument].better == "higher"
    ]
    if higher:
        _para(pdf, f"Lower is better for every measure here except {', '.join(higher)}, where "
              "higher is better (it rates what you can do).", 9)  # fmt: skip
    else:
        _para(pdf, "Lower is better for every measure here.", 9)
    _table(pdf, (46, 44, 44, 22, 30), rows)
    _para(pdf, "When a change counts as meaningful:", 8, "B")
    for rule in rules:
        _para(pdf, f"- {rule}", 8)
    _para(pdf, analytics.NATURAL_COURSE_NOTE, 8)
    pdf.ln(2)


def _signed(change: Change) -> str:
    """The change in points as the screen shows it: '-2.7 points', '+10 points'."""
    sign = "-" if change.difference < 0 else "+" if change.difference > 0 else ""
    return f"{sign}{fmt_points(change.measure, change.difference)}"


def _verdict(direction: str) -> str:
    return {
        "better": "Yes, better",
        "worse": "Yes, worse",
        "no_meaningful_change": "No",
    }[direction]


def _routine_part(pdf: FPDF, routine: Any, triaged: Any) -> None:
    _heading(pdf, "Current exercise routine", 12, keep=KEEP)
    if getattr(triaged, "hold_exercise", False) and (routine is None or routine.refused):
        _para(pdf, f"No routine: {load_red_flags().hold_exercise_text}", 9)
        return
    if routine is None or not isinstance(routine, Routine):
        _para(pdf, "No routine has been built.", 9)
        return
    if routine.refused is not None or not routine.items:
        _para(pdf, f"No routine: {routine.refused or 'no exercises were chosen.'}", 9)
        return
    days = f", {routine.profile.days_per_week} days a week" if routine.profile else ""
    _para(
        pdf,
        f"{len(routine.items)} exercises, about {routine.total_minutes:g} minutes a session{days}.",
        9,
    )
    rows = [["Part", "Exercise", "Dose", "Minutes"]]
    for phase, items in routine.by_phase():
        for item in items:
            rows.append(
                [PHASE_LABELS[phase], item.exercise.name, short_dose(item), f"{item.minutes:g}"]
            )
    _table(pdf, (30, 96, 44, 20), rows, 7.5)


def summary_pdf(
    entries: pd.DataFrame,
    events: pd.DataFrame,
    screenings: pd.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    results: Mapping[str, Any] | None = None,
    routine: Routine | None = None,
    include: Iterable[str] = tuple(SUMMARY_PARTS),
    made_on: dt.date | None = None,
    records: Sequence[Screening] = (),
    label: str = "",
    demo: bool = False,
    adherence: Adherence | None = None,
) -> bytes:
    """A clinician summary of ``start``..``end`` (both days included), as PDF bytes.

    ``entries``, ``events`` and ``screenings`` are the diary frames
    (``backcare.diary.entries_frame``, ``events_frame``, ``screenings_frame``);
    ``results`` the latest screening results by name ("triage" and the registry's ids);
    ``routine`` the current routine; ``include`` the parts to print, from
    ``SUMMARY_PARTS``; ``records`` the diary's kept screening records (their details give
    STarT Back's risk group); ``label`` the person's optional name or initials (printed,
    never stored); ``demo`` marks every page "Demo data - made-up patient"; ``adherence``
    the logged exercise sessions against planned (a line under the routine when given).

    Every value is passed in: a download made later (in Streamlit's download thread) must
    not read the session (``backcare/ui/diary_widgets.py`` captures them in the run).
    """
    for value, name in ((start, "start"), (end, "end")):
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError(f"The {name} of the date range must be a date.")
    if start > end:
        raise ValueError("The date range starts after it ends: choose a start before the end.")
    parts = list(dict.fromkeys(include))
    unknown = [p for p in parts if p not in SUMMARY_PARTS]
    if unknown:
        raise ValueError(
            f"Unknown summary part {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(SUMMARY_PARTS)}."
        )
    if not parts:
        raise ValueError("Choose at least one part to include in the summary.")
    analytics.check_columns(entries, analytics.ENTRY_COLUMNS, "entries")
    analytics.check_columns(events, analytics.EVENT_COLUMNS, "events")
    analytics.check_columns(screenings, analytics.SCREENING_COLUMNS, "screenings")
    entries = _in_range(entries, "timestamp", start, end)
    events = _in_range(events, "date", start, end)
    screenings = _in_range(screenings, "date", start, end)
    made_on, created = _created(made_on)

    label = clean_label(label)
    pdf = _Document(
        "BackCare summary, made by the person from their own answers and diary",
        banner=DEMO_MARK if demo else "",
    )
    pdf.set_title("BackCare summary for a clinician" + (f" - {DEMO_MARK}" if demo else ""))
    pdf.set_author("BackCare")
    pdf.set_creation_date(created)
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    _heading(pdf, "BackCare summary for your clinician", 16)
    if label:
        _para(pdf, f"For: {label}", 11, "B")
    day_count = entries["timestamp"].dt.normalize().nunique()
    _para(
        pdf,
        f"Dates: {_day(start)} to {_day(end)} ({len(entries)} diary entries on {day_count} "
        f"days). Made on {_day(made_on)}.",
        10,
        "B",
    )
    _para(pdf, f"Not a diagnosis. {load_notices().not_a_diagnosis}", 8, "I")
    pdf.ln(3)
    triaged = (results or {}).get("triage")
    if isinstance(triaged, TriageResult):
        _triage_box(pdf, triaged)
    for part in SUMMARY_PARTS:
        if part not in parts:
            continue
        if part == "screening":
            _screening_part(pdf, results or {}, screenings, records, (start, end))
        elif part == "chart":
            _chart_part(pdf, entries, events)
        elif part == "change":
            _change_part(pdf, entries, events, screenings)
        else:
            _routine_part(pdf, routine, (results or {}).get("triage"))
            if adherence is not None and adherence.done:
                _para(pdf, f"Exercise sessions: {adherence.summary}", 9)
    return bytes(pdf.output())
