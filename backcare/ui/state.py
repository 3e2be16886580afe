"""Session keys shared between pages.

A widget's key disappears once the widget is no longer drawn, so results one page makes
and other pages use (screening results, the current routine) are copied to these plain
keys on submit. ``st.session_state`` is per browser tab: one visitor never sees another's.
"""

from __future__ import annotations

from typing import Any, cast

import streamlit as st

from backcare.screening import QuestionnaireResult, ScreeningResult, TriageResult
from backcare.screening.instruments import INSTRUMENTS
from backcare.screening.start_back import Risk, as_risk
from backcare.screening.triage import Level, as_level

# Screening results by name: the warning-sign check, then each questionnaire in the registry
# ("triage", "start_back", "oswestry", "peg").
SCREENING_RESULTS: tuple[str, ...] = ("triage", *INSTRUMENTS)
_PREFIX = "bc_result_"
RESULT_KEYS = tuple(_PREFIX + name for name in SCREENING_RESULTS)
ROUTINE_KEY = "bc_routine"
PROFILE_KEY = "bc_profile"


def result_key(name: str) -> str:
    """The session key of one screening step's result ("triage", "start_back", ...)."""
    if name not in SCREENING_RESULTS:
        raise ValueError(f"unknown screening result {name!r}; expected one of {SCREENING_RESULTS}")
    return _PREFIX + name


# Typed results. Only ``save_screening_result`` (the Screening page, the demo switch) writes
# these keys, with a typed result, so reading them back is typed too.


def screening_result(name: str) -> ScreeningResult | None:
    """The latest result of one screening step in this session, or None."""
    return cast("ScreeningResult | None", st.session_state.get(result_key(name)))


def triage_result() -> TriageResult | None:
    """The warning-sign check's latest result in this session, or None."""
    return cast("TriageResult | None", screening_result("triage"))


def questionnaire_result(instrument: str) -> QuestionnaireResult | None:
    """A questionnaire's latest result in this session (an id from the registry), or None."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown questionnaire {instrument!r}; expected one of {INSTRUMENTS}")
    return cast("QuestionnaireResult | None", screening_result(instrument))


def save_screening_result(name: str, result: ScreeningResult) -> None:
    st.session_state[result_key(name)] = result


# What other pages read from those results. Read by name, with anything missing or unknown
# as "not given", so a result kept by an older version of the code (a new deployment while
# the tab stayed open) still holds every page at an emergency or urgent level.


def triage_level() -> Level | None:
    """The level of this session's warning-sign check, or None when there is none."""
    return as_level(getattr(screening_result("triage"), "level", None))


def triage_age() -> int | None:
    """The age given in this session's warning-sign check, or None."""
    age = getattr(screening_result("triage"), "age", None)
    return age if isinstance(age, int) and not isinstance(age, bool) else None


def start_back_risk() -> Risk | None:
    """The risk group of this session's STarT Back result, or None."""
    return as_risk(getattr(screening_result("start_back"), "risk", None))


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
