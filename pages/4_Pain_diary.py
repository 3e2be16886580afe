"""Pain diary page (coming soon)."""

import streamlit as st

from backcare.ui import frame

frame("Pain diary", ":material/edit_note:")
st.title("Pain diary")
st.info(
    "Coming soon: ten-second entries and charts of your trend.",
    icon=":material/construction:",
)
