"""Fixture app for browser tests: the diary charts with synthetic data, nothing stored.

``?diary=demo`` (default): 120 days; ``?diary=short``: 5 days; ``?diary=empty``.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from backcare.ui.diary_charts import render_diary_charts  # noqa: E402
from tests.unit.diary_data import demo_frames, synthetic_entries  # noqa: E402

st.set_page_config(page_title="Diary charts demo · BackCare", layout="centered")
st.title("Diary charts demo")
entries, events, screenings = demo_frames(120)
kind = st.query_params.get("diary", "demo")
if kind == "short":
    entries, events, screenings = synthetic_entries(5), events.iloc[:0], screenings.iloc[:0]
elif kind == "empty":
    entries, events, screenings = entries.iloc[:0], events.iloc[:0], screenings.iloc[:0]
render_diary_charts(entries, events, screenings)
