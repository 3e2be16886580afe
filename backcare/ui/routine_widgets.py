"""Streamlit pieces of the routine builder page: the profile form and the routine view.

Everything clinical shown here comes from backcare (data files with sources); this module
only lays it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from backcare.diary.model import PAIN_MAX, PAIN_MIN
from backcare.exercises import (
    CONDITIONS,
    EQUIPMENT_LABELS,
    LEVEL_LABELS,
    LEVELS,
    PHASE_LABELS,
    Exercise,
)
from backcare.notices import load_notices
from backcare.records import Standing
from backcare.reports import routine_ics, routine_pdf
from backcare.routine import (
    MAX_MINUTES,
    MIN_MINUTES,
    SHARE_PARAM,
    Profile,
    Routine,
    condition_labels,
    load_rules,
    progression_plan,
)
from backcare.screening.start_back import Risk
from backcare.screening.triage import Level
from backcare.ui.frame import PAGES
from backcare.ui.kept import confirm_signs_checked

FORM_KEY = "routine_form"
REMINDER_TIME = dt.time(18, 0)  # the calendar's time of day until the person picks one
KIT = tuple(EQUIPMENT_LABELS)  # everything but "none", which is always there


def _confirm_signs_checked() -> None:
    confirm_signs_checked()  # a refused save is held in the tab, and the page says so


def check_first(standing: Standing) -> None:
    """Ask for the warning-sign check before any routine: a link to the Screening page's
    check, or "I have checked: none of these apply to me" beside the emergency signs (kept,
    dated; it counts for a week, as a check does). Says why when an earlier one no longer
    counts: a doctor has seen the person about it, or it is more than a week old."""
    text = load_rules().check_first
    st.header(text["heading"])
    if standing.seen is not None and standing.check is not None:
        st.info(
            text["after_doctor"].format(date=f"{standing.check.date:%a %d %b %Y}"),
            icon=":material/medical_services:",
        )
    elif standing.lapsed_on is not None:
        st.info(
            text["lapsed"].format(date=f"{standing.lapsed_on:%a %d %b %Y}"),
            icon=":material/event_repeat:",
        )
    st.write(text["intro"])
    signs, act = st.columns([3, 2], gap="medium")
    signs.error(load_notices().emergency, icon=":material/emergency:")
    act.button(
        text["confirm"],
        on_click=_confirm_signs_checked,
        type="primary",
        icon=":material/check:",
        width="stretch",
    )
    act.page_link(PAGES["screening"], label=text["screening_link"], icon=":material/fact_check:")
    act.caption(text["more"])


def show_refusal(routine: Routine) -> None:
    """Why there is no routine: triage (an error with the way to the advice), else a warning."""
    if routine.refused_for == "triage":
        st.error(routine.refused, icon=":material/emergency:")
        st.page_link(
            PAGES["screening"], label="Go to your screening advice", icon=":material/emergency:"
        )
    else:
        st.warning(routine.refused, icon=":material/front_hand:")


def profile_form(
    saved: Profile | None,
    triage_level: Level | None,
    start_back_risk: Risk | None,
    age: int | None = None,
) -> Profile | None:
    """The profile form. Returns a Profile on a valid submit, else None (errors shown).

    ``age`` pre-fills the age question (from the screening's answers) when there is no
    saved profile; the age is always asked, as there is no routine under 16.
    """
    d = saved or Profile()
    rules = load_rules()
    labels = condition_labels(rules)
    with st.form(FORM_KEY):
        years = st.number_input(
            rules.age_question,
            min_value=0,
            max_value=120,
            value=d.age if saved and d.age is not None else age,
            step=1,
            placeholder="For example 45",
        )
        experience = st.radio(
            "How active are you?",
            LEVELS,
            index=LEVELS.index(d.experience),
            format_func=LEVEL_LABELS.__getitem__,
        )
        minutes = st.slider("Minutes per session", MIN_MINUTES, MAX_MINUTES, d.minutes, step=5)
        days = st.slider("Sessions per week", 1, 7, d.days_per_week)
        setting = st.radio(
            "Where will you exercise?",
            ("home", "gym"),
            index=("home", "gym").index(d.setting),
            format_func={"home": "At home", "gym": "At a gym"}.__getitem__,
            horizontal=True,
        )
        equipment = st.multiselect(
            "Equipment you have (the floor is always fine)",
            KIT,
            default=[k for k in KIT if k in d.equipment],
            format_func=EQUIPMENT_LABELS.__getitem__,
        )
        pain = st.slider(
            f"Your back pain right now ({PAIN_MIN} = none, {PAIN_MAX} = worst)",
            PAIN_MIN,
            PAIN_MAX,
            d.pain_now,
        )
        conditions = st.multiselect(
            "Anything that applies to you",
            CONDITIONS,
            default=sorted(d.conditions),
            format_func=labels.__getitem__,
            help=rules.surgery_help,
        )
        yoga = st.checkbox("Include gentle yoga poses", value=d.include_yoga)
        neck = st.checkbox(rules.neck_label, value=d.include_neck)
        submitted = st.form_submit_button("Build my routine", type="primary")
    if not submitted:
        return None
    if years is None:
        st.error(rules.age_missing, icon=":material/error:")
        return None
    try:
        return Profile(
            experience=experience,
            minutes=int(minutes),
            days_per_week=int(days),
            setting=setting,
            equipment=frozenset(equipment),
            pain_now=int(pain),
            conditions=frozenset(conditions),
            include_yoga=bool(yoga),
            include_neck=bool(neck),
            triage_level=triage_level,
            start_back_risk=start_back_risk,
            age=int(years),
        )
    except ValueError as err:
        st.error(f"Please check your answers: {err}", icon=":material/error:")
        return None


def where_in_plan(week: int, start: dt.date) -> None:
    """Where the person is in the plan: "You are in week 3 of 8", from the day it started."""
    st.success(
        f"**You are in week {week} of {load_rules().weeks}** of your plan, which started on "
        f"{start:%a %d %b %Y}. The doses below are this week's.",
        icon=":material/event_available:",
    )


def drawing_alt(ex: Exercise) -> str:
    """An exercise drawing's alt text: what it shows and how to read the movement."""
    return (
        f"Line drawing: {ex.name}, {ex.position}. Where it moves, the start position is "
        "faint, the end position solid, with an arrow."
    )


def show_routine(
    routine: Routine, on_swap: Callable[[int], None] | None, *, week: int | None = None
) -> None:
    """Each phase with its exercises: drawing, dose, steps, stop-if cues, swap button.
    ``week``: the plan week whose doses these are (after week 1, the heading says so)."""
    when = " this week" if week is not None and week > 1 else ""
    st.header(f"Your routine{when}: about {routine.total_minutes:g} minutes")
    pain_rule = load_rules().pain_rule
    very_severe = load_rules().very_severe_note
    for note in routine.notes:
        if note == very_severe:  # pain 9-10: see a GP if it is this bad or getting worse
            st.warning(note, icon=":material/medical_services:")
        elif note != pain_rule:  # the pain rule is shown with the plan, with its source
            st.info(note, icon=":material/info:")
    number = 0
    index = {id(item): n for n, item in enumerate(routine.items)}
    for phase, items in routine.by_phase():
        st.markdown(f"### {PHASE_LABELS[phase]}")
        for item in items:
            number += 1
            ex = item.exercise
            with st.container(border=True):
                left, right = st.columns([2, 3])
                left.image(
                    str(ex.illustration),
                    alt=drawing_alt(ex),
                    caption=ex.position.capitalize(),
                    width="stretch",
                )
                right.markdown(f"**{number}. {ex.name}**")
                right.markdown(f"Dose: {item.describe()} (about {item.minutes:g} min)")
                right.markdown("\n".join(f"{n}. {s}" for n, s in enumerate(ex.steps, 1)))
                right.markdown("**Stop if:** " + "; ".join(ex.stop_if) + ".")
                for caution in routine.cautions(item):
                    right.caption(f"Caution: {caution}")
                right.caption(f"Source: {ex.source}")
                n = index[id(item)]
                right.button(
                    "Swap for another exercise",
                    key=f"swap_{n}",
                    on_click=on_swap,
                    args=(n,),
                    disabled=on_swap is None,
                    help=None if on_swap else "Build your own routine above to swap exercises.",
                    icon=":material/swap_horiz:",
                )


PLAN_WEEK_KEY = "bc_routine_plan_week"


def show_plan(routine: Routine, week: int | None = None) -> None:
    """The weekly plan, one week at a time (a week picker, so it reads on a phone without
    a wide table), each week with its minutes; then the pain rule and when to get help.
    ``week``, the week the person is in, is shown first and marked "(now)" in words, not
    colour alone."""
    plan = progression_plan(routine)
    st.header(f"Your {len(plan.weeks)}-week plan")
    st.write(plan.how_it_grows)
    st.write(plan.schedule)
    numbers = [w.week for w in plan.weeks]
    if st.session_state.get(PLAN_WEEK_KEY) not in numbers:
        st.session_state[PLAN_WEEK_KEY] = min(max(week or 1, numbers[0]), numbers[-1])
    chosen = st.segmented_control(
        "Week of the plan",
        numbers,
        key=PLAN_WEEK_KEY,
        format_func=lambda n: f"{n} (now)" if n == week else str(n),
        help="Each week of the plan, with its doses and how long the session takes.",
    )
    shown = plan.weeks[(chosen or numbers[0]) - 1]
    with st.container(border=True, key="routine_plan_week"):
        st.subheader(f"Week {shown.week}: about {shown.minutes:g} minutes")
        st.caption(shown.focus)
        st.table(
            pd.DataFrame(
                {
                    "Exercise": [i.exercise.name for i in shown.items],
                    "This week": [i.describe() for i in shown.items],
                }
            ),
            hide_index=True,
            alt=f"Week {shown.week} of the plan: each exercise and its dose.",
        )
        if shown.left_out:
            st.caption(
                "Left out this week, so the session stays about as long as you chose: "
                + ", ".join(shown.left_out)
                + "."
            )
    st.caption(
        "Minutes, week by week: "
        + ", ".join(f"week {w.week} about {w.minutes:g}" for w in plan.weeks)
        + "."
    )
    with st.expander("What to focus on each week"):
        st.markdown(
            "\n".join(
                f"- Week {w.week}{' (now)' if w.week == week else ''}: {w.focus}"
                for w in plan.weeks
            )
        )
    st.info(f"**How much pain is OK.** {plan.pain_rule}", icon=":material/monitor_heart:")
    st.caption(f"Source: {plan.pain_rule_source}")
    st.success(plan.keep_going, icon=":material/event_repeat:")
    st.markdown("**When to see a physiotherapist, trainer or GP**")
    st.markdown("\n".join(f"- {line}" for line in plan.see_someone))
    st.caption(f"Sources: {plan.source}; {load_rules().schedule_source}; {plan.see_someone_source}")


def show_downloads(
    routine: Routine, days_per_week: int, start: dt.date | None = None, *, from_week: int = 1
) -> None:
    """The handout and the calendar, made only when the button is pressed.

    ``from_week``: the plan week whose doses the person does now (``plan_step``, after
    logged sessions held or stepped the plan back): the handout starts there and the
    calendar's first week, from ``start``, is that week. Every value is captured here, in
    the script run: the callables run later in a thread without the session.

    ``on_click="ignore"``: a download needs no rerun. With a rerun, the end of that run
    sweeps Streamlit's unreferenced files, and a file made for the next download could be
    deleted before the browser fetched it (most likely how a calendar download was lost
    once in CI, right after the handout).
    """
    st.header("Take it with you")
    left, right = st.columns(2)
    first = int(from_week)
    left.download_button(
        "Download the handout (PDF)",
        data=lambda: routine_pdf(routine, from_week=first),
        file_name="backcare-routine.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )
    # The plan's own first day (or this week's, for an adapted plan), so the calendar's
    # weeks are the plan's weeks.
    start = right.date_input(
        "First session day", value=start or dt.date.today(), format="DD/MM/YYYY"
    )
    at = right.time_input("Remind me at", value=REMINDER_TIME, step=900, key="ics_time")
    days = right.number_input("Sessions per week", 1, 7, days_per_week, key="ics_days")
    right.download_button(
        "Add calendar reminders (.ics)",
        data=lambda: routine_ics(
            routine, start=start, days_per_week=int(days), at=at, from_week=first
        ),
        file_name="backcare-routine.ics",
        mime="text/calendar",
        icon=":material/calendar_month:",
        on_click="ignore",
    )
    right.caption(
        "Each session goes in your calendar at this time, as long as that week's session, "
        "with a reminder when it starts."
        + (f" It starts at week {first} of your plan, the doses you do now." if first > 1 else "")
    )


def show_share_link(code: str) -> None:
    base = (st.context.url or "").split("?")[0]
    st.header("Open this routine again")
    st.write(
        "This link holds only the exercise names and doses, nothing about you. Bookmark it, "
        "or send it to yourself."
    )
    # Wrapped: a scrolling box would need its own keyboard focus (axe scrollable-region).
    st.code(f"{base}?{SHARE_PARAM}={code}", language=None, wrap_lines=True)
