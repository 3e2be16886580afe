"""Account and sharing (clinic mode): sign in or out; share the diary with a clinician by
a code, see who can see it and who looked, export everything, delete the account. A
clinician opens patients' shared diaries here, read-only.

A table of contents: each section is a ``render_*`` function of
``backcare/ui/account_widgets.py``.
"""

from __future__ import annotations

import streamlit as st

from backcare.storage import StorageError
from backcare.ui import frame
from backcare.ui.account import sign_in_panel, sign_in_state
from backcare.ui.account_widgets import (
    render_audit,
    render_claim,
    render_delete_account,
    render_export_everything,
    render_patients,
    render_share,
    render_shares,
)
from backcare.ui.browser import visitor_mode
from backcare.ui.state import demo_persona
from backcare.ui.store import current_store, storage_notice, where_kept

frame("Account and sharing", "🔐", layout="wide")
st.title("Account and sharing")

if visitor_mode()[0] != "accounts":
    st.info(
        "This BackCare has no accounts: " + where_kept(current_store()).sentence,
        icon=":material/info:",
    )
    st.stop()
if demo_persona() is not None:
    st.info(
        "The demo patient is on: the Pain diary shows their diary, charts and clinician "
        "summary, and nothing is written. Switch the demo off to see your account.",
        icon=":material/theater_comedy:",
    )
    st.stop()

state = sign_in_state()
sign_in_panel(state, "page")
choice = current_store()
if choice.mode != "accounts":  # not signed in, or the database cannot be used
    if state.identity is not None:
        storage_notice(choice)
    st.stop()

try:
    if choice.account is not None and choice.account.role == "clinician":
        render_claim(choice)
        render_patients(choice)
        st.divider()
    render_share(choice, state.settings.share_code_days)
    render_shares(choice)
    render_audit(choice)
    st.divider()
    render_export_everything(choice)
    render_delete_account(choice)
except StorageError as exc:  # the database went away since this visit began
    st.error(f"Your account cannot be read right now: {exc}. Try again in a moment.")
