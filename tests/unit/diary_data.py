"""Synthetic diary frames in the shape ``backcare.diary`` hands to the charts.

Used by the unit, AppTest and browser tests and by bench/bench_diary.py. Deterministic
(seeded), no real person's data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backcare.diary.frames import EVENT_COLUMNS, FRAME_COLUMNS, SCREENING_COLUMNS

START = pd.Timestamp("2025-01-06 08:00")


def entries_frame(rows: list[tuple] | None = None) -> pd.DataFrame:
    """Entries from (timestamp, pain[, flare[, exercised[, minutes]]]) tuples."""
    records = []
    for row in rows or []:
        ts, pain, *rest = row
        flare = rest[0] if len(rest) > 0 else False
        exercised = rest[1] if len(rest) > 1 else False
        minutes = rest[2] if len(rest) > 2 else np.nan
        records.append((pd.Timestamp(ts), pain, flare, exercised, minutes))
    frame = pd.DataFrame(
        records, columns=["timestamp", "pain", "flare", "exercised", "exercise_minutes"]
    )
    return _finish(frame)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    n = len(frame)
    frame = frame.assign(
        medication_taken=np.zeros(n, dtype=bool),
        mood=np.full(n, np.nan),
        sleep_hours=np.full(n, np.nan),
    )
    frame = frame.astype(FRAME_COLUMNS)  # the charts contract, from backcare.diary
    columns = [
        "timestamp",
        "pain",
        "flare",
        "medication_taken",
        "exercised",
        "exercise_minutes",
        "mood",
        "sleep_hours",
    ]
    return frame[columns].sort_values("timestamp", kind="stable").reset_index(drop=True)


def synthetic_entries(
    days: int | None = None,
    *,
    n_entries: int | None = None,
    per_day: int = 3,
    start: pd.Timestamp = START,
    seed: int = 7,
) -> pd.DataFrame:
    """A diary of ``days`` days (or ``n_entries`` entries) with ``per_day`` entries a day.

    Pain drifts down slowly, with noise; about one day in ten is a flare; about every
    other day is an exercise day, and the day after an exercise day is a little easier.
    """
    if (days is None) == (n_entries is None):
        raise ValueError("give exactly one of days or n_entries")
    n = n_entries if n_entries is not None else days * per_day
    n_days = -(-n // per_day)
    rng = np.random.default_rng(seed)
    day_index = np.arange(n) // per_day
    hours = np.tile(np.linspace(0, 12, per_day, endpoint=False), n_days)[:n]
    timestamps = start + pd.to_timedelta(day_index, unit="D") + pd.to_timedelta(hours, unit="h")
    exercise_day = rng.random(n_days) < 0.5
    flare_day = rng.random(n_days) < 0.1
    trend = 7 - 3 * np.arange(n_days) / max(n_days, 1)
    after_exercise = np.concatenate([[False], exercise_day[:-1]])
    level = trend - 0.8 * after_exercise + 2.5 * flare_day
    pain = np.clip(np.rint(level[day_index] + rng.normal(0, 1, n)), 0, 10).astype("int64")
    exercised = exercise_day[day_index] & (hours == hours.min())
    minutes = np.where(exercised, 20.0, np.nan)
    frame = pd.DataFrame(
        {
            "timestamp": timestamps,
            "pain": pain,
            "flare": flare_day[day_index] & (hours == hours.max()),
            "exercised": exercised,
            "exercise_minutes": minutes,
        }
    )
    return _finish(frame)


def events_frame(rows: list[tuple] | None = None) -> pd.DataFrame:
    """Events from (date, label) tuples."""
    frame = pd.DataFrame(
        [(pd.Timestamp(d), label) for d, label in rows or []], columns=list(EVENT_COLUMNS)
    )
    return frame.astype({"date": "datetime64[ns]", "label": "str"})


def screenings_frame(rows: list[tuple] | None = None) -> pd.DataFrame:
    """Screenings from (date, instrument, score) tuples."""
    frame = pd.DataFrame(
        [(pd.Timestamp(d), i, float(s)) for d, i, s in rows or []],
        columns=list(SCREENING_COLUMNS),
    )
    return frame.astype({"date": "datetime64[ns]", "instrument": "str", "score": "float64"})


def demo_frames(days: int = 120) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Entries, events and screenings of a plausible diary of ``days`` days."""
    entries = synthetic_entries(days)
    first = entries["timestamp"].iloc[0].normalize()
    events = events_frame(
        [
            (first + pd.Timedelta(days=1), "Screening done"),
            (first + pd.Timedelta(days=30), "Routine started"),
            (first + pd.Timedelta(days=90), "Screening done"),
        ]
    )
    screenings = screenings_frame(
        [
            (first + pd.Timedelta(days=1), "start_back", 5),
            (first + pd.Timedelta(days=1), "oswestry", 42),
            (first + pd.Timedelta(days=1), "peg", 6.7),
            (first + pd.Timedelta(days=45), "oswestry", 36),
            (first + pd.Timedelta(days=45), "peg", 5.7),
            (first + pd.Timedelta(days=90), "start_back", 3),
            (first + pd.Timedelta(days=90), "oswestry", 28),
            (first + pd.Timedelta(days=90), "peg", 4.0),
        ]
    )
    return entries, events, screenings
