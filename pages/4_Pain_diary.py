"""Pain diary: ten-second entries, detail, edit and delete, import and export, charts.

A table of contents: each section is a ``render_*`` function of
``backcare/ui/diary_widgets.py`` (the charts: ``backcare/ui/diary_charts.py``).
"""

from __future__ import annotations

import streamlit as st

from backcare.ui import frame, hold_notice
from backcare.ui.adherence_widgets import render_adherence, session_days
from backcare.ui.diary_charts import render_diary_charts
from backcare.ui.diary_widgets import (
    load_view,
    render_clinician_summary,
    render_export,
    render_import,
    render_quick_entry,
    render_recent_entries,
    render_saved_screenings,
    show_flash,
)
from backcare.ui.store import (
    chart_frames,
    current_store,
    render_delete_everything,
    storage_notice,
)

# Emoji tab icon: Streamlit fetches a :material: tab icon from fonts.gstatic.com.
frame("Pain diary", "📝", layout="wide")
choice = current_store()

st.title("Pain diary")
hold_notice()  # an emergency or urgent triage result: get checked first
st.markdown(
    "Log how your back feels in a few seconds. Add as many entries a day as you like; "
    "the more often you log, the clearer your trend."
)
storage_notice(choice)
view = load_view(choice)  # the only reads per rerun: a count, the latest entries, screenings

show_flash()
entry_col, list_col = st.columns([1, 1], gap="large")
with entry_col:
    render_quick_entry(choice, view.last)
with list_col:
    render_recent_entries(choice, view)
    render_saved_screenings(view.screenings)

st.divider()
frames = chart_frames(choice)
render_diary_charts(*frames, session_days=session_days())
render_adherence()

st.divider()
render_clinician_summary(frames, view.screenings)

st.divider()
imp, exp = st.columns(2, gap="large")
with imp:
    render_import(choice)
with exp:
    render_export(choice, view.total)
    render_delete_everything(choice, "diary")
