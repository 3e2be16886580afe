"""Routine builder: answer a few questions, get a routine, take it with you."""

import datetime as dt

import streamlit as st

from backcare.diary.model import PAIN_MAX, PAIN_MIN, PAIN_RANGE, PAIN_VALUES
from backcare.routine import (
    SHARE_PARAM,
    Profile,
    build_routine,
    decode_share,
    encode_share,
    load_rules,
    swap,
)
from backcare.ui import PAGES, frame
from backcare.ui.routine_widgets import (
    profile_form,
    show_downloads,
    show_plan,
    show_routine,
    show_share_link,
)
from backcare.ui.state import (
    PROFILE_KEY,
    SESSIONS_DONE_KEY,
    current_routine,
    save_routine,
    screening_result,
)
from backcare.ui.store import record_session_done

SWAP_ERROR_KEY = "bc_routine_swap_error"


def _swap(index: int) -> None:
    try:
        save_routine(swap(current_routine(), index), st.session_state.get(PROFILE_KEY))
        st.query_params[SHARE_PARAM] = encode_share(current_routine())
    except ValueError as err:
        st.session_state[SWAP_ERROR_KEY] = str(err)


# Emoji tab icon: Streamlit fetches a :material: tab icon from fonts.gstatic.com.
frame("Routine builder", "🤸")
st.title("Routine builder")
st.write(
    "Answer a few questions and get a routine of gentle back exercises you can do today, "
    "with a plan for the weeks ahead, a handout to print and calendar reminders."
)

triage = screening_result("triage")
start_back = screening_result("start_back")
triage_level = getattr(triage, "level", None)
risk = getattr(start_back, "risk", None)

if triage_level in load_rules().refusal_levels:
    st.error(build_routine(Profile(triage_level=triage_level)).refused, icon=":material/emergency:")
    st.page_link(
        PAGES["screening"], label="Go to your screening advice", icon=":material/emergency:"
    )
    st.stop()
if risk is not None:
    st.caption(f"From your screening: STarT Back risk {risk}. The routine takes this into account.")

profile = profile_form(st.session_state.get(PROFILE_KEY), triage_level, risk)
if profile is not None:
    routine = build_routine(profile)
    save_routine(routine, profile)
    st.query_params[SHARE_PARAM] = encode_share(routine)

routine = current_routine()
link = st.query_params.get(SHARE_PARAM)
shared = False
if link and (routine is None or encode_share(routine) != link):
    try:
        routine = decode_share(link)
        shared = True
    except ValueError as err:
        st.error(str(err), icon=":material/link_off:")
        routine = None

if SWAP_ERROR_KEY in st.session_state:
    st.warning(st.session_state.pop(SWAP_ERROR_KEY), icon=":material/swap_horiz:")

if routine is None:
    st.info("Fill in the form and press **Build my routine**.", icon=":material/arrow_upward:")
    st.stop()

show_routine(routine, on_swap=None if shared else _swap)
show_plan(routine)
saved = st.session_state.get(PROFILE_KEY)
show_downloads(routine, saved.days_per_week if saved and not shared else 3)
show_share_link(encode_share(routine))

st.header("Done for today?")
with st.form("session_done"):
    pain_after = st.segmented_control(
        f"Your pain now, from {PAIN_MIN} (none) to {PAIN_MAX} (worst imaginable)",
        list(PAIN_VALUES),
        key="session_done_pain",
    )
    done = st.form_submit_button("I did today's session", icon=":material/check_circle:")
if done:
    if pain_after is None:
        st.error(f"Choose your pain now ({PAIN_RANGE}) so the diary can keep it.")
    elif problem := record_session_done(pain_after, routine.total_minutes):
        st.error(f"The session could not be added to your diary: {problem}")
    else:
        st.session_state.setdefault(SESSIONS_DONE_KEY, []).append(dt.date.today())
if dt.date.today() in st.session_state.get(SESSIONS_DONE_KEY, []):
    st.success(
        "Logged in your pain diary: you did today's session. Well done.", icon=":material/check:"
    )
    st.page_link(PAGES["diary"], label="Open the pain diary", icon=":material/edit_note:")
