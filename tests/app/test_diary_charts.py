"""AppTest: render_diary_charts in a tiny page with synthetic frames."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from backcare import analytics
from backcare.ui.diary_charts import RANGE_LABEL, frame_digest
from tests.unit.diary_data import demo_frames, synthetic_entries


def _page() -> None:
    """A page that draws the charts from frames put into session state by the test."""
    import streamlit as st

    from backcare.ui.diary_charts import render_diary_charts

    render_diary_charts(
        st.session_state["entries"], st.session_state["events"], st.session_state["screenings"]
    )


def _run(entries, events, screenings) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["entries"] = entries
    at.session_state["events"] = events
    at.session_state["screenings"] = screenings
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _rows(chart) -> list[int]:
    """Rows of every dataset Streamlit sends for one chart (Arrow IPC streams)."""
    return [
        pa.ipc.open_stream(io.BytesIO(ds.data.data)).read_all().num_rows
        for ds in chart.proto.datasets
    ]


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_demo_diary_shows_every_chart_with_its_summary():
    entries, events, screenings = demo_frames(120)
    at = _run(entries, events, screenings)
    charts = at.get("vega_lite_chart")
    # pain, before/after, three screenings, better days
    assert len(charts) == 6
    captions = _captions(at)
    assert "you wrote 360 entries on 120 days" in captions
    assert "before your routine started" in captions
    assert "Oswestry Disability Index: 3 scores" in captions
    assert "not what causes what" in captions
    assert [s.value for s in at.header] == [
        "Your pain over time",
        "Before and after",
        "Screening scores over time",
        "What goes with better days",
    ]
    assert _rows(charts[0])[0] == 120


def test_range_selector_is_labelled_and_changes_the_chart():
    entries, events, screenings = demo_frames(120)
    at = _run(entries, events, screenings)
    (radio,) = at.radio
    assert radio.label == RANGE_LABEL
    assert radio.options == list(analytics.RANGES)
    assert radio.value == "All"
    radio.set_value("2 weeks").run()
    assert not at.exception
    assert _rows(at.get("vega_lite_chart")[0])[0] == 14
    assert "From 22 Apr 2025 to 5 May 2025" in _captions(at)


def test_short_diary_says_not_enough_days_yet():
    _, events, screenings = demo_frames(120)
    at = _run(synthetic_entries(5), events.iloc[:0], screenings.iloc[:0])
    infos = " ".join(i.value for i in at.info)
    assert "Not enough days yet" in infos
    assert "No routine start is recorded" in infos
    assert "No screening results saved yet" in infos
    assert len(at.get("vega_lite_chart")) == 1  # only the pain chart


def test_before_and_after_gives_no_verdict_with_too_few_days():
    """Issue 12, item 14: at least 7 days with entries on each side, and the page says how
    many are needed and how many there are."""
    entries, events, screenings = demo_frames(120)
    # The routine started on day 30: keep only 4 days with entries in the 2 weeks before it.
    started = events.loc[events["label"] == "Routine started", "date"].iloc[0]
    day = entries["timestamp"].dt.normalize()
    gap = (day >= started - pd.Timedelta(days=14)) & (day < started - pd.Timedelta(days=4))
    at = _run(entries[~gap].reset_index(drop=True), events, screenings)
    infos = " ".join(i.value for i in at.info)
    assert "Not enough days yet to compare: each period needs at least 7 days with entries" in (
        infos
    )
    assert "has 4 days and 'Last 2 weeks' has 14" in infos
    assert "meaningful" not in infos
    assert len(at.get("vega_lite_chart")) == 5  # pain, three screenings, better days


def test_empty_diary_draws_no_chart_and_says_so():
    entries, events, screenings = demo_frames(30)
    at = _run(entries.iloc[:0], events.iloc[:0], screenings.iloc[:0])
    assert len(at.get("vega_lite_chart")) == 0
    assert "No diary entries yet" in " ".join(i.value for i in at.info)


def test_wrong_frame_shows_an_error_not_a_traceback():
    entries, events, screenings = demo_frames(30)
    at = _run(entries.drop(columns=["pain"]), events, screenings)
    (error,) = at.error
    assert "entries is missing the column(s) pain" in error.value


@pytest.mark.parametrize("n_entries", [100_000])
def test_huge_diary_sends_at_most_1500_rows(n_entries):
    entries = synthetic_entries(n_entries=n_entries, per_day=3)
    _, events, screenings = demo_frames(30)
    at = _run(entries, events, screenings)
    for chart in at.get("vega_lite_chart"):
        assert max(_rows(chart)) <= analytics.MAX_POINTS
    assert "one point per month" in _captions(at)


def test_cache_is_keyed_by_the_whole_content():
    """An edit to one entry of a long diary changes the key (Streamlit samples big frames)."""
    entries = synthetic_entries(n_entries=60_000)
    _, events, screenings = demo_frames(30)
    edited = entries.copy()
    edited.loc[len(edited) // 2, "pain"] = 10 - edited.loc[len(edited) // 2, "pain"]
    assert frame_digest(entries, events, screenings) != frame_digest(edited, events, screenings)
    assert frame_digest(entries, events, screenings) == frame_digest(
        entries.copy(), events, screenings
    )


def test_edited_entry_shows_up_after_rerun():
    entries = synthetic_entries(30)
    _, events, screenings = demo_frames(30)
    at = _run(entries, events.iloc[:0], screenings.iloc[:0])
    before = _captions(at)
    changed = entries.copy()
    changed["pain"] = 0
    at.session_state["entries"] = changed
    at.run()
    assert _captions(at) != before
    assert "Average pain 0.0 out of 10" in _captions(at)


def test_aggregation_runs_once_per_diary_content(monkeypatch):
    """Reruns with the same diary reuse the cached charts; a changed diary recomputes."""
    calls = []
    original = analytics.pain_over_time

    def counting(entries, range_label="All"):
        calls.append(len(entries))
        return original(entries, range_label)

    monkeypatch.setattr(analytics, "pain_over_time", counting)
    entries = synthetic_entries(30)
    _, events, screenings = demo_frames(30)
    at = _run(entries, events, screenings)
    at.run()
    at.run()
    assert calls == [90]
    at.session_state["entries"] = synthetic_entries(31)
    at.run()
    assert calls == [90, 93]
