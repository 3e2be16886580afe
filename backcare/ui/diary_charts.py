"""The diary's charts section: range choice, charts, and a plain summary under each chart.

Called by pages/4_Pain_diary.py as ``render_diary_charts(entries, events, screenings)``.

Caching: the aggregation runs in ``_prepare`` (the charts that do not depend on the range)
and ``_prepare_pain`` (the pain chart, per range), ``st.cache_data`` functions. The cache is
shared by every session of one server, so it is keyed by a SHA-256 digest of the *whole*
content of the three frames (``pandas.util.hash_pandas_object``), plus the chosen range.
We do not rely on Streamlit's own DataFrame hashing: from 50,000 rows it hashes a sample
of 10,000 rows, so an edit to one entry of a long diary could show stale charts. A cache
hit therefore needs exactly the same data; user data is never cached unkeyed. The frames
themselves are passed as ``_``-prefixed (unhashed) arguments next to their digest.

The range choice and the pain chart are an ``st.fragment``: changing the range reruns only
them (bench/README.md, "Interaction").

Summaries are built by ``backcare.analytics`` from numbers, dates and our own words, never
from user text, so they are safe to show with ``st.caption``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from backcare import analytics, charts
from backcare.diary.frames import ENTRY_COLUMNS, EVENT_COLUMNS, SCREENING_COLUMNS

RANGE_KEY = "bc_diary_chart_range"
RANGE_LABEL = "Time range to show"
NOT_ENOUGH_TITLE = "Not enough days yet"
DATE_COLUMNS = {"period", "date"}  # the date columns of the frames backcare.charts draws


@dataclass(frozen=True)
class PainPrepared:
    """The pain-over-time chart for one range: at most ``analytics.MAX_POINTS`` rows."""

    series: analytics.PainSeries
    spec: dict | None


@dataclass(frozen=True)
class Prepared:
    """Everything else the section draws, small, and the same for every range.

    The charts are kept as finished Vega-Lite specs: building five or more Altair
    charts costs about 0.2 s, too much to repeat on every rerun of the diary page.
    """

    comparison: analytics.Comparison
    trends: list[analytics.ScreeningTrend]
    better: analytics.BetterDays
    comparison_spec: dict | None
    trend_specs: list[dict]
    better_spec: dict | None


def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of an Altair chart, its datasets as DataFrames.

    ``st.vega_lite_chart`` sends each dataset as Arrow, as ``st.altair_chart`` would. The
    default theme's view size is dropped: Streamlit sizes the chart to its container.
    Not validated here (a third of the build time, paid on every save): every builder in
    ``backcare.charts`` is validated against the Vega-Lite schema by tests/unit/test_charts.py.
    """
    spec = chart.to_dict(validate=False)
    spec.pop("config", None)
    datasets = {}
    for name, rows in spec.get("datasets", {}).items():
        frame = pd.DataFrame.from_records(rows)
        for column in DATE_COLUMNS.intersection(frame.columns):
            # to_dict() wrote dates as ISO text; send them as Arrow timestamps again.
            frame[column] = pd.to_datetime(frame[column], format="ISO8601")
        datasets[name] = frame
    spec["datasets"] = datasets
    return spec


def frame_digest(*frames: pd.DataFrame) -> str:
    """A SHA-256 digest of the full content (values, columns, dtypes) of the frames."""
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(repr(list(frame.columns)).encode())
        digest.update(repr([str(t) for t in frame.dtypes]).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _prepare_pain(
    digest: str, range_label: str, _entries: pd.DataFrame, _events: pd.DataFrame
) -> PainPrepared:
    """The pain chart for one range. Keyed by ``digest`` (all three frames) and the range."""
    series = analytics.pain_over_time(_entries, range_label)
    spec = None if series.frame.empty else vega_spec(charts.pain_over_time_chart(series, _events))
    return PainPrepared(series=series, spec=spec)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _prepare(
    digest: str, _entries: pd.DataFrame, _events: pd.DataFrame, _screenings: pd.DataFrame
) -> Prepared:
    """Aggregate and build the charts that do not depend on the range. Keyed by ``digest``."""
    comparison = analytics.compare_periods(_entries, _events)
    trends = analytics.screening_trends(_screenings)
    better = analytics.better_days(_entries)
    return Prepared(
        comparison=comparison,
        trends=trends,
        better=better,
        comparison_spec=None
        if comparison.change is None
        else vega_spec(charts.before_after_chart(comparison)),
        trend_specs=[vega_spec(charts.screening_chart(t)) for t in trends],
        better_spec=vega_spec(charts.better_days_chart(better)) if better.enough else None,
    )


def check_frames(entries: pd.DataFrame, events: pd.DataFrame, screenings: pd.DataFrame) -> str:
    """Check the frames' columns; return the digest of exactly this content."""
    analytics.check_columns(entries, ENTRY_COLUMNS, "entries")
    analytics.check_columns(events, EVENT_COLUMNS, "events")
    analytics.check_columns(screenings, SCREENING_COLUMNS, "screenings")
    return frame_digest(entries, events, screenings)


def _chart(spec: dict) -> None:
    st.vega_lite_chart(spec, width="stretch")


@st.fragment
def _pain_section(digest: str, entries: pd.DataFrame, events: pd.DataFrame) -> None:
    """The range choice and the pain chart. A fragment: changing the range reruns only this,
    so the rest of the page and the other charts are neither rebuilt nor redrawn."""
    range_label = st.radio(
        RANGE_LABEL,
        list(analytics.RANGES),
        index=len(analytics.RANGES) - 1,
        horizontal=True,
        key=RANGE_KEY,
        help="Counted back from your last entry. Long ranges show weeks or months.",
    )
    try:
        pain = _prepare_pain(digest, range_label, entries, events)
    except ValueError as err:
        st.error(f"The pain chart could not be drawn: {err}")
        return
    if pain.spec is None:
        st.info("No diary entries yet. Add your first entry and your chart appears here.")
    else:
        _chart(pain.spec)
        st.caption(pain.series.summary)


def render_diary_charts(
    entries: pd.DataFrame,
    events: pd.DataFrame,
    screenings: pd.DataFrame,
    session_days: Collection[date] = (),
    heading: str = "Your pain over time",
) -> None:
    """Draw the charts section of the diary page. Shows an error, never a traceback.
    ``session_days``: the days with a logged routine session (a second factor in "what
    goes with better days", shown once any is logged). ``heading``: the section's title
    (a clinician reading a shared diary sees "Pain over time")."""
    st.header(heading)
    try:
        digest = check_frames(entries, events, screenings)
        prepared = _prepare(digest, entries, events, screenings)
    except ValueError as err:
        st.error(f"The charts could not be drawn: {err}")
        return
    _pain_section(digest, entries, events)

    st.header("Before and after")
    comparison = prepared.comparison
    if prepared.comparison_spec is None:
        st.info(comparison.summary)
    else:
        _chart(prepared.comparison_spec)
        st.caption(comparison.summary)

    st.header("Screening scores over time")
    if not prepared.trends:
        st.info("No screening results saved yet. Scores appear here after a screening.")
    for trend, spec in zip(prepared.trends, prepared.trend_specs, strict=True):
        _chart(spec)
        st.caption(trend.summary)

    st.header("What goes with better days")
    _better(prepared.better, prepared.better_spec)
    if session_days:
        try:
            after = analytics.better_after_sessions(entries, session_days)
        except ValueError as err:
            st.error(f"The sessions comparison could not be made: {err}")
            return
        _better(after, vega_spec(charts.better_days_chart(after)) if after.enough else None)


def _better(better: analytics.BetterDays, spec: dict | None) -> None:
    """One factor of "what goes with better days": its chart and summary, or what it
    still needs."""
    if spec is None:
        st.info(f"**{NOT_ENOUGH_TITLE}.** {better.summary.removeprefix(NOT_ENOUGH_TITLE + '. ')}")
    else:
        _chart(spec)
        st.caption(better.summary)
