"""The diary's charts section: range choice, charts, and a plain summary under each chart.

Called by pages/4_Pain_diary.py as ``render_diary_charts(entries, events, screenings)``.

Caching: the aggregation runs in ``_prepare``, an ``st.cache_data`` function. The cache is
shared by every session of one server, so it is keyed by a SHA-256 digest of the *whole*
content of the three frames (``pandas.util.hash_pandas_object``) plus the chosen range.
We do not rely on Streamlit's own DataFrame hashing: from 50,000 rows it hashes a sample
of 10,000 rows, so an edit to one entry of a long diary could show stale charts. A cache
hit therefore needs exactly the same data; user data is never cached unkeyed. The frames
themselves are passed as ``_``-prefixed (unhashed) arguments next to their digest.

Summaries are built by ``backcare.analytics`` from numbers, dates and our own words, never
from user text, so they are safe to show with ``st.caption``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from backcare import analytics, charts

RANGE_KEY = "bc_diary_chart_range"
RANGE_LABEL = "Time range to show"
NOT_ENOUGH_TITLE = "Not enough days yet"
DATE_COLUMNS = {"period", "date"}  # the date columns of the frames backcare.charts draws


@dataclass(frozen=True)
class Prepared:
    """Everything the section draws, small: at most ``analytics.MAX_POINTS`` chart rows.

    The charts are kept as finished Vega-Lite specs: building and validating six Altair
    charts costs about 0.2 s, too much to repeat on every rerun of the diary page.
    """

    series: analytics.PainSeries
    comparison: analytics.Comparison
    trends: list[analytics.ScreeningTrend]
    better: analytics.BetterDays
    pain_spec: dict | None
    comparison_spec: dict | None
    trend_specs: list[dict]
    better_spec: dict | None


def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """A validated Vega-Lite spec of an Altair chart, its datasets as DataFrames.

    ``st.vega_lite_chart`` sends each dataset as Arrow, as ``st.altair_chart`` would. The
    default theme's view size is dropped: Streamlit sizes the chart to its container.
    """
    spec = chart.to_dict()
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
def _prepare(
    digest: str,
    range_label: str,
    _entries: pd.DataFrame,
    _events: pd.DataFrame,
    _screenings: pd.DataFrame,
) -> Prepared:
    """Aggregate and build the charts. Keyed by ``digest`` (all three frames) and the range."""
    series = analytics.pain_over_time(_entries, range_label)
    comparison = analytics.compare_periods(_entries, _events)
    trends = analytics.screening_trends(_screenings)
    better = analytics.better_days(_entries)
    return Prepared(
        series=series,
        comparison=comparison,
        trends=trends,
        better=better,
        pain_spec=None
        if series.frame.empty
        else vega_spec(charts.pain_over_time_chart(series, _events)),
        comparison_spec=None
        if comparison.change is None
        else vega_spec(charts.before_after_chart(comparison)),
        trend_specs=[vega_spec(charts.screening_chart(t)) for t in trends],
        better_spec=vega_spec(charts.better_days_chart(better)) if better.enough else None,
    )


def prepare(
    entries: pd.DataFrame, events: pd.DataFrame, screenings: pd.DataFrame, range_label: str
) -> Prepared:
    """Check the frames, then return the cached aggregation for exactly this content."""
    analytics.check_columns(entries, analytics.ENTRY_COLUMNS, "entries")
    analytics.check_columns(events, analytics.EVENT_COLUMNS, "events")
    analytics.check_columns(screenings, analytics.SCREENING_COLUMNS, "screenings")
    digest = frame_digest(entries, events, screenings)
    return _prepare(digest, range_label, entries, events, screenings)


def _chart(spec: dict) -> None:
    st.vega_lite_chart(spec, width="stretch")


def render_diary_charts(
    entries: pd.DataFrame, events: pd.DataFrame, screenings: pd.DataFrame
) -> None:
    """Draw the charts section of the diary page. Shows an error, never a traceback."""
    st.subheader("Your pain over time")
    range_label = st.radio(
        RANGE_LABEL,
        list(analytics.RANGES),
        index=len(analytics.RANGES) - 1,
        horizontal=True,
        key=RANGE_KEY,
        help="Counted back from your last entry. Long ranges show weeks or months.",
    )
    try:
        prepared = prepare(entries, events, screenings, range_label)
    except ValueError as err:
        st.error(f"The charts could not be drawn: {err}")
        return

    if prepared.pain_spec is None:
        st.info("No diary entries yet. Add your first entry and your chart appears here.")
    else:
        _chart(prepared.pain_spec)
        st.caption(prepared.series.summary)

    st.subheader("Before and after")
    comparison = prepared.comparison
    if prepared.comparison_spec is None:
        st.info(comparison.summary)
    else:
        _chart(prepared.comparison_spec)
        st.caption(comparison.summary)

    st.subheader("Screening scores over time")
    if not prepared.trends:
        st.info("No screening results saved yet. Scores appear here after a screening.")
    for trend, spec in zip(prepared.trends, prepared.trend_specs, strict=True):
        _chart(spec)
        st.caption(trend.summary)

    st.subheader("What goes with better days")
    better = prepared.better
    if prepared.better_spec is None:
        st.info(f"**{NOT_ENOUGH_TITLE}.** {better.summary.removeprefix(NOT_ENOUGH_TITLE + '. ')}")
    else:
        _chart(prepared.better_spec)
        st.caption(better.summary)
