"""Pain diary frames: the one home of the chart frames' columns and event labels.

``backcare.analytics``, ``backcare.charts``, ``backcare.reports``, the store's fast frame
read and the demo all read the names here. Plain pandas, no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from backcare.diary.model import Entry, Event, Screening

# Event labels marked on the pain chart. The first "Routine started" divides the before/after
# comparison (backcare.analytics); "Screening done" is added for each day with screenings.
ROUTINE_STARTED = "Routine started"
SCREENING_DONE = "Screening done"

# The entries frame: its columns and dtypes (entries_frame, and the SQL store's frame read).
FRAME_COLUMNS: dict[str, str] = {
    "timestamp": "datetime64[ns]",
    "pain": "int64",
    "flare": "bool",
    "medication_taken": "bool",
    "exercised": "bool",
    "exercise_minutes": "float64",
    "mood": "float64",
    "sleep_hours": "float64",
}
# The columns each input frame of backcare.analytics must have (the entries: a subset).
ENTRY_COLUMNS: tuple[str, ...] = ("timestamp", "pain", "flare", "exercised", "exercise_minutes")
EVENT_COLUMNS: tuple[str, ...] = ("date", "label")
SCREENING_COLUMNS: tuple[str, ...] = ("date", "instrument", "score")


def entries_frame(entries: Iterable[Entry]) -> pd.DataFrame:
    """Entries as a frame for charts: FRAME_COLUMNS with their dtypes, sorted by time."""
    rows = [
        (
            e.timestamp,
            e.pain,
            e.flare,
            e.medication_taken,
            e.exercised,
            math.nan if e.exercise_minutes is None else float(e.exercise_minutes),
            math.nan if e.mood is None else float(e.mood),
            math.nan if e.sleep_hours is None else e.sleep_hours,
        )
        for e in entries
    ]
    frame = pd.DataFrame.from_records(rows, columns=list(FRAME_COLUMNS))
    frame = frame.astype(FRAME_COLUMNS)
    return frame.sort_values("timestamp", kind="stable", ignore_index=True)


def events_frame(events: Iterable[Event], screenings: Iterable[Screening] = ()) -> pd.DataFrame:
    """Chart marks: stored events plus one SCREENING_DONE per day with screenings."""
    rows = [(pd.Timestamp(e.date), e.label) for e in events]
    screening_days = sorted({s.taken_at.date() for s in screenings})
    rows += [(pd.Timestamp(day), SCREENING_DONE) for day in screening_days]
    frame = pd.DataFrame.from_records(rows, columns=list(EVENT_COLUMNS))
    frame = frame.astype({"date": "datetime64[ns]", "label": str})
    return frame.sort_values("date", kind="stable", ignore_index=True)


def screenings_frame(screenings: Iterable[Screening]) -> pd.DataFrame:
    """Screening scores over time: date, instrument, score."""
    rows = [(s.taken_at, s.instrument, s.score) for s in screenings]
    frame = pd.DataFrame.from_records(rows, columns=list(SCREENING_COLUMNS))
    frame = frame.astype({"date": "datetime64[ns]", "instrument": str, "score": "float64"})
    return frame.sort_values("date", kind="stable", ignore_index=True)
