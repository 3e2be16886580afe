"""Routine builder: log today's session in seconds, answer "back to usual?" the next day,
and see what the plan does this week and why (``backcare.routine.next_step``).

Every log is a kept record (``backcare.records.SessionRecord``, written by
``backcare.ui.kept.save_session``), so it counts in every storage mode and goes with the
diary's export and import.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import streamlit as st

from backcare.diary.model import PAIN_MAX, PAIN_MIN, PAIN_VALUES
from backcare.records import IN_PART, PLANNED, SessionRecord, Sessions
from backcare.routine import Decision, Routine, load_next_step_rules, load_rules
from backcare.ui import PAGES
from backcare.ui.kept import save_session, today, unsaved_note
from backcare.ui.state import SESSION_HELD_KEY as HELD_KEY
from backcare.ui.state import SESSION_LEG_KEY as LEG_KEY
from backcare.ui.state import SESSION_PAIN_KEY as PAIN_KEY
from backcare.ui.state import SESSION_PROBLEM_KEY as PROBLEM_KEY
from backcare.ui.state import SESSION_SKIPPED_KEY as SKIPPED_KEY
from backcare.ui.state import SESSION_WRONG_KEY as WRONG_KEY

ASK_SETTLED_DAYS = 3  # "back to usual?" is asked for a session up to this many days ago


def show_decision(decision: Decision, step: int, week: int, start: date) -> None:
    """Where the person is in the plan and what it does this week, in words: the
    decision's sentence and whose doses are shown; leg symptoms: the exercise left out and
    the note to see a GP or physio. Shown instead of ``where_in_plan`` once sessions are
    logged (the doses may then be another week's than the calendar's)."""
    weeks = load_rules().weeks
    doses = "this week's" if step == week else f"week {step}'s"
    where = (
        f"You are in week {week} of {weeks} of your plan, which started on "
        f"{start:%a %d %b %Y}. The doses below are {doses}."
    )
    icon = {
        "progress": ":material/trending_up:",
        "hold": ":material/pause:",
        "step_back": ":material/undo:",
    }[decision.action]
    show = st.success if decision.action == "progress" else st.warning
    show(f"**{decision.headline}** {where}", icon=icon)
    if decision.leg_note:
        st.warning(decision.leg_note, icon=":material/medical_services:")
    with st.expander("How this is decided"):
        st.write(
            "By the pain rule in your plan below, from the sessions you log here. "
            f"Sources: {load_next_step_rules().source}"
        )


def _describe(session: SessionRecord, routine: Routine) -> str:
    names = {item.exercise.id: item.exercise.name for item in routine.items}
    parts = ["done as planned" if session.done == PLANNED else "done in part"]
    if session.skipped:
        parts.append("skipped: " + ", ".join(names.get(i, i) for i in sorted(session.skipped)))
    if session.felt_wrong:
        parts.append(
            "felt wrong: " + ", ".join(names.get(i, i) for i in sorted(session.felt_wrong))
        )
    if session.pain_during is not None:
        parts.append(f"pain during {session.pain_during}/10")
    if session.leg_symptoms_spread:
        parts.append("leg symptoms spread")
    return "; ".join(parts)


def _save(session: SessionRecord) -> None:
    held = save_session(session)
    if held:  # kept in this tab for this visit only
        st.session_state[HELD_KEY] = held


def _settled_question(sessions: Sessions, day: date) -> None:
    """The next day: "is your pain back to usual?" for the last session not answered."""
    waiting = [
        s
        for s in sessions.all
        if s.settled_next_day is None and day - timedelta(days=ASK_SETTLED_DAYS) <= s.date < day
    ]
    if not waiting:
        return
    session = waiting[-1]
    with st.container(border=True):
        st.markdown(f"**Your session on {session.date:%A %d %b}: is your pain back to usual?**")
        yes, no = st.columns(2)
        yes.button(
            "Yes, back to usual",
            on_click=_save,
            args=(replace(session, settled_next_day=True),),
            key="bc_settled_yes",
            icon=":material/check:",
            width="stretch",
        )
        no.button(
            "No, still worse",
            on_click=_save,
            args=(replace(session, settled_next_day=False),),
            key="bc_settled_no",
            icon=":material/trending_down:",
            width="stretch",
        )


def _session_from_widgets(done: str, week: int, day: date) -> SessionRecord:
    skipped = frozenset(st.session_state.get(SKIPPED_KEY) or ()) if done == IN_PART else frozenset()
    wrong = frozenset(st.session_state.get(WRONG_KEY) or ()) if done == IN_PART else frozenset()
    return SessionRecord(
        date=day,
        week=week,
        done=done,
        skipped=skipped,
        felt_wrong=wrong,
        pain_during=st.session_state.get(PAIN_KEY),
        leg_symptoms_spread=bool(st.session_state.get(LEG_KEY)),
    )


def _log(done: str, week: int) -> None:
    try:
        session = _session_from_widgets(done, week, today())
    except ValueError as exc:
        st.session_state[PROBLEM_KEY] = str(exc)
        return
    _save(session)


def log_session(routine: Routine, week: int, sessions: Sessions) -> None:
    """Log today's session: one tap for "Done as planned"; pain during it (optional), leg
    symptoms, and for a session done in part which exercises were skipped or felt wrong."""
    day = today()
    st.header("Log today's session")
    _settled_question(sessions, day)
    logged = sessions.on(day)
    if logged is not None:
        st.success(
            f"Logged for today: {_describe(logged, routine)}. Tomorrow we ask whether your "
            "pain is back to usual. Logging again replaces today's.",
            icon=":material/check:",
        )
    st.segmented_control(
        f"Pain during the session, from {PAIN_MIN} (none) to {PAIN_MAX} (worst imaginable)",
        list(PAIN_VALUES),
        key=PAIN_KEY,
        help="The highest it got. Optional: the plan uses it with the pain rule below.",
    )
    st.checkbox("Pain, tingling or numbness spread down a leg", key=LEG_KEY)
    st.button(
        "Done as planned",
        type="primary",
        on_click=_log,
        args=(PLANNED, week),
        icon=":material/check_circle:",
        width="stretch",
    )
    names = {item.exercise.id: item.exercise.name for item in routine.items}
    with st.expander("Done in part, or something felt wrong"):
        options = list(names)
        st.multiselect(
            "Exercises I skipped", options, format_func=lambda i: names.get(i, i), key=SKIPPED_KEY
        )
        st.multiselect(
            "Exercises that felt wrong (name the one where leg symptoms spread)",
            options,
            format_func=lambda i: names.get(i, i),
            key=WRONG_KEY,
        )
        st.button(
            "Save: done in part",
            on_click=_log,
            args=(IN_PART, week),
            icon=":material/rule:",
            width="stretch",
        )
    problem = st.session_state.pop(PROBLEM_KEY, None)
    if problem:
        st.error(f"The session was not logged: {problem}", icon=":material/error:")
    unsaved_note(st.session_state.pop(HELD_KEY, None))
    st.page_link(
        PAGES["diary"], label="See your sessions in the pain diary", icon=":material/edit_note:"
    )
