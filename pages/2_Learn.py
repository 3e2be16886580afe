"""Learn page (coming soon)."""

import streamlit as st

from backcare.ui import frame

frame("Learn", ":material/menu_book:")
st.title("Learn")
st.info(
    "Coming soon: cited topics on back pain, its causes and why exercise helps.",
    icon=":material/construction:",
)
