"""Pain diary: exercise sessions done per plan week against planned (issue 18).

The sessions are the Routine builder's logged sessions (``backcare.records.SessionRecord``)
of the current routine; the chart has a text summary under it and the same summary as its
alt text.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from backcare.charts import adherence_chart
from backcare.records import Adherence, adherence
from backcare.ui.kept import Kept, kept, today


def current_adherence(saved: Kept | None = None) -> Adherence | None:
    """Sessions per plan week of the kept routine (this person's, or ``saved``: a shared
    diary's), or None (no routine, no sessions)."""
    saved = saved or kept()
    if saved.routine is None:
        return None
    start, day = saved.routine.start, today()
    sessions = saved.sessions(start, day)
    if not sessions.all:
        return None
    return adherence(sessions, saved.routine.profile.days_per_week, start, day)


def session_days(saved: Kept | None = None) -> frozenset[date]:
    """The days with a logged session of the kept routine's plan (empty: none)."""
    saved = saved or kept()
    if saved.routine is None:
        return frozenset()
    return frozenset(s.date for s in saved.sessions(saved.routine.start, today()).all)


def render_adherence() -> None:
    """The sessions chart and its summary, or a line saying how to log sessions."""
    st.header("Exercise sessions")
    found = current_adherence()
    if found is None:
        st.info(
            "No exercise sessions logged yet. Log each session on the Routine builder page "
            "and you will see here how many you did each week against your plan.",
            icon=":material/fitness_center:",
        )
        return
    st.altair_chart(adherence_chart(found), width="stretch")
    st.caption(found.summary)
