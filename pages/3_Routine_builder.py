"""Routine builder page (coming soon)."""

import streamlit as st

from backcare.ui import frame

frame("Routine builder", ":material/fitness_center:")
st.title("Routine builder")
st.info(
    "Coming soon: an exercise routine fitted to you, with a handout and a calendar.",
    icon=":material/construction:",
)
