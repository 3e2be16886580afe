"""Screening page (coming soon)."""

import streamlit as st

from backcare.ui import frame

frame("Screening", ":material/fact_check:")
st.title("Screening")
st.info(
    "Coming soon: the red-flag check and the STarT Back, Oswestry and PEG questionnaires.",
    icon=":material/construction:",
)
