"""The "Demo patient" switch: swap a made-up patient into this tab and back again.

One truth, the plain session key ``DEMO_KEY`` (the persona id while the demo is on). The
switch is drawn twice (home page and sidebar), each toggle with its own widget key; both
are set from the truth before they are drawn and write it back in their ``on_change``
callback, so they always agree, and a page without one of them loses nothing.

Switching on puts the person's own session values aside (``OWN_KEYS``: screening results,
routine, profile, the diary's undo and list state, the routine share link) and fills in the
demo patient; their diary store is never opened while the demo is on (see
``backcare.ui.store.current_store``). Switching off throws the demo away and puts every
value back exactly as it was. Reset rebuilds the chosen persona from its start.
"""

from __future__ import annotations

from datetime import date
from types import ModuleType
from typing import Any

import streamlit as st

from backcare.routine import SHARE_PARAM  # light: the standard library and TOML only
from backcare.ui.state import (
    CHOSEN_ENTRY_KEY,
    CONFIRM_DELETE_KEY,
    DEMO_KEY,
    DEMO_LAST_KEY,
    DEMO_PICK_PREFIX,
    DEMO_RESET_PREFIX,
    DEMO_STASH_KEY,
    DEMO_STORE_KEY,
    DEMO_TOGGLE_PREFIX,
    FHIR_NAMES_KEY,
    FLASH_KEY,
    PROFILE_KEY,
    RESULT_KEYS,
    ROUTINE_KEY,
    SESSION_FRAMES_KEY,
    SESSIONS_DONE_KEY,
    SUMMARY_DATES_KEY,
    SUMMARY_LABEL_KEY,
    SUMMARY_PARTS_KEY,
    UNDO_KEY,
    demo_persona,
    save_routine,
    save_screening_result,
)


def _demo() -> ModuleType:
    """``backcare.demo``, imported when the demo is first used. It brings in pandas and
    SQLAlchemy (about 0.4 s), which the home page otherwise does not need: every page draws
    the demo switch, so importing it at the top made every cold start that much slower
    (bench/README.md, "Cold start")."""
    from backcare import demo

    return demo


SWITCH_LABEL = "Demo patient"
PICK_LABEL = "Which demo patient"
RESET_LABEL = "Reset demo patient"
# Session values that belong to the person (or to what a page shows of their diary).
OWN_KEYS: tuple[str, ...] = (
    *RESULT_KEYS,
    ROUTINE_KEY,
    PROFILE_KEY,
    UNDO_KEY,
    SESSION_FRAMES_KEY,
    SESSIONS_DONE_KEY,  # sessions logged in this tab (Routine builder)
    FLASH_KEY,  # the diary's last "Saved" message
    CONFIRM_DELETE_KEY,
    CHOSEN_ENTRY_KEY,
    SUMMARY_DATES_KEY,
    SUMMARY_PARTS_KEY,
    SUMMARY_LABEL_KEY,  # the person's name or initials: never shown on a demo patient's files
    FHIR_NAMES_KEY,
)


def _stash() -> None:
    own = {key: st.session_state[key] for key in OWN_KEYS if key in st.session_state}
    st.session_state[DEMO_STASH_KEY] = {
        "session": own,
        "share": st.query_params.get(SHARE_PARAM),
    }


def _clear_own() -> None:
    for key in OWN_KEYS:
        st.session_state.pop(key, None)
    st.query_params.pop(SHARE_PARAM, None)


def load_persona(persona_id: str, today: date | None = None) -> None:
    """Fill this tab with the persona from its start (used to switch on, swap and reset)."""
    from backcare.storage import SessionStore  # with _demo(): loaded when first used

    patient = _demo().demo_patient(persona_id, today or date.today())
    if demo_persona() is None:
        _stash()
    _clear_own()
    store = SessionStore()
    _demo().fill_store(store, patient)
    for name, result in patient.results().items():
        save_screening_result(name, result)
    if patient.routine is not None:
        save_routine(patient.routine, patient.profile)
    else:
        st.session_state[PROFILE_KEY] = patient.profile
    st.session_state[DEMO_STORE_KEY] = store
    st.session_state[DEMO_KEY] = persona_id


def stop_demo() -> None:
    """Throw the demo away and put the person's own values back as they were."""
    if demo_persona() is None:
        return
    stash: dict[str, Any] = st.session_state.pop(DEMO_STASH_KEY, {})
    _clear_own()
    for key, value in stash.get("session", {}).items():
        st.session_state[key] = value
    if stash.get("share"):
        st.query_params[SHARE_PARAM] = stash["share"]
    st.session_state.pop(DEMO_STORE_KEY, None)
    st.session_state.pop(DEMO_KEY, None)


def reset_demo() -> None:
    persona_id = demo_persona()
    if persona_id is not None:
        load_persona(persona_id)


def _toggled(toggle_key: str) -> None:
    if st.session_state.get(toggle_key):
        load_persona(st.session_state.get(DEMO_LAST_KEY, _demo().DEFAULT_PERSONA))
    else:
        stop_demo()


def _picked(pick_key: str) -> None:
    persona_id = st.session_state.get(pick_key)
    if not isinstance(persona_id, str):
        return
    if persona_id in _demo().PERSONAS and persona_id != demo_persona():
        st.session_state[DEMO_LAST_KEY] = persona_id
        load_persona(persona_id)


def demo_switch(place: str) -> None:
    """The switch, the persona choice and reset. ``place`` keeps widget keys apart."""
    toggle_key, pick_key = DEMO_TOGGLE_PREFIX + place, DEMO_PICK_PREFIX + place
    persona_id = demo_persona()
    st.session_state[toggle_key] = persona_id is not None
    st.toggle(
        SWITCH_LABEL,
        key=toggle_key,
        on_change=_toggled,
        args=(toggle_key,),
        help="Fill BackCare with a made-up patient to show how it works. Your own "
        "results and diary are put aside, untouched, and come back when you switch it off.",
    )
    if persona_id is None:
        return
    st.session_state[pick_key] = persona_id
    personas = _demo().PERSONAS
    st.selectbox(
        PICK_LABEL,
        list(personas),
        format_func=lambda key: personas[key].name,
        key=pick_key,
        on_change=_picked,
        args=(pick_key,),
    )
    st.caption(personas[persona_id].story)
    st.button(
        RESET_LABEL,
        key=DEMO_RESET_PREFIX + place,
        on_click=reset_demo,
        icon=":material/restart_alt:",
        help="Put this demo patient back to how it started.",
    )


def demo_banner() -> None:
    """The banner every page shows while the demo is on (words, not colour alone)."""
    persona_id = demo_persona()
    if persona_id is None:
        return
    st.warning(
        f"**Demo data.** You are looking at a made-up patient: "
        f"{_demo().PERSONAS[persona_id].name}. "
        "Nothing here is about you. Your own results and diary are put aside, untouched. "
        "Switch off **Demo patient** in the sidebar to go back to them.",
        icon=":material/theater_comedy:",
    )
