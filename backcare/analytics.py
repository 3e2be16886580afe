"""Diary analytics: turn diary entries into what the charts and summaries show.

Plain pandas, no Streamlit. Every result is a frozen dataclass with the numbers and a
plain-language ``.summary`` made only of numbers, dates and our own words (never user
text), so the page may show it as markdown.

Input frames (the contract with ``backcare.diary``):
- ``entries``: ``timestamp`` (datetime64, naive), ``pain`` (int 0-10), ``flare``,
  ``medication_taken``, ``exercised`` (bool), ``exercise_minutes``, ``mood``,
  ``sleep_hours`` (float, NaN when unknown); sorted by timestamp; may be empty.
- ``events``: ``date`` (datetime64), ``label`` (str), e.g. "Routine started".
- ``screenings``: ``date`` (datetime64), ``instrument`` ("start_back" | "oswestry" |
  "peg"), ``score`` (float).

Choices made here (documented once, used everywhere):
- A day's pain is the mean of that day's entries; its range is the day's lowest and
  highest entry. Weeks and months average their *days* (each day counts once, however
  many entries it has) and keep the lowest and highest entry of the period.
- Points rule: a chart never carries more than ``MAX_POINTS`` (1,500) rows. The shown
  span picks the granularity: days if it touches at most ``SHOWN_POINTS`` (400) days, else
  weeks (Monday to Sunday) if at most 400 weeks, else months (years only past 1,500
  months, 125 years, a safety net). 400 is about one point per 2.5 pixels of the wide
  chart, the most that still stand apart to the eye: so "1 year" is always days, and
  "All" on 10 years is 120 months rather than 522 weeks, which also draws faster
  (bench/README.md, "Interaction").
- Smoothing: on days, a 7-day rolling mean of the daily means (the days with entries in
  the 7 calendar days ending that day); on weeks, a 4-week rolling mean of the weekly
  means; on months, a 3-month rolling mean of the monthly means (years: 3 years).
  Computed on the whole diary before cutting to the shown range, so the first shown
  points are smoothed too.
- An exercise day is a day with an entry that says "did my exercises" or gives exercise
  minutes above 0. A flare day is a day with an entry marked "flare".
- Before/after: mean of the daily means of each period, rounded to one decimal as it is
  shown, then compared with ``backcare.change.meaningful_change("pain", ...)`` (the MIC
  table, ``backcare.change.MIC``). No verdict until each period has ``MIN_DAYS_PER_PERIOD``
  (7) days with entries: with fewer, one unusual day moves the average too far. The text
  says that back pain often gets better by itself, so it shows change, not its cause.
- Screening trends compare the first and the latest score as they are shown (Oswestry
  whole percent, PEG one decimal) against the same MIC table.
- "What goes with better days" needs ``MIN_DAYS_EACH`` (7) next-day pairs in each group:
  with fewer, one or two unusual days would decide the answer. Two factors, by the same
  rule: an exercise day (``better_days``) and a day with a logged routine session
  (``better_after_sessions``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from backcare.change import (
    Change,
    as_read,
    fmt_score,
    meaningful_change,
    readable_target,
)
from backcare.diary.frames import ENTRY_COLUMNS, EVENT_COLUMNS, SCREENING_COLUMNS
from backcare.diary.frames import ROUTINE_STARTED as ROUTINE_EVENT
from backcare.diary.model import PAIN_MAX, PAIN_MIN
from backcare.screening.instruments import INSTRUMENTS

MAX_POINTS = 1_500
"""The most rows a chart carries, whatever the diary's length."""

SHOWN_POINTS = 400
"""Days, or else weeks, are shown while the span has at most this many of them."""

RANGES: dict[str, int | None] = {
    "2 weeks": 14,
    "3 months": 91,
    "1 year": 365,
    "All": None,
}
"""Range choices for the pain chart: label -> number of days (None: the whole diary)."""

COMPARE_DAYS = 14
"""Length of each period in the before/after comparison (the issue's default: 2 weeks)."""

MIN_DAYS_EACH = 7
"""Next-day pairs needed in each group before "what goes with better days" is shown."""

MIN_DAYS_PER_PERIOD = 7
"""Days with entries needed in each period before before/after gives a verdict (issue 12):
a week of entries, so one unusual day cannot decide the average."""

NATURAL_COURSE_NOTE = (
    "Back pain often gets better on its own over weeks, so this shows how your pain "
    "changed, not what made it change."
)
"""Said with every before/after verdict. Source: NHS, Back pain (pain usually eases within
a few weeks); Hartvigsen et al., Lancet 2018 (most episodes improve)."""

Granularity = Literal["day", "week", "month", "year"]


# The smoothed line's name, shown in the chart's legend and subtitle (how it is computed:
# "Smoothing" in the module docstring).
_SMOOTHING = {
    "day": "7-day average",
    "week": "4-week average",
    "month": "3-month average",
    "year": "3-year average",
}
_PERIOD_WORD = {"day": "day", "week": "week", "month": "month", "year": "year"}


# --------------------------------------------------------------------------- helpers


_DATE_COLUMN = {"entries": "timestamp", "events": "date", "screenings": "date"}


def check_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    """Raise ValueError naming what is wrong with one input frame: missing columns, a date
    column that is not a plain (time-zone free) datetime, pain outside 0-10."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing the column(s) {', '.join(missing)}; "
            f"expected at least {', '.join(columns)}"
        )
    date_column = _DATE_COLUMN.get(name)
    if date_column is not None and not (
        pd.api.types.is_datetime64_dtype(frame[date_column])
        and getattr(frame[date_column].dt, "tz", None) is None
    ):
        raise ValueError(
            f"{name}.{date_column} must hold dates without a time zone (datetime64), "
            f"got {frame[date_column].dtype}"
        )
    if name == "entries" and len(frame):
        pain = frame["pain"]
        if not pd.api.types.is_numeric_dtype(pain) or pd.api.types.is_bool_dtype(pain):
            # The value itself is not repeated: it could be any text.
            raise ValueError(
                f"entries.pain must be a number from {PAIN_MIN} to {PAIN_MAX}, got {pain.dtype}"
            )
        bad = ~pain.between(PAIN_MIN, PAIN_MAX)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise ValueError(
                f"entries.pain must be a number from {PAIN_MIN} to {PAIN_MAX}; row {row + 1} has "
                f"{float(pain.iloc[row]):g}"
            )


def fmt_date(value: pd.Timestamp) -> str:
    """A date in plain words, e.g. '3 Mar 2026'."""
    return f"{value.day} {value:%b %Y}"


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def daily(entries: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar day with entries.

    Columns: ``day`` (datetime, midnight), ``mean``, ``low``, ``high`` (pain),
    ``entries`` (count), ``flare`` and ``exercise`` (bool: any entry that day).
    """
    check_columns(entries, ENTRY_COLUMNS, "entries")
    if entries.empty:
        return pd.DataFrame(
            {
                "day": pd.Series(dtype="datetime64[ns]"),
                "mean": pd.Series(dtype="float64"),
                "low": pd.Series(dtype="float64"),
                "high": pd.Series(dtype="float64"),
                "entries": pd.Series(dtype="int64"),
                "flare": pd.Series(dtype="bool"),
                "exercise": pd.Series(dtype="bool"),
            }
        )
    pain = entries["pain"].astype("float64")
    minutes = entries["exercise_minutes"].astype("float64").fillna(0.0)
    work = pd.DataFrame(
        {
            "day": entries["timestamp"].dt.normalize(),
            "pain": pain,
            "flare": entries["flare"].astype(bool),
            "exercise": entries["exercised"].astype(bool) | (minutes > 0),
        }
    )
    grouped = work.groupby("day", sort=True)
    out = grouped.agg(
        mean=("pain", "mean"), low=("pain", "min"), high=("pain", "max"), entries=("pain", "count")
    )
    out["flare"] = grouped["flare"].any()
    out["exercise"] = grouped["exercise"].any()
    out = out.reset_index()
    out["entries"] = out["entries"].astype("int64")
    return out


def period_count(start: pd.Timestamp, end: pd.Timestamp, granularity: Granularity) -> int:
    """How many days, weeks (Monday to Sunday), months or years the span touches."""
    if end < start:
        raise ValueError(f"the span ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    if granularity == "day":
        return (end.normalize() - start.normalize()).days + 1
    if granularity == "week":
        return (_period_start(end, "week") - _period_start(start, "week")).days // 7 + 1
    if granularity == "month":
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return end.year - start.year + 1


def choose_granularity(start: pd.Timestamp, end: pd.Timestamp) -> Granularity:
    """Days or weeks while there are at most ``SHOWN_POINTS`` of them, else months (at most
    ``MAX_POINTS``), years as a last resort."""
    for granularity in ("day", "week"):
        if period_count(start, end, granularity) <= SHOWN_POINTS:
            return granularity
    if period_count(start, end, "month") <= MAX_POINTS:
        return "month"
    # Only for spans over 125 years (pandas dates cover 1677-2262, under 1,500 years).
    return "year"


def _periods(days: pd.DataFrame, granularity: Granularity) -> pd.DataFrame:
    """Group daily rows into weeks (starting Monday) or months; keep days as they are."""
    if granularity == "day":
        out = days.rename(columns={"day": "period"}).copy()
        out["flare_days"] = out["flare"].astype("int64")
        out["exercise_days"] = out["exercise"].astype("int64")
        out["days"] = 1
        return out
    if granularity == "week":
        key = days["day"] - pd.to_timedelta(days["day"].dt.day_of_week, unit="D")
    else:
        freq = "M" if granularity == "month" else "Y"
        key = days["day"].dt.to_period(freq).dt.to_timestamp()
    grouped = days.assign(period=key).groupby("period", sort=True)
    out = grouped.agg(
        mean=("mean", "mean"),
        low=("low", "min"),
        high=("high", "max"),
        entries=("entries", "sum"),
        flare_days=("flare", "sum"),
        exercise_days=("exercise", "sum"),
        days=("mean", "size"),
    ).reset_index()
    out["flare"] = out["flare_days"] > 0
    out["exercise"] = out["exercise_days"] > 0
    return out


def _rolling(periods: pd.DataFrame, granularity: Granularity) -> pd.Series:
    if periods.empty:
        return pd.Series(dtype="float64")
    if granularity == "day":
        rolled = periods.set_index("period")["mean"].rolling("7D", min_periods=1).mean()
        return pd.Series(rolled.to_numpy(), index=periods.index)
    window = 4 if granularity == "week" else 3  # 4 weeks; 3 months or 3 years
    return periods["mean"].rolling(window, min_periods=1).mean()


# --------------------------------------------------------------------------- pain over time


@dataclass(frozen=True)
class PainSeries:
    """What the pain-over-time chart shows, at most ``MAX_POINTS`` rows.

    ``frame`` columns: ``period`` (start of the day, week or month), ``mean``, ``low``,
    ``high``, ``rolling``, ``entries``, ``days``, ``flare_days``, ``exercise_days``,
    ``flare`` and ``exercise`` (bool).
    """

    frame: pd.DataFrame
    range_label: str
    granularity: Granularity
    smoothing: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    summary: str


def pain_over_time(entries: pd.DataFrame, range_label: str = "All") -> PainSeries:
    """Aggregate the diary for the chosen range (counted back from the last entry)."""
    if range_label not in RANGES:
        raise ValueError(f"unknown range {range_label!r}; choose one of {', '.join(RANGES)}")
    days = daily(entries)
    if days.empty:
        empty = _periods(days, "day").assign(rolling=pd.Series(dtype="float64"))
        return PainSeries(
            empty, range_label, "day", _SMOOTHING["day"], None, None, "No diary entries yet."
        )
    end = days["day"].iloc[-1]
    span = RANGES[range_label]
    start = days["day"].iloc[0] if span is None else end - pd.Timedelta(days=span - 1)
    granularity = choose_granularity(start, end)
    # Smooth over the whole diary first, then cut, so the first shown point is smoothed too.
    periods = _periods(days, granularity)
    periods["rolling"] = _rolling(periods, granularity)
    shown = periods[periods["period"] >= _period_start(start, granularity)].reset_index(drop=True)
    shown_days = days[days["day"] >= start]
    return PainSeries(
        frame=shown,
        range_label=range_label,
        granularity=granularity,
        smoothing=_SMOOTHING[granularity],
        start=start,
        end=end,
        summary=_pain_summary(shown_days, shown, granularity, start, end),
    )


def _period_start(day: pd.Timestamp, granularity: Granularity) -> pd.Timestamp:
    if granularity == "week":
        return day - pd.Timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "year":
        return day.replace(month=1, day=1)
    return day


def _pain_summary(
    days: pd.DataFrame,
    shown: pd.DataFrame,
    granularity: Granularity,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> str:
    if days.empty:
        return f"No entries between {fmt_date(start)} and {fmt_date(end)}."
    best = days.iloc[days["mean"].argmin()]  # the first lowest, as idxmin
    worst = days.iloc[days["mean"].argmax()]
    parts = [
        f"From {fmt_date(start)} to {fmt_date(end)} you wrote "
        f"{_plural(int(days['entries'].sum()), 'entry', 'entries')} "
        f"on {_plural(len(days), 'day')}.",
        f"Average pain {_fmt(days['mean'].mean())} out of 10.",
        f"Best day {fmt_date(best['day'])} (average {_fmt(best['mean'])}), "
        f"hardest day {fmt_date(worst['day'])} (average {_fmt(worst['mean'])})."
        if len(days) > 1
        else "",
        f"{_plural(int(days['flare'].sum()), 'flare day')} and "
        f"{_plural(int(days['exercise'].sum()), 'exercise day')}.",
    ]
    if granularity != "day":
        parts.append(
            f"The chart shows one point per {_PERIOD_WORD[granularity]} "
            f"({len(shown)} points) so it stays quick."
        )
    if len(shown) >= 2:
        first, last = shown["rolling"].iloc[0], shown["rolling"].iloc[-1]
        parts.append(f"The smoothed line went from {_fmt(first)} to {_fmt(last)}.")
    return " ".join(part for part in parts if part)


# --------------------------------------------------------------------------- before / after


@dataclass(frozen=True)
class Period:
    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    mean: float | None  # mean of the daily means; None without entries
    days: int  # days with entries


@dataclass(frozen=True)
class Comparison:
    """Two periods of pain compared against the minimal important change."""

    before: Period | None
    after: Period | None
    anchor: Literal["routine", "first_last"]
    change: Change | None  # None until both periods have MIN_DAYS_PER_PERIOD days with entries
    summary: str

    @property
    def target(self) -> float | None:
        """Average pain (as shown, one decimal) at or below which the later period is a
        meaningful improvement; None when no average could be."""
        if self.before is None or self.before.mean is None:
            return None
        return readable_target("pain", as_read("pain", self.before.mean))


def _period(days: pd.DataFrame, label: str, start: pd.Timestamp, end: pd.Timestamp) -> Period:
    inside = days[(days["day"] >= start) & (days["day"] <= end)]
    mean = float(inside["mean"].mean()) if len(inside) else None
    return Period(label, start, end, mean, len(inside))


def routine_start(events: pd.DataFrame) -> pd.Timestamp | None:
    """The date of the first "Routine started" event, or None."""
    check_columns(events, EVENT_COLUMNS, "events")
    started = events[events["label"] == ROUTINE_EVENT]
    if started.empty:
        return None
    return pd.Timestamp(started["date"].min()).normalize()


def compare_periods(
    entries: pd.DataFrame, events: pd.DataFrame, days: int = COMPARE_DAYS
) -> Comparison:
    """Compare the ``days`` before the routine started with the last ``days``.

    Without a "Routine started" event, compare the first ``days`` with the last ``days``
    (and say so). The last period ends on the day of the last entry.
    """
    if days < 1:
        raise ValueError(f"a period must be at least 1 day, got {days}")
    daily_rows = daily(entries)
    started = routine_start(events)
    anchor: Literal["routine", "first_last"] = "routine" if started is not None else "first_last"
    span = pd.Timedelta(days=days - 1)
    if daily_rows.empty:
        return Comparison(None, None, anchor, None, "No diary entries yet to compare.")
    first, last = daily_rows["day"].iloc[0], daily_rows["day"].iloc[-1]
    weeks = f"{days} days" if days % 7 else _plural(days // 7, "week")
    if started is not None:
        before = _period(
            daily_rows,
            f"{weeks} before routine",
            started - pd.Timedelta(days=days),
            started - pd.Timedelta(days=1),
        )
        how = f"the {weeks} before your routine started ({fmt_date(started)})"
        if last < started:
            return Comparison(
                before,
                None,
                anchor,
                None,
                f"Your routine started on {fmt_date(started)}. Add diary entries from that day "
                "on to compare with before.",
            )
        after_start = max(last - span, started)
    else:
        before = _period(daily_rows, f"First {weeks}", first, first + span)
        after_start = last - span
        how = f"your first {weeks}"
    after_label = f"Last {weeks}"
    if started is not None and after_start == started and last - started < span:
        after_label = "Since routine started"  # fewer than `days` days so far
    after = _period(daily_rows, after_label, after_start, last)
    lead = (
        f"Comparing {how} with your last {weeks}."
        if started is not None
        else f"No routine start is recorded, so this compares {how} with your last {weeks}."
    )
    if after.start <= before.end:
        need = "" if started is not None else f" It needs at least {2 * days} days of diary."
        return Comparison(
            before, after, anchor, None, f"{lead} The two periods overlap, so not yet.{need}"
        )
    if min(before.days, after.days) < MIN_DAYS_PER_PERIOD:
        return Comparison(
            before,
            after,
            anchor,
            None,
            f"{lead} Not enough days yet to compare: each period needs at least "
            f"{MIN_DAYS_PER_PERIOD} days with entries. So far '{before.label}' "
            f"({fmt_date(before.start)} to {fmt_date(before.end)}) has "
            f"{_plural(before.days, 'day')} and '{after.label}' has {after.days}.",
        )
    if before.mean is None or after.mean is None:  # pragma: no cover - 7+ days give a mean
        raise RuntimeError("a period with days of entries has no average")
    change = meaningful_change("pain", as_read("pain", before.mean), as_read("pain", after.mean))
    summary = (
        f"{lead} Average pain {_fmt(change.before)} ({_plural(before.days, 'day')} with "
        f"entries) then {_fmt(change.after)} ({_plural(after.days, 'day')}): "
        f"{change.movement}. This is {change.verdict}. The rule: {change.rule} "
        f"({change.source}). {NATURAL_COURSE_NOTE}"
    )
    return Comparison(before, after, anchor, change, summary)


# --------------------------------------------------------------------------- screenings


@dataclass(frozen=True)
class ScreeningTrend:
    """One instrument's scores over time, against its minimal important change."""

    instrument: str
    name: str
    frame: pd.DataFrame  # columns: date, score
    scale_max: float
    target: float | None  # score that would be a meaningful improvement on the first
    change: Change | None  # first score vs latest score
    summary: str


def screening_trends(screenings: pd.DataFrame) -> list[ScreeningTrend]:
    """One trend per instrument present, in the registry's order (STarT Back, Oswestry,
    Roland-Morris, PEG, PSFS)."""
    check_columns(screenings, SCREENING_COLUMNS, "screenings")
    unknown = sorted(set(screenings["instrument"]) - set(INSTRUMENTS))
    if unknown:
        raise ValueError(
            f"unknown screening instrument(s) {', '.join(map(str, unknown))}; "
            f"expected {', '.join(INSTRUMENTS)}"
        )
    trends = []
    for instrument, entry in INSTRUMENTS.items():
        name = entry.name
        rows = screenings[screenings["instrument"] == instrument]
        if rows.empty:
            continue
        frame = (
            rows[["date", "score"]]
            .astype({"score": "float64"})
            .sort_values("date", kind="stable")
            .reset_index(drop=True)
        )
        trends.append(_trend(instrument, name, frame))
    return trends


def _trend(instrument: str, name: str, frame: pd.DataFrame) -> ScreeningTrend:
    first_date, latest_date = frame["date"].iloc[0], frame["date"].iloc[-1]
    entry = INSTRUMENTS[instrument]
    scale_max = entry.scale_max
    count = _plural(len(frame), "score")
    mic = entry.mic
    if mic is None:
        # STarT Back sorts people into risk groups; the registry says why it has no MIC.
        latest = float(frame["score"].iloc[-1])
        summary = (
            f"{name}: {count}, latest {entry.shown(latest)} out of {scale_max:g} on "
            f"{fmt_date(latest_date)}. {entry.no_mic}"
        )
        return ScreeningTrend(instrument, name, frame, scale_max, None, None, summary)
    # Compared as shown: Oswestry whole percent, PEG one decimal.
    first = as_read(instrument, frame["score"].iloc[0])
    latest = as_read(instrument, frame["score"].iloc[-1])
    target = readable_target(instrument, first)
    scale = f"scale 0 to {scale_max:g}{mic.unit}; {entry.better} is better"
    rule = f"The rule: {mic.rule} ({mic.source})."
    if target is None:
        end = "low" if entry.better == "lower" else "high"
        aim = (
            f"From a first score this {end}, no {entry.better} score would count as a "
            "meaningful change."
        )
    else:
        aim = (
            f"A score of {fmt_score(instrument, target)} or {entry.better} {{when}} a "
            "meaningful improvement on the first score."
        )
    if len(frame) < 2:
        summary = (
            f"{name}: one score so far, {fmt_score(instrument, first)} on "
            f"{fmt_date(first_date)} ({scale}). "
            f"{aim.format(when='next time would be')} {rule}"
        )
        return ScreeningTrend(instrument, name, frame, scale_max, target, None, summary)
    change = meaningful_change(instrument, first, latest)
    summary = (
        f"{name}: {count}. First {fmt_score(instrument, first)} on {fmt_date(first_date)}, "
        f"latest {fmt_score(instrument, latest)} on {fmt_date(latest_date)} ({scale}): "
        f"{change.movement}, {change.verdict}. "
        f"{aim.format(when='(the dashed line) is')} {rule}"
    )
    return ScreeningTrend(instrument, name, frame, scale_max, target, change, summary)


# --------------------------------------------------------------------------- better days


@dataclass(frozen=True)
class BetterDays:
    """Pain on the day after a day with the factor (an exercise day; a day with a logged
    routine session) versus the day after other days."""

    after_exercise_mean: float | None
    after_other_mean: float | None
    after_exercise_days: int
    after_other_days: int
    enough: bool
    summary: str
    factor: str = "an exercise day"  # in the summary: "on the day after an exercise day"
    title: str = "Pain the day after exercise and other days"  # the chart's title
    label: str = "After an exercise day"  # the chart's group label, short for a phone

    @property
    def difference(self) -> float | None:
        """after the factor minus after other days; negative: lower pain after it."""
        if self.after_exercise_mean is None or self.after_other_mean is None:
            return None
        return self.after_exercise_mean - self.after_other_mean


ASSOCIATION_NOTE = (
    "This shows what goes together in your diary, not what causes what. Other things, "
    "like sleep, work or a flare, can change both."
)
SESSION_FACTOR = "a day with a logged routine session"
SESSION_TITLE = "Pain the day after a session and other days"
SESSION_LABEL = "After a session day"


def _better(
    days: pd.DataFrame,
    marked: pd.Series,
    min_days: int,
    words: tuple[str, str, str] = ("an exercise day", BetterDays.title, BetterDays.label),
) -> BetterDays:
    """The comparison over ``days`` (``daily``), ``marked`` saying which days had the
    factor, ``words`` its (factor, title, label). Only pairs of consecutive calendar days
    that both have entries count; hidden (``enough`` is False) until each group has at
    least ``min_days`` pairs."""
    factor = words[0]
    if min_days < 1:
        raise ValueError(f"min_days must be at least 1, got {min_days}")
    previous = days.shift(1)
    follows = (days["day"] - previous["day"]) == pd.Timedelta(days=1)
    after_marked = marked.shift(1, fill_value=False).astype(bool)
    pairs = days[follows].assign(after=after_marked[follows])
    after_ex = pairs.loc[pairs["after"], "mean"]
    after_other = pairs.loc[~pairs["after"], "mean"]
    n_ex, n_other = len(after_ex), len(after_other)
    mean_ex = float(after_ex.mean()) if n_ex else None
    mean_other = float(after_other.mean()) if n_other else None
    enough = n_ex >= min_days and n_other >= min_days
    if not enough or mean_ex is None or mean_other is None:  # enough: both means exist
        summary = (
            f"Not enough days yet. This needs at least {min_days} days after {factor} "
            f"and {min_days} days after other days, each with entries on both days. "
            f"So far: {n_ex} and {n_other}."
        )
        return BetterDays(mean_ex, mean_other, n_ex, n_other, False, summary, *words)
    diff = mean_ex - mean_other
    if abs(diff) < 0.5:
        compare = "about the same as"
    elif diff < 0:
        compare = f"{abs(diff):.1f} points lower than"
    else:
        compare = f"{diff:.1f} points higher than"
    summary = (
        f"On the day after {factor} your pain averaged {_fmt(mean_ex)} "
        f"({_plural(n_ex, 'day')}); on the day after other days it averaged "
        f"{_fmt(mean_other)} ({_plural(n_other, 'day')}). That is {compare} after other days. "
        + ASSOCIATION_NOTE
    )
    return BetterDays(mean_ex, mean_other, n_ex, n_other, True, summary, *words)


def better_days(entries: pd.DataFrame, min_days: int = MIN_DAYS_EACH) -> BetterDays:
    """Average pain on days that follow an exercise day versus days that follow other days.

    Only pairs of consecutive calendar days that both have entries count. Hidden (``enough``
    is False) until each group has at least ``min_days`` pairs.
    """
    if min_days < 1:
        raise ValueError(f"min_days must be at least 1, got {min_days}")
    days = daily(entries)
    return _better(days, days["exercise"], min_days)


def better_after_sessions(
    entries: pd.DataFrame, session_days: Iterable[date], min_days: int = MIN_DAYS_EACH
) -> BetterDays:
    """Average pain on days that follow a day with a logged routine session
    (``backcare.records.SessionRecord``) versus days that follow other days: the same
    pairs and the same minimum as ``better_days`` (each day of a pair with diary entries,
    ``min_days`` pairs in each group), so a session day without a diary entry does not
    count."""
    if min_days < 1:
        raise ValueError(f"min_days must be at least 1, got {min_days}")
    days = daily(entries)
    logged = {pd.Timestamp(d) for d in session_days}
    marked = days["day"].isin(logged)
    return _better(days, marked, min_days, (SESSION_FACTOR, SESSION_TITLE, SESSION_LABEL))
