"""Pain diary model: entries, screenings kept over time, chart events, and their checks.

Plain Python (no Streamlit, no pandas). Entries are frozen values; bad values raise
``ValueError`` naming the field.
"""

from __future__ import annotations

import json
import math
import operator
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

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

# The pain scale: the 11-point numeric rating scale (NRS), whole numbers from 0 (no pain) to
# 10 (worst pain imaginable); its minimal important change is in backcare.change (Farrar et
# al., Pain 2001; Ostelo et al., Spine 2008). Every writer, chart and check reads it here.
PAIN_MIN = 0
PAIN_MAX = 10
PAIN_VALUES: tuple[int, ...] = tuple(range(PAIN_MIN, PAIN_MAX + 1))
PAIN_RANGE = f"{PAIN_MIN}-{PAIN_MAX}"  # as pages, charts and messages write it: "0-10"

MAX_NOTE_CHARS = 2000
MAX_MEDICATION_CHARS = 200
MAX_LABEL_CHARS = 100
MAX_OWNER_CHARS = 64
MAX_SLEEP_HOURS = 24
MIN_YEAR = 1900  # an earlier timestamp is a typing mistake
# Clock differences between a phone and a server should not make "now" a future date.
FUTURE_TOLERANCE = timedelta(minutes=10)

# Optional whole-number fields and their allowed range (inclusive).
INT_RANGES: dict[str, tuple[int, int]] = {
    "sleep_quality": (0, 10),
    "activity_minutes": (0, 24 * 60),
    "exercise_minutes": (0, 24 * 60),
    "mood": (0, 10),
    "peg_pain": (0, 10),
    "peg_enjoyment": (0, 10),
    "peg_activity": (0, 10),
}
_BOOL_FIELDS = ("flare", "medication_taken", "exercised")
# Answer sets and text limits by field (the import's fast paths read the same tables).
_CHOICE_FIELDS: dict[str, tuple[str, ...]] = {"locations": LOCATIONS, "qualities": QUALITIES}
_TEXT_LIMITS: dict[str, int] = {"medication": MAX_MEDICATION_CHARS, "note": MAX_NOTE_CHARS}


# Ids start with a letter or digit, so no exported id can look like a spreadsheet formula.
_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def new_id() -> str:
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def latest_time(now: datetime | None = None) -> datetime:
    """The latest time an entry may have: ``now`` (default: the clock) plus FUTURE_TOLERANCE."""
    return (datetime.now() if now is None else now) + FUTURE_TOLERANCE


def valid_owner(owner: Any) -> bool:
    """An owner id is a non-empty text of at most MAX_OWNER_CHARS characters."""
    return isinstance(owner, str) and 0 < len(owner) <= MAX_OWNER_CHARS


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
        if not valid_owner(self.owner):
            raise ValueError(f"owner must be a short non-empty text, not {self.owner!r}")
        ts = self.timestamp
        if isinstance(ts, date) and not isinstance(ts, datetime):
            ts = datetime(ts.year, ts.month, ts.day)
        if not isinstance(ts, datetime):
            raise ValueError(f"timestamp must be a date and time, not {ts!r}")
        if ts.tzinfo is not None:
            ts = ts.astimezone().replace(tzinfo=None)
        if ts.year < MIN_YEAR:
            raise ValueError(f"timestamp {ts:%Y-%m-%d} is too far in the past")
        put(self, "timestamp", ts.replace(microsecond=0))
        put(self, "pain", _check_int("pain", self.pain, PAIN_MIN, PAIN_MAX))
        for name in _BOOL_FIELDS:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}")
        for name, allowed in _CHOICE_FIELDS.items():
            put(self, name, _check_choices(name, getattr(self, name), allowed))
        if self.sleep_hours is not None:
            hours = self.sleep_hours
            if isinstance(hours, bool) or not isinstance(hours, int | float):
                raise ValueError(f"sleep_hours must be a number of hours, not {hours!r}")
            if not (math.isfinite(hours) and 0 <= hours <= MAX_SLEEP_HOURS):
                raise ValueError(f"sleep_hours must be from 0 to {MAX_SLEEP_HOURS}, not {hours}")
            put(self, "sleep_hours", float(hours))
        for name, (low, high) in INT_RANGES.items():
            value = getattr(self, name)
            if value is not None:
                put(self, name, _check_int(name, value, low, high))
        for name, limit in _TEXT_LIMITS.items():
            put(self, name, _check_text(name, getattr(self, name), limit))

    def content_key(self) -> tuple:
        """Everything the person entered: two entries with equal keys are duplicates."""
        key = list(_content_values(self))
        key[_LOCATIONS_AT] = tuple(sorted(self.locations))
        key[_QUALITIES_AT] = tuple(sorted(self.qualities))
        return tuple(key)

    def check_not_future(self, now: datetime | None = None) -> Entry:
        """This entry, or ValueError when it is timed later than ``latest_time(now)``.

        Not checked on construction: a stored entry stays valid as the clock moves. Every
        new entry is checked before it is saved (``backcare.ui.store.save_entry``; the
        import checks each row against the same ``latest_time``).
        """
        if self.timestamp > latest_time(now):
            raise ValueError("That time is in the future. Choose a time that has passed.")
        return self

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
        return round(sum(items) / 3, 1)  # type: ignore[arg-type]


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
