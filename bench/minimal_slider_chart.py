"""The baseline for bench_interaction.py: one slider and one chart, nothing else."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

days = st.slider("Days to show", 7, 365, 365)
values = np.random.default_rng(7).integers(0, 11, 365)
frame = pd.DataFrame({"day": pd.date_range("2025-01-01", periods=365), "pain": values})
chart = (
    alt.Chart(frame.tail(days))
    .mark_line()
    .encode(x="day:T", y="pain:Q")
    .properties(description=f"Pain over the last {days} days")
)
st.altair_chart(chart, width="stretch")
