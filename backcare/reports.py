"""Things to take away: the routine handout (PDF) and the calendar file (.ics).

- ``routine_pdf(routine)``: an fpdf2 handout with illustrations, steps, doses, the
  progression table, the pain rule, when to get help, a red-flag box and the not-a-diagnosis
  notice. It uses a core PDF font, so all text is made Latin-1 safe first.
- ``routine_ics(routine, start=..., days_per_week=n)``: one all-day event per session day for
  the plan's weeks. Events carry exercise names and doses only, never health conditions.

A clinician summary will join this module later; shared helpers sit at the top.
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from icalendar import Calendar, Event

from backcare.exercises import PHASE_LABELS
from backcare.notices import load_notices
from backcare.routine import (
    ProgressionPlan,
    Routine,
    RoutineItem,
    dose_in_week,
    progression_plan,
)

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
class _Handout(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.cell(
            0,
            6,
            latin1(f"BackCare exercise handout - not a diagnosis - page {self.page_no()}"),
            align="C",
        )
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str, size: int = 14) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, size * 0.55, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _para(pdf: FPDF, text: str, size: int = 10, style: str = "") -> None:
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


def _exercise(pdf: FPDF, number: int, item: RoutineItem) -> None:
    ex = item.exercise
    if pdf.get_y() > pdf.h - 85:
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(str(ex.illustration), x=pdf.l_margin, y=top, w=55, h=33)
    left = pdf.l_margin + 59
    width = pdf.epw - 59
    pdf.set_xy(left, top)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(width, 5.5, latin1(f"{number}. {ex.name}"), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        width,
        5,
        latin1(f"Dose: {item.describe()} (about {item.minutes:g} min). Position: {ex.position}."),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    for n, step in enumerate(ex.steps, start=1):
        pdf.multi_cell(width, 4.5, latin1(f"{n}) {step}"), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    pdf.multi_cell(
        width, 4.5, latin1("Stop if: " + "; ".join(ex.stop_if) + "."), new_x="LEFT", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "I", 8)
    for caution in ex.cautions:
        pdf.multi_cell(width, 4, latin1(f"Caution: {caution}"), new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(width, 4, latin1(f"Source: {ex.source}"), new_x="LEFT", new_y="NEXT")
    pdf.set_x(pdf.l_margin)
    pdf.set_y(max(pdf.get_y(), top + 35) + 3)


def routine_pdf(routine: Routine) -> bytes:
    """The printable handout for a routine, as PDF bytes."""
    routine = _usable(routine)
    notices = load_notices()
    plan = progression_plan(routine)

    pdf = _Handout(orientation="P", unit="mm", format="A4")
    pdf.set_title("BackCare exercise routine")
    pdf.set_author("BackCare")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    _heading(pdf, "Your back exercise routine", 18)
    _para(
        pdf,
        f"{len(routine.items)} exercises, about {routine.total_minutes:g} minutes. "
        "Do them slowly, in this order: warm-up, main set, cool-down.",
    )
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
    for phase, items in routine.by_phase():
        if pdf.get_y() > pdf.h - 95:
            pdf.add_page()
        _heading(pdf, PHASE_LABELS[phase], 14)
        for item in items:
            number += 1
            _exercise(pdf, number, item)

    _progression(pdf, routine, plan)
    return bytes(pdf.output())


def _progression(pdf: FPDF, routine: Routine, plan: ProgressionPlan) -> None:
    pdf.add_page(orientation="L")
    _heading(pdf, f"Your {len(plan.weeks)}-week plan", 14)
    _para(pdf, plan.how_it_grows, 9)
    pdf.ln(2)
    paced = plan.paced
    weeks = [w.week for w in plan.weeks]
    pdf.set_font("Helvetica", "", 7.5)
    name_w = 62
    week_w = (pdf.epw - name_w) / len(weeks)
    with pdf.table(
        col_widths=(name_w, *([week_w] * len(weeks))),
        text_align="LEFT",
        line_height=4,
        first_row_as_headings=True,
    ) as table:
        table.row([latin1("Exercise"), *[f"Week {w}" for w in weeks]])
        for item in routine.items:
            table.row(
                [
                    latin1(item.exercise.name),
                    *[latin1(short_dose(dose_in_week(item, w, paced=paced))) for w in weeks],
                ]
            )
    pdf.ln(3)
    _para(
        pdf,
        "How to read it: 2x5 = 2 sets of 5 repetitions; /side = each side; (3 s) = hold "
        "each one for 3 seconds; 2x20 s = hold 20 seconds, twice; min = minutes.",
        8,
        "I",
    )
    pdf.ln(2)
    for week in plan.weeks:
        _para(pdf, f"Week {week.week}: {week.focus}", 9)
    pdf.ln(2)
    _para(pdf, plan.keep_going, 9, "B")
    pdf.ln(2)
    _heading(pdf, "When to see a physiotherapist, trainer or GP", 12)
    for line in plan.see_someone:
        _para(pdf, f"- {line}", 9)
    pdf.ln(2)
    _para(
        pdf,
        f"Sources: {plan.source}. Pain rule: {plan.pain_rule_source}. "
        f"When to get help: {plan.see_someone_source}.",
        7,
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


def routine_ics(routine: Routine, *, start: dt.date, days_per_week: int) -> bytes:
    """A calendar with one all-day session event on each chosen day of the plan."""
    routine = _usable(routine)
    plan = progression_plan(routine)
    paced = plan.paced
    cal = Calendar()
    cal.add("prodid", "-//BackCare//Exercise routine//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "BackCare exercises")
    stamp = dt.datetime.combine(start, dt.time(0, 0), tzinfo=dt.UTC)
    for n, day in enumerate(session_dates(start, days_per_week, len(plan.weeks))):
        week = (day - start).days // 7 + 1
        lines = [f"Week {week}: {plan.weeks[week - 1].focus}", ""]
        for item in routine.items:
            grown = dose_in_week(item, week, paced=paced)
            lines.append(f"- {item.exercise.name}: {grown.describe()}")
        lines += [
            "",
            "Pain rule: up to 5/10 that settles within 24 hours is OK; more, or worse "
            "the next day, go back a step. See your handout.",
        ]
        event = Event()
        event.add("uid", f"backcare-routine-{day.isoformat()}-{n}@backcare.local")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", f"Back exercises, about {routine.total_minutes:g} min")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
