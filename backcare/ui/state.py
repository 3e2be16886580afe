"""Session keys shared between pages and modules: the one home of every such key.

A widget's key disappears once the widget is no longer drawn, so results one page makes
and other pages use (screening results, the current routine) are copied to these plain
keys on submit. ``st.session_state`` is per browser tab: one visitor never sees another's.
Keys read or written by more than one module (a page, ``backcare/ui``, the demo switch,
the tests) are defined here and imported everywhere else, never written as literals.
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


# Dates of "I did today's session" in this tab (pages/3_Routine_builder.py).
SESSIONS_DONE_KEY = "bc_sessions_done"

# The diary's store (backcare/ui/store.py). A tab-only diary's SessionStore and owner id:
SESSION_STORE_KEY = "bc_diary_session_store"
SESSION_OWNER_KEY = "bc_diary_owner"
# Why this tab fell back to a tab-only diary; it stays there so entries never vanish.
FALLBACK_KEY = "bc_diary_fallback"
# Entries a save could not write to the database, and why: (reason, [Entry, ...]).
PENDING_KEY = "bc_diary_pending"
# The diary's chart frames of a tab-only diary, cached in the tab.
SESSION_FRAMES_KEY = "bc_diary_frames"

# The Pain diary page (backcare/ui/diary_widgets.py). A one-off confirmation shown at the
# top of the page's next run ("Saved: ..."):
FLASH_KEY = "bc_diary_flash"
# The entry deleted last, for "Undo delete" (cleared when the whole diary is deleted).
UNDO_KEY = "bc_diary_last_deleted"
# The id of the entry whose deletion waits for "Yes, delete it".
CONFIRM_DELETE_KEY = "bc_diary_confirm_delete"
# Every quick-entry widget key starts with QUICK_PREFIX, then the version: bumped after each
# save so the browser gets fresh widgets (deleting a form widget's key leaves the old value
# in the browser, which the next submit sends back: a flare ticked once was copied to
# every later entry).
QUICK_PREFIX = "diary_new"
QUICK_VERSION_KEY = "bc_diary_quick_version"
# Widget keys the demo switch puts aside with the person's own values.
CHOSEN_ENTRY_KEY = "diary_chosen"  # the entry picked for change or delete
SUMMARY_DATES_KEY = "diary_summary_dates"  # the clinician summary's range and parts
SUMMARY_PARTS_KEY = "diary_summary_parts"
# The optional name or initials for the summary and the health-record file (never stored),
# and "include my activity names" for the health-record file.
SUMMARY_LABEL_KEY = "diary_summary_label"
FHIR_NAMES_KEY = "diary_fhir_activity_names"

# Demo mode (backcare/ui/demo.py). The truth is the plain key DEMO_KEY (the persona id
# while the demo is on); the toggles on the home page and in the sidebar follow it.
DEMO_KEY = "bc_demo_persona"
DEMO_STORE_KEY = "bc_demo_store"  # the demo patient's SessionStore (owner "demo")
DEMO_STASH_KEY = "bc_demo_stash"  # the person's own session values, put aside meanwhile
DEMO_LAST_KEY = "bc_demo_last"  # the persona chosen last, shown when switched on again
# The switch's own widgets, drawn once per place ("home", "sidebar"): prefix + place.
DEMO_TOGGLE_PREFIX = "bc_demo_toggle_"
DEMO_PICK_PREFIX = "bc_demo_pick_"
DEMO_RESET_PREFIX = "bc_demo_reset_"


def demo_persona() -> str | None:
    """The demo patient shown in this tab, or None when the demo is off."""
    return st.session_state.get(DEMO_KEY)
