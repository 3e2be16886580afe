"""Session keys shared between pages.

A widget's key disappears once the widget is no longer drawn, so results one page makes
and other pages use (screening results, the current routine) are copied to these plain
keys on submit. ``st.session_state`` is per browser tab: one visitor never sees another's.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# Screening results by name: "triage", "start_back", "oswestry", "peg".
SCREENING_RESULTS = ("triage", "start_back", "oswestry", "peg")
_PREFIX = "bc_result_"
RESULT_KEYS = tuple(_PREFIX + name for name in SCREENING_RESULTS)
ROUTINE_KEY = "bc_routine"
PROFILE_KEY = "bc_profile"


def _check(name: str) -> str:
    if name not in SCREENING_RESULTS:
        raise ValueError(f"unknown screening result {name!r}; expected one of {SCREENING_RESULTS}")
    return _PREFIX + name


def screening_result(name: str) -> Any | None:
    """The latest result of one screening step in this session, or None."""
    return st.session_state.get(_check(name))


def save_screening_result(name: str, result: Any) -> None:
    st.session_state[_check(name)] = result


def current_routine() -> Any | None:
    return st.session_state.get(ROUTINE_KEY)


def save_routine(routine: Any, profile: Any | None = None) -> None:
    st.session_state[ROUTINE_KEY] = routine
    if profile is not None:
        st.session_state[PROFILE_KEY] = profile


# The diary's chart frames of a tab-only diary, cached in the tab (backcare/ui/store.py).
SESSION_FRAMES_KEY = "bc_diary_frames"
# The entry deleted last, for "Undo delete" (cleared when the whole diary is deleted).
UNDO_KEY = "bc_diary_last_deleted"

# Demo mode (backcare/ui/demo.py). The truth is the plain key DEMO_KEY (the persona id
# while the demo is on); the toggles on the home page and in the sidebar follow it.
DEMO_KEY = "bc_demo_persona"
DEMO_STORE_KEY = "bc_demo_store"  # the demo patient's SessionStore (owner "demo")
DEMO_STASH_KEY = "bc_demo_stash"  # the person's own session values, put aside meanwhile
DEMO_LAST_KEY = "bc_demo_last"  # the persona chosen last, shown when switched on again


def demo_persona() -> str | None:
    """The demo patient shown in this tab, or None when the demo is off."""
    return st.session_state.get(DEMO_KEY)
