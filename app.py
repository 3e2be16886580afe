"""BackCare home: what this is, where to start, and the standing disclaimer."""

import streamlit as st

from backcare.notices import load_notices
from backcare.ui import PAGES, frame, hold_notice
from backcare.ui.demo import demo_switch
from backcare.ui.store import current_store, where_kept

frame("Home", "🏠")
notices = load_notices()

st.title("BackCare")
# While an emergency or urgent triage result stands: that first, and no exercise suggested.
held = hold_notice()
st.markdown(
    "A private, self-guided dashboard for people with back pain: check for warning "
    "signs, learn about back pain"
    + ("" if held else ", build a gentle exercise routine")
    + " and keep a pain diary. "
    # True for every storage mode: this computer, this browser tab (or this browser).
    + where_kept(current_store()).sentence
)
st.warning(notices.not_a_diagnosis, icon=":material/info:")

st.header("Where to start")
START = [
    ("screening", "Screening: warning signs first, then questionnaires", ":material/fact_check:"),
    ("learn", "Learn: back pain, causes and why movement helps", ":material/menu_book:"),
    ("routine", "Routine builder: exercises fitted to you", ":material/fitness_center:"),
    ("diary", "Pain diary: a ten-second daily check-in", ":material/edit_note:"),
    ("about", "About and privacy: where your data lives, sources", ":material/shield:"),
]
for number, (page, label, icon) in enumerate(
    [s for s in START if not (held and s[0] == "routine")], start=1
):
    st.page_link(PAGES[page], label=f"{number}. {label}", icon=icon)

st.header("Show BackCare with a demo patient")
st.markdown(
    "For clinicians and the curious: fill every page with a made-up patient and their "
    "diary. Your own results and diary are put aside, untouched, until you switch it off."
)
demo_switch("home")

st.error(notices.emergency_markdown, icon=":material/emergency:")
