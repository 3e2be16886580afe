"""Pain diary files: CSV/JSON import and export.

Plain Python (no Streamlit, no pandas). ``read_entries`` checks a whole file and raises
``DiaryImportError`` (a ``ValueError``) listing every bad row, so a page can show them all
and write nothing.
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, Literal, TypeVar

from backcare.diary.model import (
    _BOOL_FIELDS,
    _CHOICE_FIELDS,
    _CONTENT_FIELDS,
    _ID_PATTERN,
    _LOCATIONS_AT,
    _QUALITIES_AT,
    _TEXT_LIMITS,
    INT_RANGES,
    MAX_SLEEP_HOURS,
    MIN_YEAR,
    PAIN_MAX,
    PAIN_MIN,
    PAIN_RANGE,
    PAIN_VALUES,
    Entry,
    _check_int,
    _now,
    latest_time,
    new_id,
    valid_owner,
)

# Matches .streamlit/config.toml server.maxUploadSize = 5 (MB).
MAX_IMPORT_BYTES = 5 * 1024 * 1024
# 10 entries a day for 27 years; a longer file is refused before any row is checked,
# so a small file of a million tiny rows cannot keep the server busy.
MAX_IMPORT_ROWS = 100_000

Format = Literal["csv", "json"]

# Columns of BackCare's own export (CSV header and JSON keys): the id, then every field the
# person entered, in the model's order. The import reads columns by name, so a new Entry
# field becomes a new column without breaking older files.
EXPORT_COLUMNS: tuple[str, ...] = ("id", *_CONTENT_FIELDS)
# Accepted on import as another name for "timestamp" (the simple date,pain[,note] form).
COLUMN_ALIASES = {"date": "timestamp", "time": "timestamp", "datetime": "timestamp"}
REQUIRED_COLUMNS = ("timestamp", "pain")

_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return can hide one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowProblem:
    row: int  # CSV: spreadsheet row number (the header is row 1); JSON: entry number
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.reason}" if self.row else self.reason


class DiaryImportError(ValueError):
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
    if ts > latest_time(now):
        raise ValueError(f"date {ts:%Y-%m-%d %H:%M} is in the future")
    pain = _parse_number("pain", record.get("pain"))
    if pain is None:
        raise ValueError("pain is missing")
    if not (isinstance(pain, int) and PAIN_MIN <= pain <= PAIN_MAX):
        raise ValueError(f"pain {pain} is outside {PAIN_RANGE} (whole numbers only)")
    kwargs: dict[str, Any] = {"timestamp": ts, "pain": pain, "owner": owner}
    raw_id = record.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        kwargs["id"] = raw_id.strip()
    for name in _BOOL_FIELDS:
        kwargs[name] = _parse_bool(name, record.get(name))
    for name in _CHOICE_FIELDS:
        kwargs[name] = _parse_choices(name, record.get(name))
    for name in ("sleep_hours", *INT_RANGES):
        kwargs[name] = _parse_number(name, record.get(name))
    for name in _TEXT_LIMITS:
        kwargs[name] = _parse_text(name, record.get(name), unescape=unescape)
    return Entry(**kwargs)


# The fast path of read_entries. A 100,000-row file took seconds when every row went through
# _entry_from_record and Entry's own checks; most of that was call overhead, not checking.
# _FastRows takes only rows whose every cell is plainly valid, checks them with the same
# rules at a lower cost (fields the file lacks are skipped, the entry is built without
# checking it twice), and raises ValueError for anything else, so that such a row goes the
# checked way and gets the same message as before. It never accepts a row that the checked
# path would refuse, and builds the same entry for a row it accepts. Its bounds are the
# model's own (backcare.diary.model: the pain scale, MIN_YEAR, latest_time, the tables).
_PAIN_TEXT = {str(n): n for n in PAIN_VALUES}
_ENTRY_DEFAULTS = {f.name: f.default for f in fields(Entry) if f.name not in ("timestamp", "pain")}
_ENTRY_DEFAULTS.pop("id")
_CHOICE_SETS = {name: frozenset(allowed) for name, allowed in _CHOICE_FIELDS.items()}
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
        self.choices = [(n, c) for n, c in _CHOICE_SETS.items() if n in present]
        self.ranges = [(n, r) for n, r in INT_RANGES.items() if n in present]
        self.sleep = "sleep_hours" in present
        self.texts = [(n, limit) for n, limit in _TEXT_LIMITS.items() if n in present]
        self.has_id = "id" in present
        self.unescape = unescape
        self.latest = latest_time(now)
        self.base = {**_ENTRY_DEFAULTS, "owner": owner}
        # A bad owner makes every row fail in Entry: let the checked path say so.
        self.usable = valid_owner(owner)
        self.ids = _new_ids(len(records)) if self.usable else []

    def build(self, record: Mapping[str, Any]) -> tuple[Entry, tuple]:
        """The entry and its content key, or _Slow (a ValueError) for the checked path."""
        if not self.usable:
            raise _Slow
        raw = record.get("timestamp")
        if type(raw) is not str:
            raise _Slow
        ts = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))  # ValueError: slow
        if ts.tzinfo is not None or ts.year < MIN_YEAR or ts > self.latest:
            raise _Slow
        raw = record.get("pain")
        if type(raw) is str:
            pain = _PAIN_TEXT.get(raw)
            if pain is None:
                raise _Slow
        elif type(raw) is int and PAIN_MIN <= raw <= PAIN_MAX:
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
                if not 0 <= hours <= MAX_SLEEP_HOURS:  # also refuses nan and inf
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
_PLAIN_COLUMNS = {"timestamp", "pain", *_TEXT_LIMITS}


def _plain_csv_entries(text: str, owner: str, now: datetime) -> list[Entry] | None:
    """The entries of a CSV in the simple form when every row is valid, else None.

    The whole-file fast path of read_entries: one column at a time, no per-row calls. It
    handles only a file that read_entries would accept whole, with columns from
    _PLAIN_COLUMNS, and gives the same entries; for anything else (a bad or blank row, a
    duplicate, an id column that asks to undo the formula guard, other columns) it returns
    None and the row-by-row path reads the file and names every problem.
    """
    if not valid_owner(owner):
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
    if min(stamps).year < MIN_YEAR or max(stamps) > latest_time(now):
        return None
    if any(ts.microsecond for ts in stamps):
        stamps = [ts.replace(microsecond=0) for ts in stamps]
    pains = list(map(_PAIN_TEXT.get, cells["pain"]))
    if None in pains:
        return None
    values: dict[str, Sequence[Any]] = {"timestamp": stamps, "pain": pains}
    for name, limit in _TEXT_LIMITS.items():
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

    Returns every entry, or raises ``DiaryImportError`` listing every bad row: unknown column,
    pain outside the pain scale, unreadable date, future date, a row repeated in the file.
    """
    if format not in ("csv", "json"):
        raise ValueError(f"format must be 'csv' or 'json', not {format!r}")
    if not isinstance(data, bytes | bytearray):
        raise ValueError("data must be the file's bytes")
    if len(data) > MAX_IMPORT_BYTES:
        size = len(data) / (1024 * 1024)
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise DiaryImportError(
            [RowProblem(0, f"The file is {size:.1f} MB; the limit is {limit} MB. Split it.")]
        )
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DiaryImportError([RowProblem(0, _NOT_UTF8)]) from None
    if "\x00" in text:  # UTF-16 without its byte order mark, or not text at all
        raise DiaryImportError([RowProblem(0, _NOT_UTF8 + " (it has NUL bytes)")])
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
        raise DiaryImportError(sorted(problems, key=lambda p: p.row))
    if not entries:
        raise DiaryImportError([RowProblem(0, "The file has no entries")])
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
