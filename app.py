"""BackCare home: what this is, where to start, and the standing disclaimer."""

import streamlit as st

from backcare.notices import load_notices
from backcare.ui import PAGES, frame
from backcare.ui.demo import demo_switch

frame("Home", "🏠")
notices = load_notices()

st.title("BackCare")
st.markdown(
    "A private, self-guided dashboard for people with back pain: check for warning "
    "signs, learn what helps, build a gentle exercise routine and keep a pain diary. "
    "Everything stays on the computer you run it on."
)
st.warning(notices.not_a_diagnosis, icon=":material/info:")

st.header("Where to start")
st.page_link(
    PAGES["screening"],
    label="1. Screening: warning signs first, then questionnaires",
    icon=":material/fact_check:",
)
st.page_link(
    PAGES["learn"],
    label="2. Learn: back pain, causes and why movement helps",
    icon=":material/menu_book:",
)
st.page_link(
    PAGES["routine"],
    label="3. Routine builder: exercises fitted to you",
    icon=":material/fitness_center:",
)
st.page_link(
    PAGES["diary"], label="4. Pain diary: a ten-second daily check-in", icon=":material/edit_note:"
)
st.page_link(
    PAGES["about"],
    label="5. About and privacy: where your data lives, sources",
    icon=":material/shield:",
)

st.header("Show BackCare with a demo patient")
st.markdown(
    "For clinicians and the curious: fill every page with a made-up patient and their "
    "diary. Your own results and diary are put aside, untouched, until you switch it off."
)
demo_switch("home")

st.error(notices.emergency, icon=":material/emergency:")
