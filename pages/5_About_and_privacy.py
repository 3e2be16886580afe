"""About and privacy: what BackCare is, where data lives, licences."""

import streamlit as st

from backcare.notices import load_notices
from backcare.ui import frame

frame("About and privacy", ":material/shield:")
notices = load_notices()

st.title("About and privacy")
st.subheader("What BackCare is")
st.markdown(
    "BackCare is an open-source self-help dashboard for adults with back pain. "
    "It brings together a warning-sign check, validated questionnaires, plain-language "
    "education with sources, an exercise routine builder and a pain diary."
)
st.warning(notices.not_a_diagnosis, icon=":material/info:")

st.subheader("Your data")
st.markdown(
    "- BackCare makes no network calls and has no analytics or tracking.\n"
    "- Nothing about your health is put in the page address.\n"
    "- There is no account: what you enter stays with you."
)
st.caption(f"Emergency advice source: {notices.source}")
