"""Routine builder: answer a few questions, get a routine, take it with you.

The routine is kept: the page opens on it at the week of its plan the person is in. While
an emergency or urgent check stands, there is no routine, not even from a share link.
"""

from datetime import timedelta

import streamlit as st

from backcare.records import plan_week
from backcare.routine import (
    SHARE_PARAM,
    Profile,
    Routine,
    build_routine,
    decode_share,
    encode_share,
    leave_out,
    load_rules,
    plan_step,
    refusal,
    swap,
    this_week,
)
from backcare.ui import frame
from backcare.ui.browser import flush_later
from backcare.ui.kept import (
    forget_routine,
    kept,
    save_routine,
    today,
    unsaved_note,
    unsaved_warning,
)
from backcare.ui.routine_widgets import (
    check_first,
    profile_form,
    show_downloads,
    show_plan,
    show_refusal,
    show_routine,
    show_share_link,
    where_in_plan,
)
from backcare.ui.session_widgets import log_session, show_decision

SWAP_ERROR_KEY = "bc_routine_swap_error"


def _shared(link: str) -> Routine | None:
    """The routine a share link holds; a damaged link is explained, never echoed."""
    try:
        return decode_share(link)
    except ValueError as err:
        st.error(str(err), icon=":material/link_off:")
        return None


def _own_routine() -> None:
    st.query_params.pop(SHARE_PARAM, None)


# Emoji tab icon: Streamlit fetches a :material: tab icon from fonts.gstatic.com.
frame("Routine builder", "🤸")
st.title("Routine builder")
st.write(
    "Answer a few questions and get a routine of gentle back exercises you can do today, "
    "with a plan for the weeks ahead, a handout to print and calendar reminders."
)
unsaved_warning()

saved = kept()
standing = saved.standing
risk = saved.start_back_risk

# A standing emergency or urgent check, or an age under 16 from it: no routine, no form.
try:
    stopped = refusal(Profile(triage_level=saved.hold_level, age=standing.age))
except ValueError:  # an age the builder does not take: the form asks again
    stopped = refusal(Profile(triage_level=saved.hold_level))
if stopped is not None:
    show_refusal(stopped)
    st.stop()

link = st.query_params.get(SHARE_PARAM)
if not standing.signs_checked(today()):
    if link:
        _shared(link)
    check_first(standing)
    st.stop()
if standing.confirmed is not None:
    st.caption(load_rules().check_first["confirmed"])
if risk is not None:
    st.caption(f"From your screening: STarT Back risk {risk}. The routine takes this into account.")

# The kept routine, under today's rules.
mine = saved.routine
current: Routine | None = None
if saved.routine_problem:
    st.warning(f"{saved.routine_problem} Build a new routine below.", icon=":material/error:")
elif mine is not None:
    try:
        current = mine.routine()
    except ValueError as err:
        st.warning(f"{err} Build a new routine below.", icon=":material/error:")
if current is not None and current.refused is not None:
    show_refusal(current)  # today's rules refuse the answers it was built for
    current = None

form_place = (
    st.expander("Change your answers and build a new routine", icon=":material/edit:")
    if current is not None
    else st.container()
)
with form_place:
    profile = profile_form(
        None if mine is None else mine.profile, standing.level, risk, standing.age
    )
start = None if mine is None else mine.start
if profile is not None:
    built = build_routine(profile)
    if built.refused is not None:
        unsaved_note(forget_routine())
        flush_later()  # in the browser, send it now (written after the store's component)
        st.query_params.pop(SHARE_PARAM, None)
        show_refusal(built)
        st.stop()
    unsaved_note(save_routine(built))  # a new routine: its plan starts today
    flush_later()  # in the browser, send it now (written after the store's component)
    current, start = built, today()
    st.query_params[SHARE_PARAM] = encode_share(built)


def _swap(index: int) -> None:
    """Swap one exercise of the routine shown when the button was pressed; the plan
    keeps its start day."""
    try:
        swapped = swap(current, index)  # type: ignore[arg-type]
    except ValueError as err:
        st.session_state[SWAP_ERROR_KEY] = str(err)
        return
    unsaved_note(save_routine(swapped, start))
    st.query_params[SHARE_PARAM] = encode_share(swapped)


link = st.query_params.get(SHARE_PARAM)  # read again: building a routine rewrites it
routine, shared = current, False
if link and (current is None or encode_share(current) != link):
    routine = _shared(link)
    shared = routine is not None
    if shared and current is not None:
        st.button("Back to my own routine", on_click=_own_routine, icon=":material/undo:")
elif current is not None and not link:
    st.query_params[SHARE_PARAM] = encode_share(current)

if SWAP_ERROR_KEY in st.session_state:
    st.warning(st.session_state.pop(SWAP_ERROR_KEY), icon=":material/swap_horiz:")

if routine is None:
    st.info("Fill in the form and press **Build my routine**.", icon=":material/arrow_upward:")
    st.stop()

week = None
sessions = None
step = 1
decision = None
if not shared and start is not None:
    week = plan_week(start, today())
    # The plan answers the logged sessions by the pain rule (backcare.routine.next_step).
    sessions = saved.sessions(start, today())
    step, decision = week, None
    if sessions.all:
        usual = routine.profile.pain_now if routine.profile else None
        step, decision = plan_step(sessions.weeks, usual_pain=usual)
    if decision is None:  # nothing logged in a finished week yet: the calendar's week
        where_in_plan(week, start)
    else:
        show_decision(decision, step, week, start)
        routine = leave_out(routine, decision.dropped)
shown = this_week(routine, step)
# Swaps change the kept routine by position: not while an exercise is left out of it.
swappable = not shared and len(routine.items) == len(current.items if current else ())
show_routine(shown, on_swap=_swap if swappable else None, week=None if week is None else step)
if sessions is not None and week is not None:
    log_session(shown, week, sessions)
show_plan(routine, None if week is None else step)
days = routine.profile.days_per_week if routine.profile and not shared else 3
if decision is not None and start is not None:
    # The adapted plan: from the doses the sessions set, in the calendar from the first
    # day of this week (by the calendar: after the plan's last week too).
    this_weeks_first = start + timedelta(weeks=(today() - start).days // 7)
    show_downloads(routine, days, this_weeks_first, from_week=step)
else:
    show_downloads(routine, days, None if shared else start)
show_share_link(encode_share(routine))
