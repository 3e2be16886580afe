"""Pain diary: the entry model, validation, CSV/JSON import and export, and data frames.

Plain Python (no Streamlit). Entries are frozen values; bad values raise ``ValueError``
naming the field. ``read_entries`` checks a whole file and raises ``ImportError`` (a
``ValueError`` that shadows the builtin name inside this module, as issue 6 asks) listing
every bad row, so a page can show them all and write nothing.
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import json
import math
import operator
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal, TypeVar

import pandas as pd

from backcare.screening.instruments import INSTRUMENTS as REGISTRY

# Answer sets for the detail section.
LOCATIONS: tuple[str, ...] = (
    "lower back",
    "upper back",
    "neck",
    "left leg",
    "right leg",
    "both legs",
)
QUALITIES: tuple[str, ...] = ("aching", "stabbing", "burning", "radiating", "stiff")
# Screening instruments whose scores the store keeps over time: the registry's.
INSTRUMENTS: tuple[str, ...] = tuple(REGISTRY)
INSTRUMENT_NAMES = {key: entry.short_name for key, entry in REGISTRY.items()}

MAX_NOTE_CHARS = 2000
MAX_MEDICATION_CHARS = 200
MAX_LABEL_CHARS = 100
# Matches .streamlit/config.toml server.maxUploadSize = 5 (MB).
MAX_IMPORT_BYTES = 5 * 1024 * 1024
# 10 entries a day for 27 years; a longer file is refused before any row is checked,
# so a small file of a million tiny rows cannot keep the server busy.
MAX_IMPORT_ROWS = 100_000
# Clock differences between a phone and a server should not make "now" a future date.
FUTURE_TOLERANCE = timedelta(minutes=10)

Format = Literal["csv", "json"]

# Column order of BackCare's own export (CSV header and JSON keys).
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "timestamp",
    "pain",
    "flare",
    "medication_taken",
    "exercised",
    "locations",
    "qualities",
    "sleep_hours",
    "sleep_quality",
    "activity_minutes",
    "exercise_minutes",
    "medication",
    "mood",
    "peg_pain",
    "peg_enjoyment",
    "peg_activity",
    "note",
)
# Accepted on import as another name for "timestamp" (the simple date,pain[,note] form).
COLUMN_ALIASES = {"date": "timestamp", "time": "timestamp", "datetime": "timestamp"}
REQUIRED_COLUMNS = ("timestamp", "pain")

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

# Optional whole-number fields and their allowed range (inclusive).
_INT_RANGES: dict[str, tuple[int, int]] = {
    "sleep_quality": (0, 10),
    "activity_minutes": (0, 24 * 60),
    "exercise_minutes": (0, 24 * 60),
    "mood": (0, 10),
    "peg_pain": (0, 10),
    "peg_enjoyment": (0, 10),
    "peg_activity": (0, 10),
}
_BOOL_FIELDS = ("flare", "medication_taken", "exercised")
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return can hide one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Ids start with a letter or digit, so no exported id can look like a spreadsheet formula.
_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def new_id() -> str:
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high}, not {value}")
    return value


def _check_text(name: str, value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise ValueError(f"{name} is {len(value)} characters long; the limit is {limit}")
    return value


def _check_choices(name: str, value: Any, allowed: tuple[str, ...]) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        raise ValueError(f"{name} must be a set of choices, not one string")
    chosen = frozenset(value)
    unknown = sorted(str(v) for v in chosen - set(allowed))
    if unknown:
        raise ValueError(f"{name}: unknown choice {', '.join(unknown)}; choose from {allowed}")
    return chosen


@dataclass(frozen=True)
class Entry:
    """One diary entry. ``timestamp`` is naive local time, kept to the second."""

    timestamp: datetime
    pain: int
    owner: str = "local"
    id: str = field(default_factory=new_id)
    flare: bool = False
    medication_taken: bool = False
    exercised: bool = False
    locations: frozenset[str] = frozenset()
    qualities: frozenset[str] = frozenset()
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    activity_minutes: int | None = None
    exercise_minutes: int | None = None
    medication: str = ""
    mood: int | None = None
    peg_pain: int | None = None
    peg_enjoyment: int | None = None
    peg_activity: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        put = object.__setattr__
        if not isinstance(self.id, str) or not _ID_PATTERN.fullmatch(self.id):
            raise ValueError(
                f"id must be 1-64 letters, digits, '.', '_' or '-', starting with a letter "
                f"or digit, not {self.id!r}"
            )
        if not isinstance(self.owner, str) or not self.owner or len(self.owner) > 64:
            raise ValueError(f"owner must be a short non-empty text, not {self.owner!r}")
        ts = self.timestamp
        if isinstance(ts, date) and not isinstance(ts, datetime):
            ts = datetime(ts.year, ts.month, ts.day)
        if not isinstance(ts, datetime):
            raise ValueError(f"timestamp must be a date and time, not {ts!r}")
        if ts.tzinfo is not None:
            ts = ts.astimezone().replace(tzinfo=None)
        if ts.year < 1900:
            raise ValueError(f"timestamp {ts:%Y-%m-%d} is too far in the past")
        put(self, "timestamp", ts.replace(microsecond=0))
        put(self, "pain", _check_int("pain", self.pain, 0, 10))
        for name in _BOOL_FIELDS:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}")
        put(self, "locations", _check_choices("locations", self.locations, LOCATIONS))
        put(self, "qualities", _check_choices("qualities", self.qualities, QUALITIES))
        if self.sleep_hours is not None:
            hours = self.sleep_hours
            if isinstance(hours, bool) or not isinstance(hours, int | float):
                raise ValueError(f"sleep_hours must be a number of hours, not {hours!r}")
            if not (math.isfinite(hours) and 0 <= hours <= 24):
                raise ValueError(f"sleep_hours must be from 0 to 24, not {hours}")
            put(self, "sleep_hours", float(hours))
        for name, (low, high) in _INT_RANGES.items():
            value = getattr(self, name)
            if value is not None:
                put(self, name, _check_int(name, value, low, high))
        put(self, "medication", _check_text("medication", self.medication, MAX_MEDICATION_CHARS))
        put(self, "note", _check_text("note", self.note, MAX_NOTE_CHARS))

    def content_key(self) -> tuple:
        """Everything the person entered: two entries with equal keys are duplicates."""
        key = list(_content_values(self))
        key[_LOCATIONS_AT] = tuple(sorted(self.locations))
        key[_QUALITIES_AT] = tuple(sorted(self.qualities))
        return tuple(key)

    def same_as(self, timestamp: datetime | None = None) -> Entry:
        """A copy for "Same as last entry": new id and time, everything else kept."""
        return replace(self, id=new_id(), timestamp=timestamp or _now())

    @property
    def marks(self) -> list[str]:
        """The one-tap answers that are on, in words (never colour alone)."""
        flags = (
            (self.flare, "flare"),
            (self.medication_taken, "medication"),
            (self.exercised, "exercises"),
        )
        return [label for flag, label in flags if flag]

    def describe(self) -> str:
        """A short label ("Mon 04 Mar 2024, 08:30 · pain 4 · flare"), without the note."""
        extra = f" · {', '.join(self.marks)}" if self.marks else ""
        return f"{self.timestamp:%a %d %b %Y, %H:%M} · pain {self.pain}{extra}"

    @property
    def peg_score(self) -> float | None:
        """PEG score: the mean of its three 0-10 items (Krebs et al., JGIM 2009)."""
        items = (self.peg_pain, self.peg_enjoyment, self.peg_activity)
        if any(i is None for i in items):
            return None
        return round(sum(items) / 3, 1)  # type: ignore[arg-type]  # no None: checked above


_CONTENT_FIELDS = tuple(f.name for f in fields(Entry) if f.name not in ("id", "owner"))
_content_values = operator.attrgetter(*_CONTENT_FIELDS)
_LOCATIONS_AT = _CONTENT_FIELDS.index("locations")
_QUALITIES_AT = _CONTENT_FIELDS.index("qualities")


@dataclass(frozen=True)
class Screening:
    """A screening result kept for change over time (STarT Back, Oswestry, PEG)."""

    owner: str
    instrument: str
    taken_at: datetime
    score: float
    details: Mapping[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if self.instrument not in INSTRUMENTS:
            raise ValueError(f"instrument must be one of {INSTRUMENTS}, not {self.instrument!r}")
        if not isinstance(self.taken_at, datetime):
            raise ValueError(f"taken_at must be a date and time, not {self.taken_at!r}")
        score = self.score
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not math.isfinite(score)
        ):
            raise ValueError(f"score must be a number, not {score!r}")
        object.__setattr__(self, "score", float(score))
        taken_at = self.taken_at
        if taken_at.tzinfo is not None:
            taken_at = taken_at.astimezone().replace(tzinfo=None)
        object.__setattr__(self, "taken_at", taken_at.replace(microsecond=0))
        try:
            json.dumps(dict(self.details))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"details must be plain JSON values: {exc}") from None


@dataclass(frozen=True)
class Event:
    """Something that happened on a day, marked on the pain chart ("Routine started")."""

    owner: str
    date: date
    label: str
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        day = self.date
        if isinstance(day, datetime):
            day = day.date()
        if not isinstance(day, date):
            raise ValueError(f"date must be a date, not {day!r}")
        object.__setattr__(self, "date", day)
        label = _check_text("label", self.label, MAX_LABEL_CHARS).strip()
        if not label:
            raise ValueError("label must not be empty")
        object.__setattr__(self, "label", label)


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class RowProblem:
    row: int  # CSV: spreadsheet row number (the header is row 1); JSON: entry number
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.reason}" if self.row else self.reason


class ImportError(ValueError):  # shadows the builtin on purpose (issue 6)
    """A file that cannot be imported; ``problems`` lists every bad row."""

    def __init__(self, problems: Sequence[RowProblem], *, shown: int = 20) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:shown]]
        if len(self.problems) > shown:
            lines.append(f"... and {len(self.problems) - shown} more problems.")
        count = len(self.problems)
        head = f"Nothing was imported: {count} problem{'s' if count != 1 else ''} found."
        super().__init__("\n".join([head, *lines]))


def _parse_timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        ts = value
    elif isinstance(value, str) and value.strip():
        try:
            ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"unreadable date {value!r}; use year-month-day, like 2024-03-31 08:30"
            ) from None
    else:
        raise ValueError(f"unreadable date {value!r}; use year-month-day, like 2024-03-31 08:30")
    if ts.tzinfo is not None:
        ts = ts.astimezone().replace(tzinfo=None)
    return ts


def _parse_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"{name} must be yes or no, not {value!r}")


def _parse_number(name: str, value: Any) -> float | int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"{name} must be a number, not {value!r}") from None
        return int(number) if number.is_integer() else number
    raise ValueError(f"{name} must be a number, not {value!r}")


def _parse_choices(name: str, value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset(part.strip().lower() for part in value.split(";") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(v.strip().lower() for v in value)
    raise ValueError(f"{name} must be a list of choices, not {value!r}")


def _parse_text(name: str, value: Any, *, unescape: bool) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, not {type(value).__name__}")
    if unescape and value.startswith("'"):
        return value[1:]
    return value


def _entry_from_record(
    record: Mapping[str, Any], owner: str, *, unescape: bool, now: datetime
) -> Entry:
    """Build one entry from a row of text or JSON values; ValueError names the problem."""
    ts = _parse_timestamp(record.get("timestamp"))
    if ts > now + FUTURE_TOLERANCE:
        raise ValueError(f"date {ts:%Y-%m-%d %H:%M} is in the future")
    pain = _parse_number("pain", record.get("pain"))
    if pain is None:
        raise ValueError("pain is missing")
    if not (isinstance(pain, int) and 0 <= pain <= 10):
        raise ValueError(f"pain {pain} is outside 0-10 (whole numbers only)")
    kwargs: dict[str, Any] = {"timestamp": ts, "pain": pain, "owner": owner}
    raw_id = record.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        kwargs["id"] = raw_id.strip()
    for name in _BOOL_FIELDS:
        kwargs[name] = _parse_bool(name, record.get(name))
    kwargs["locations"] = _parse_choices("locations", record.get("locations"))
    kwargs["qualities"] = _parse_choices("qualities", record.get("qualities"))
    for name in ("sleep_hours", *_INT_RANGES):
        kwargs[name] = _parse_number(name, record.get(name))
    for name in ("medication", "note"):
        kwargs[name] = _parse_text(name, record.get(name), unescape=unescape)
    return Entry(**kwargs)


# The fast path of read_entries. A 100,000-row file took seconds when every row went through
# _entry_from_record and Entry's own checks; most of that was call overhead, not checking.
# _FastRows takes only rows whose every cell is plainly valid, checks them with the same
# rules at a lower cost (fields the file lacks are skipped, the entry is built without
# checking it twice), and raises ValueError for anything else, so that such a row goes the
# checked way and gets the same message as before. It never accepts a row that the checked
# path would refuse, and builds the same entry for a row it accepts.
_PAIN_TEXT = {str(n): n for n in range(11)}
_ENTRY_DEFAULTS = {f.name: f.default for f in fields(Entry) if f.name not in ("timestamp", "pain")}
_ENTRY_DEFAULTS.pop("id")
_CHOICE_FIELDS = {"locations": frozenset(LOCATIONS), "qualities": frozenset(QUALITIES)}
_TEXT_LIMITS = {"medication": MAX_MEDICATION_CHARS, "note": MAX_NOTE_CHARS}
# uuid4 layout: version 4 in bits 76-79, variant "10" in bits 62-63.
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def _new_ids(count: int) -> list[str]:
    """``count`` ids like new_id()'s (random uuid4 as 32 hex digits), made in one go."""
    raw = os.urandom(16 * count)
    return [
        f"{int.from_bytes(raw[i : i + 16], 'big') & _UUID4_CLEAR | _UUID4_SET:032x}"
        for i in range(0, 16 * count, 16)
    ]


class _Slow(ValueError):
    """Raised by the fast path: leave this row to the checked path."""


class _FastRows:
    def __init__(
        self,
        records: Sequence[tuple[int, Mapping[str, Any]]],
        owner: str,
        *,
        unescape: bool,
        now: datetime,
    ) -> None:
        present = {name for _, record in records for name in record}
        self.bools = [n for n in _BOOL_FIELDS if n in present]
        self.choices = [(n, c) for n, c in _CHOICE_FIELDS.items() if n in present]
        self.ranges = [(n, r) for n, r in _INT_RANGES.items() if n in present]
        self.sleep = "sleep_hours" in present
        self.texts = [(n, limit) for n, limit in _TEXT_LIMITS.items() if n in present]
        self.has_id = "id" in present
        self.unescape = unescape
        self.latest = now + FUTURE_TOLERANCE
        self.base = {**_ENTRY_DEFAULTS, "owner": owner}
        # A bad owner makes every row fail in Entry: let the checked path say so.
        self.usable = isinstance(owner, str) and 0 < len(owner) <= 64
        self.ids = _new_ids(len(records)) if self.usable else []

    def build(self, record: Mapping[str, Any]) -> tuple[Entry, tuple]:
        """The entry and its content key, or _Slow (a ValueError) for the checked path."""
        if not self.usable:
            raise _Slow
        raw = record.get("timestamp")
        if type(raw) is not str:
            raise _Slow
        ts = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))  # ValueError: slow
        if ts.tzinfo is not None or ts.year < 1900 or ts > self.latest:
            raise _Slow
        raw = record.get("pain")
        if type(raw) is str:
            pain = _PAIN_TEXT.get(raw)
            if pain is None:
                raise _Slow
        elif type(raw) is int and 0 <= raw <= 10:
            pain = raw
        else:
            raise _Slow
        values = dict(self.base)
        values["timestamp"] = ts.replace(microsecond=0) if ts.microsecond else ts
        values["pain"] = pain
        if self.has_id:
            raw = record.get("id")
            if isinstance(raw, str) and raw.strip():
                raw = raw.strip()
                if not _ID_PATTERN.fullmatch(raw):
                    raise _Slow
                values["id"] = raw
        if "id" not in values:
            values["id"] = self.ids.pop()
        for name in self.bools:
            values[name] = _parse_bool(name, record.get(name))
        for name, allowed in self.choices:
            chosen = _parse_choices(name, record.get(name))
            if not chosen <= allowed:
                raise _Slow
            values[name] = chosen
        if self.sleep:
            hours = _parse_number("sleep_hours", record.get("sleep_hours"))
            if hours is not None:
                if not 0 <= hours <= 24:  # also refuses nan and inf
                    raise _Slow
                values["sleep_hours"] = float(hours)
        for name, (low, high) in self.ranges:
            number = _parse_number(name, record.get(name))
            if number is not None:
                values[name] = _check_int(name, number, low, high)
        for name, limit in self.texts:
            text = _parse_text(name, record.get(name), unescape=self.unescape)
            if len(text) > limit:
                raise _Slow
            values[name] = text
        entry = object.__new__(Entry)
        entry.__dict__.update(values)
        key: list[Any] = list(map(values.__getitem__, _CONTENT_FIELDS))  # as Entry.content_key
        key[_LOCATIONS_AT] = tuple(sorted(key[_LOCATIONS_AT]))
        key[_QUALITIES_AT] = tuple(sorted(key[_QUALITIES_AT]))
        return entry, tuple(key)


# Columns the whole-file fast path reads (the simple date,pain[,note] form, and medication).
_PLAIN_TEXTS = {"note": MAX_NOTE_CHARS, "medication": MAX_MEDICATION_CHARS}
_PLAIN_COLUMNS = {"timestamp", "pain", *_PLAIN_TEXTS}


def _plain_csv_entries(text: str, owner: str, now: datetime) -> list[Entry] | None:
    """The entries of a CSV in the simple form when every row is valid, else None.

    The whole-file fast path of read_entries: one column at a time, no per-row calls. It
    handles only a file that read_entries would accept whole, with columns from
    _PLAIN_COLUMNS, and gives the same entries; for anything else (a bad or blank row, a
    duplicate, an id column that asks to undo the formula guard, other columns) it returns
    None and the row-by-row path reads the file and names every problem.
    """
    if not (isinstance(owner, str) and 0 < len(owner) <= 64):
        return None
    if '"' in text or "\r" in text:
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            return None
    else:  # without quotes or carriage returns, csv.reader only splits at "," and "\n"
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        rows = [line.split(",") for line in lines]
    if not 2 <= len(rows) <= MAX_IMPORT_ROWS + 1:  # too long: the checked path refuses it
        return None
    header, rows = rows[0], rows[1:]
    columns, unknown = _normalise_columns(header)
    if unknown or len(set(columns)) != len(columns) or not set(columns) <= _PLAIN_COLUMNS:
        return None
    if "timestamp" not in columns or "pain" not in columns:
        return None
    width = len(columns)
    if any(len(row) != width for row in rows):  # blank, short and long rows
        return None
    cells = dict(zip(columns, zip(*rows, strict=True), strict=True))
    try:
        stamps = list(
            map(
                datetime.fromisoformat,
                [cell.strip().replace("Z", "+00:00") for cell in cells["timestamp"]],
            )
        )
    except ValueError:
        return None
    if any(ts.tzinfo is not None for ts in stamps):
        return None
    if min(stamps).year < 1900 or max(stamps) > now + FUTURE_TOLERANCE:
        return None
    if any(ts.microsecond for ts in stamps):
        stamps = [ts.replace(microsecond=0) for ts in stamps]
    pains = list(map(_PAIN_TEXT.get, cells["pain"]))
    if None in pains:
        return None
    values: dict[str, Sequence[Any]] = {"timestamp": stamps, "pain": pains}
    for name, limit in _PLAIN_TEXTS.items():
        if name in cells:
            if max(map(len, cells[name])) > limit:
                return None
            values[name] = cells[name]
    keys = list(zip(*values.values(), strict=True))  # the other content fields are defaults
    if len(set(keys)) != len(keys):
        return None
    names = list(values)
    base = {**_ENTRY_DEFAULTS, "owner": owner}
    entries = []
    for key, entry_id in zip(keys, _new_ids(len(keys)), strict=True):
        entry = object.__new__(Entry)
        entry.__dict__.update(base, **dict(zip(names, key, strict=True)), id=entry_id)
        entries.append(entry)
    return entries


def _normalise_columns(columns: Iterable[Any]) -> tuple[list[str | None], list[str]]:
    """Map file columns to entry fields; return the mapping and the unknown names."""
    known = set(EXPORT_COLUMNS)
    mapped: list[str | None] = []
    unknown: list[str] = []
    for raw in columns:
        name = str(raw).strip().lower().replace(" ", "_")
        name = COLUMN_ALIASES.get(name, name)
        if name in known:
            mapped.append(name)
        else:
            mapped.append(None)
            unknown.append(str(raw))
    return mapped, unknown


_NOT_UTF8 = 'The file is not UTF-8 text. In a spreadsheet, save it as "CSV UTF-8" and try again'


def _too_many_rows() -> RowProblem:
    return RowProblem(
        0, f"The file has more than {MAX_IMPORT_ROWS:,} entries, the import limit. Split it."
    )


def _records_from_csv(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem], bool]:
    problems: list[RowProblem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [RowProblem(1, f"the header row cannot be read ({exc})")], False
    if header is None or not any(cell.strip() for cell in header):
        return (
            [],
            [RowProblem(0, "The file is empty: it needs a header row like date,pain,note")],
            False,
        )
    if len(header) == 1 and ";" in header[0]:
        message = (
            "The columns are split by semicolons (;). Save the file as CSV with commas, "
            "like date,pain,note"
        )
        return [], [RowProblem(1, message)], False
    columns, unknown = _normalise_columns(header)
    for name in unknown:
        problems.append(RowProblem(1, f"unknown column {name!r}"))
    present = [c for c in columns if c]
    for name in REQUIRED_COLUMNS:
        if name not in present:
            label = "date" if name == "timestamp" else name
            problems.append(RowProblem(1, f"the column {label!r} is missing"))
    repeated = sorted({c for c in present if present.count(c) > 1})
    for name in repeated:
        problems.append(RowProblem(1, f"the column {name!r} appears more than once"))
    if problems:
        return [], problems, False
    records: list[tuple[int, dict[str, Any]]] = []
    row_number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_number += 1
            problems.append(RowProblem(row_number, f"the row cannot be read ({exc})"))
            break
        row_number += 1
        if row_number > 2 * MAX_IMPORT_ROWS:  # mostly blank lines: still too long
            return [], [_too_many_rows()], False
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are fine
        if len(cells) > len(columns):
            problems.append(
                RowProblem(row_number, f"{len(cells)} cells but the header has {len(columns)}")
            )
            continue
        records.append((row_number, {c: v for c, v in zip(columns, cells, strict=False) if c}))
        if len(records) > MAX_IMPORT_ROWS:
            return [], [_too_many_rows()], False
    return records, problems, "id" in present


def _records_from_json(
    text: str,
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem], bool]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return [], [RowProblem(0, f"The file is not valid JSON ({exc})")], False
    if isinstance(data, dict) and isinstance(data.get("entries"), list):
        items = data["entries"]
    elif isinstance(data, list):
        items = data
    else:
        message = 'The JSON must be a list of entries or an object with an "entries" list'
        return [], [RowProblem(0, message)], False
    if len(items) > MAX_IMPORT_ROWS:
        return [], [_too_many_rows()], False
    records: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(RowProblem(number, "each entry must be an object with date and pain"))
            continue
        columns, unknown = _normalise_columns(item.keys())
        for name in unknown:
            problems.append(RowProblem(number, f"unknown column {name!r}"))
        if unknown:
            continue
        records.append((number, {c: v for c, v in zip(columns, item.values(), strict=True) if c}))
    return records, problems, False  # JSON cells are never neutralised


_T = TypeVar("_T")


def _gc_paused(function: Callable[..., _T]) -> Callable[..., _T]:
    """Run ``function`` with the cyclic garbage collector paused, then restore it.

    Reading a large file makes hundreds of thousands of small objects and no cycles; the
    collector would walk them again and again (about half of the time for 100,000 rows).
    Reference counting still frees memory meanwhile; the collector runs again afterwards.
    Two imports at once (two sessions) are fine: only a call that found the collector on
    turns it back on, and it was the one that turned it off.
    """

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> _T:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_gc_paused
def read_entries(
    data: bytes,
    *,
    format: Format,  # the keyword issue 6 names
    owner: str = "local",
    now: datetime | None = None,
) -> list[Entry]:
    """Read a diary file (BackCare's own export, or ``date,pain[,note]``).

    Returns every entry, or raises ``ImportError`` listing every bad row: unknown column,
    pain outside 0-10, unreadable date, future date, a row repeated in the file.
    """
    if format not in ("csv", "json"):
        raise ValueError(f"format must be 'csv' or 'json', not {format!r}")
    if not isinstance(data, bytes | bytearray):
        raise ValueError("data must be the file's bytes")
    if len(data) > MAX_IMPORT_BYTES:
        size = len(data) / (1024 * 1024)
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise ImportError(
            [RowProblem(0, f"The file is {size:.1f} MB; the limit is {limit} MB. Split it.")]
        )
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError([RowProblem(0, _NOT_UTF8)]) from None
    if "\x00" in text:  # UTF-16 without its byte order mark, or not text at all
        raise ImportError([RowProblem(0, _NOT_UTF8 + " (it has NUL bytes)")])
    now = now or _now()
    if format == "csv":
        plain = _plain_csv_entries(text, owner, now)
        if plain is not None:
            return plain
    reader = _records_from_csv if format == "csv" else _records_from_json
    # unescape: the file is BackCare's own CSV, whose text cells may carry a guard "'".
    records, problems, unescape = reader(text)
    entries: list[Entry] = []
    first_seen: dict[tuple, int] = {}
    ids_seen: set[str] = set()
    fast = _FastRows(records, owner, unescape=unescape, now=now)
    for row, record in records:
        try:
            entry, key = fast.build(record)
        except ValueError:  # anything unusual: the checked path below decides
            try:
                entry = _entry_from_record(record, owner, unescape=unescape, now=now)
            except ValueError as exc:
                problems.append(RowProblem(row, str(exc)))
                continue
            key = entry.content_key()
        if key in first_seen:
            problems.append(RowProblem(row, f"duplicate of row {first_seen[key]}"))
            continue
        first_seen[key] = row
        if entry.id in ids_seen:
            entry = replace(entry, id=new_id())
        ids_seen.add(entry.id)
        entries.append(entry)
    if problems:
        raise ImportError(sorted(problems, key=lambda p: p.row))
    if not entries:
        raise ImportError([RowProblem(0, "The file has no entries")])
    return entries


# --------------------------------------------------------------------------- export


def _record(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in EXPORT_COLUMNS:
        value = getattr(entry, name)
        if name == "timestamp":
            value = value.isoformat(sep=" ")
        elif isinstance(value, frozenset):
            value = sorted(value)
        out[name] = value
    return out


def neutralise_cell(text: str) -> str:
    """Make a spreadsheet show a cell as text, not run it as a formula.

    A leading apostrophe is added to cells starting with = + - @ tab or CR, and to cells
    that already start with an apostrophe so the import can undo it exactly.
    """
    if text.startswith((*_FORMULA_STARTS, "'")):
        return "'" + text
    return text


def to_csv(entries: Iterable[Entry]) -> bytes:
    """All entries as CSV (UTF-8), oldest first, safe to open in a spreadsheet."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for entry in sorted(entries, key=lambda e: e.timestamp):
        row = []
        for value in _record(entry).values():
            if value is None:
                row.append("")
            elif isinstance(value, bool):
                row.append("yes" if value else "no")
            elif isinstance(value, list):
                row.append(";".join(value))
            else:  # every text cell, though only notes and medication can be risky
                row.append(neutralise_cell(str(value)))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def to_json(entries: Iterable[Entry]) -> bytes:
    """All entries as JSON, oldest first."""
    records = [_record(e) for e in sorted(entries, key=lambda e: e.timestamp)]
    payload = {"format": "backcare-diary", "version": 1, "entries": records}
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


# --------------------------------------------------------------------------- frames


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
    """Chart marks: stored events plus one "Screening done" per day with screenings."""
    rows = [(pd.Timestamp(e.date), e.label) for e in events]
    screening_days = sorted({s.taken_at.date() for s in screenings})
    rows += [(pd.Timestamp(day), "Screening done") for day in screening_days]
    frame = pd.DataFrame.from_records(rows, columns=["date", "label"])
    frame = frame.astype({"date": "datetime64[ns]", "label": str})
    return frame.sort_values("date", kind="stable", ignore_index=True)


def screenings_frame(screenings: Iterable[Screening]) -> pd.DataFrame:
    """Screening scores over time: date, instrument, score."""
    rows = [(s.taken_at, s.instrument, s.score) for s in screenings]
    frame = pd.DataFrame.from_records(rows, columns=["date", "instrument", "score"])
    frame = frame.astype({"date": "datetime64[ns]", "instrument": str, "score": "float64"})
    return frame.sort_values("date", kind="stable", ignore_index=True)
