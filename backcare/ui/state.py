"""Session keys shared between pages and modules: the one home of every such key.

Results one page makes and other pages use (the check, questionnaire results, the routine)
are kept in the person's store (``backcare/ui/kept.py``), not here: the keys below hold
what belongs to one tab. ``st.session_state`` is per browser tab: one visitor never sees
another's.
Keys read or written by more than one module (a page, ``backcare/ui``, the demo switch,
the tests) are defined here and imported everywhere else, never written as literals.
"""

from __future__ import annotations

import streamlit as st

from backcare.screening.instruments import INSTRUMENTS

# Screening results by name: the warning-sign check, then each questionnaire in the registry
# ("triage", "start_back", "oswestry", "rmdq", "peg", "psfs").
SCREENING_RESULTS: tuple[str, ...] = ("triage", *INSTRUMENTS)

# What the person keeps between visits (backcare/ui/kept.py): the store is the truth; the
# tab caches one read of it by the store's revision, and holds any record the store refused
# (kind, StoredRecord, why) so it still counts for this visit.
KEPT_CACHE_KEY = "bc_kept"
UNSAVED_RECORDS_KEY = "bc_kept_unsaved"
# The Screening page shows the last check; "Start a new check" shows the empty form.
NEW_CHECK_KEY = "bc_new_check"

# Logging today's session (backcare/ui/session_widgets.py): the form's widgets, and a
# problem or a "kept for this visit only" reason for the next run.
SESSION_PAIN_KEY = "bc_session_pain"
SESSION_LEG_KEY = "bc_session_leg"
SESSION_SKIPPED_KEY = "bc_session_skipped"
SESSION_WRONG_KEY = "bc_session_wrong"
SESSION_PROBLEM_KEY = "bc_session_problem"
SESSION_HELD_KEY = "bc_session_held"

# The diary's store (backcare/ui/store.py). A tab-only diary's SessionStore and owner id:
SESSION_STORE_KEY = "bc_diary_session_store"
# Clinic mode (backcare/ui/account.py): the signed-in person's account, with the identity
# and database it was read for; the patients whose diaries a clinician opened this visit
# (one audit row each, not one per rerun).
ACCOUNT_KEY = "bc_account"
VIEWED_KEY = "bc_clinic_viewed"
SESSION_OWNER_KEY = "bc_diary_owner"
# Why this tab fell back to a tab-only diary; it stays there so entries never vanish.
FALLBACK_KEY = "bc_diary_fallback"
# Entries a save could not write to the database, and why: (reason, [Entry, ...]).
PENDING_KEY = "bc_diary_pending"
# The diary's chart frames of a tab-only diary, cached in the tab.
SESSION_FRAMES_KEY = "bc_diary_frames"

# The "this browser" store (backcare/ui/browser.py, backcare/ui/browser_component.py):
# this tab's mirror of what the browser keeps, the BrowserStore over it, the component's
# widget key, and, in tests, what stands in for the component (tests/support/fake_browser.py).
BROWSER_MIRROR_KEY = "bc_browser_mirror"
BROWSER_STORE_KEY = "bc_browser_store"
BROWSER_COMPONENT_KEY = "bc_browser_component"
BROWSER_TRANSPORT_KEY = "bc_browser_transport"
# Set while a rerun is asked for to send a write made late in a run (flush_later).
BROWSER_FLUSH_KEY = "bc_browser_flush"

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
