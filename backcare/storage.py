"""Where a person's records live: one ``Store`` interface, three implementations.

- ``SqlStore``: SQLAlchemy 2 Core over any URL; by default a SQLite file in the user's
  data directory (WAL, busy timeout, short write transactions, a schema version table
  and migrations so an older file opens without loss).
- ``SessionStore``: in memory, for one browser tab; nothing is written on the server.
- ``BrowserStore`` (``backcare.browser_store``): the visitor's own browser (IndexedDB);
  nothing is written on the server.

Every record carries an owner id and every query is filtered by it. Plain Python: which
store a visitor gets is ``backcare.storage_mode`` (re-exported here) and
``backcare/ui/store.py``.

The Store protocol (the contract every backend passes, tests/unit/test_storage.py)
-------------------------------------------------------------------------------------
Every method takes or carries the owner; a store never returns another owner's data.
Bad values raise ``ValueError`` naming the field; a backend that cannot read or write
raises ``StorageError`` (a ``ValueError``) with a message a person can act on.

Diary entries (``backcare.diary.model.Entry``)::

    add(entry) -> Entry                      # a taken id raises ValueError
    add_many(entries) -> int                 # one owner; skips exact duplicates; gives a
                                             # new id when an id is taken by other content
    update(entry) -> Entry                   # NotFoundError if not this owner's
    delete(owner, entry_id) -> Entry         # NotFoundError if not this owner's
    restore(entry) -> None                   # put a deleted entry back (undo)
    get(owner, entry_id) -> Entry
    list(owner, since=None, until=None, *, limit=None, newest_first=False) -> list[Entry]
                                             # inclusive bounds; a date as until = that day
    count(owner) -> int
    last(owner) -> Entry | None
    frame(owner) -> pandas.DataFrame         # backcare.diary.frames.FRAME_COLUMNS
    delete_all(owner) -> int                 # EVERYTHING of the owner: entries, screenings,
                                             # events and kept records; returns the number
                                             # of entries removed

Questionnaire results and chart events::

    add_screening(owner, instrument, taken_at, score, details, answers=None) -> Screening
    screenings(owner) -> list[Screening]     # oldest first; .answers None for old rows
    add_event(owner, date, label) -> Event
    events(owner) -> list[Event]             # by date

Kept records: "the latest state" rather than a diary row (the warning-sign check, the
routine, "a doctor has seen me", "I have checked, none apply"; their kinds and typed
values are in ``backcare.records``)::

    put_record(owner, kind, payload, *, record_id=None) -> StoredRecord
        # kind: 1-32 of a-z, 0-9, "_", starting with a letter; record_id: an id like an
        # entry's (default: a new uuid4 hex); payload: a mapping of plain JSON values,
        # at most MAX_PAYLOAD_CHARS as JSON text. The same (owner, kind, record_id)
        # replaces the old record, which then counts as written now.
    records(owner, kind) -> list[StoredRecord]
        # oldest first, in the order written; each payload is a fresh dict parsed from
        # the kept JSON text (a payload that is no JSON object reads back as {}, and the
        # typed readers of backcare.records then say it cannot be read)
    delete_records(owner, kind=None) -> int  # one kind, or every kind; returns how many

    StoredRecord(kind, record_id, saved_at, payload)  # frozen; saved_at: aware UTC

Change detection and description::

    revision(owner) -> int                   # changes on every write of that owner
                                             # (entries, screenings, events, records)
    kind: "sql" | "session" | "browser"      # the store's mode (StoreChoice.mode in the UI)
    location: str                            # a file path, a URL without password, or
                                             # words for people ("this browser tab only")
"""

from __future__ import annotations

import builtins  # list[...] inside the stores, which have a method named list
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import platformdirs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from backcare.diary.model import Entry, Event, Screening, new_id, valid_id, valid_owner

# The mode names, the setting and the privacy rule live in the light storage_mode module
# (every page's frame reads them); re-exported here.
from backcare.storage_mode import (  # noqa: F401
    ENV_STORAGE,
    MODES,
    Mode,
    StorageError,
    choose_mode,
    configured_mode,
    is_loopback_host,
)

if TYPE_CHECKING:  # pandas loads only when a chart frame is asked for
    import pandas as pd

ENV_DATABASE_URL = "BACKCARE_DATABASE_URL"
ENV_DATA_DIR = "BACKCARE_DATA_DIR"
DB_FILENAME = "diary.sqlite3"
SCHEMA_VERSION = 4
SQLITE_BUSY_TIMEOUT_MS = 5000
# A kept record's payload as JSON text: far more than any check or routine needs, and
# small enough that a page never reads megabytes for one record.
MAX_PAYLOAD_CHARS = 64_000
_KIND = re.compile(r"[a-z][a-z0-9_]{0,31}")


class NotFoundError(ValueError):
    """No entry with that id in this diary."""


# --------------------------------------------------------------------------- settings


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """BACKCARE_DATA_DIR, or the user's data directory (platformdirs) for BackCare."""
    env = os.environ if env is None else env
    configured = env.get(ENV_DATA_DIR, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("BackCare", appauthor=False))


def database_url(env: Mapping[str, str] | None = None) -> str:
    """BACKCARE_DATABASE_URL, or a SQLite file in the data directory."""
    env = os.environ if env is None else env
    configured = env.get(ENV_DATABASE_URL, "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir(env) / DB_FILENAME}"


def describe_url(url: str) -> str:
    """The database location for people: a file path, or the URL without its password."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return "an unreadable database address"
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return str(Path(parsed.database))
    return parsed.render_as_string(hide_password=True)


# --------------------------------------------------------------------------- interface


@runtime_checkable
class Store(Protocol):
    """What the diary needs from storage. Every method is scoped to one owner."""

    kind: Mode
    location: str  # a file path, a database URL without password, or words for people

    def add(self, entry: Entry) -> Entry: ...
    def add_many(self, entries: Iterable[Entry]) -> int: ...
    def update(self, entry: Entry) -> Entry: ...
    def delete(self, owner: str, entry_id: str) -> Entry: ...
    def restore(self, entry: Entry) -> None: ...
    def get(self, owner: str, entry_id: str) -> Entry: ...
    def list(
        self,
        owner: str,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Entry]: ...
    def count(self, owner: str) -> int: ...
    def last(self, owner: str) -> Entry | None: ...
    def delete_all(self, owner: str) -> int: ...
    def frame(self, owner: str) -> pd.DataFrame: ...
    def revision(self, owner: str) -> int: ...
    def add_screening(
        self,
        owner: str,
        instrument: str,
        taken_at: datetime,
        score: float,
        details: Mapping[str, Any],
        answers: tuple | None = None,
    ) -> Screening: ...
    def screenings(self, owner: str) -> builtins.list[Screening]: ...
    def add_event(self, owner: str, date: date, label: str) -> Event: ...
    def events(self, owner: str) -> builtins.list[Event]: ...
    def put_record(
        self,
        owner: str,
        kind: str,
        payload: Mapping[str, Any],
        *,
        record_id: str | None = None,
    ) -> StoredRecord: ...
    def records(self, owner: str, kind: str) -> builtins.list[StoredRecord]: ...
    def delete_records(self, owner: str, kind: str | None = None) -> int: ...


@dataclass(frozen=True)
class StoredRecord:
    """One kept record as a store returns it; ``saved_at`` is aware UTC."""

    kind: str
    record_id: str
    saved_at: datetime
    payload: dict[str, Any]


def _checked_record(
    owner: str, kind: str, payload: Mapping[str, Any], record_id: str | None
) -> tuple[str, str]:
    """(record id, payload as JSON text) for put_record; ValueError naming what is wrong."""
    if not valid_owner(owner):
        raise ValueError(f"owner must be a short non-empty text, not {owner!r}")
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(
            f"kind must be 1-32 lower-case letters, digits or '_', starting with a letter, "
            f"not {kind!r}"
        )
    record_id = new_id() if record_id is None else record_id
    if not valid_id(record_id):
        raise ValueError(
            f"record_id must be 1-64 letters, digits, '.', '_' or '-', not {record_id!r}"
        )
    if not isinstance(payload, Mapping):
        raise ValueError(f"payload must be a mapping of plain JSON values, not {payload!r}")
    try:
        text = json.dumps(dict(payload), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"payload must be plain JSON values: {exc}") from None
    if len(text) > MAX_PAYLOAD_CHARS:
        raise ValueError(
            f"payload is {len(text)} characters as JSON; the limit is {MAX_PAYLOAD_CHARS}"
        )
    return record_id, text


def _payload(text: str | None) -> dict[str, Any]:
    """A kept payload read back: a fresh dict, or {} when the text is no JSON object."""
    try:
        value = json.loads(text or "")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _answers_json(answers: tuple | None) -> str | None:
    return None if answers is None else json.dumps(list(answers))


def _answers_from(text: str | None) -> tuple | None:
    """Kept answers read back; None for none (or for text a hand edit made unreadable)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return tuple(value) if isinstance(value, list) else None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def add_kept(
    store: Store,
    owner: str,
    *,
    events: Iterable[Event] = (),
    screenings: Iterable[Screening] = (),
    records: Iterable[tuple[str, str, Mapping[str, Any]]] = (),
) -> int:
    """Add events, questionnaire results and kept records (``(kind, record_id, payload)``)
    to ``owner``'s store, as an import or a move to another store does; returns how many
    were added.

    What is already there is skipped: an event of the same day and label, a result of the
    same questionnaire, time and score, a record of the same kind and id. A kept record is
    never replaced: the store's own routine or confirmation is the person's current one.
    """
    added = 0
    have_events = {(e.date, e.label) for e in store.events(owner)}
    for event in events:
        if (event.date, event.label) not in have_events:
            store.add_event(owner, event.date, event.label)
            have_events.add((event.date, event.label))
            added += 1
    have_results = {(s.instrument, s.taken_at, s.score) for s in store.screenings(owner)}
    for result in screenings:
        key = (result.instrument, result.taken_at, result.score)
        if key not in have_results:
            store.add_screening(owner, *key, result.details, answers=result.answers)
            have_results.add(key)
            added += 1
    have_records: dict[str, set[str]] = {}
    for kind, record_id, payload in records:
        if kind not in have_records:
            have_records[kind] = {r.record_id for r in store.records(owner, kind)}
        if record_id not in have_records[kind]:
            store.put_record(owner, kind, payload, record_id=record_id)
            have_records[kind].add(record_id)
            added += 1
    return added


def _bounds(
    since: datetime | date | None, until: datetime | date | None
) -> tuple[datetime | None, datetime | None]:
    """Inclusive bounds; a date as ``until`` means the end of that day."""
    if isinstance(since, date) and not isinstance(since, datetime):
        since = datetime.combine(since, time.min)
    if isinstance(until, date) and not isinstance(until, datetime):
        until = datetime.combine(until, time.max).replace(microsecond=0)
    return since, until


def _new_entries(
    entries: Iterable[Entry], existing_keys: set[tuple], existing_ids: set[str]
) -> list[Entry]:
    """Entries to add: skip exact duplicates (of the store and of each other)."""
    fresh: list[Entry] = []
    keys = set(existing_keys)
    ids = set(existing_ids)
    for entry in entries:
        key = entry.content_key()
        if key in keys:
            continue
        keys.add(key)
        if entry.id in ids:
            entry = replace(entry, id=new_id())
        ids.add(entry.id)
        fresh.append(entry)
    return fresh


def _single_owner(entries: list[Entry]) -> str | None:
    owners = {e.owner for e in entries}
    if len(owners) > 1:
        raise ValueError("add_many takes entries of one owner at a time")
    return owners.pop() if owners else None


# --------------------------------------------------------------------------- session


class SessionStore:
    """In-memory store for one browser tab (kept in its ``st.session_state``)."""

    kind: Mode = "session"
    location = "this browser tab only"

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, Entry]] = {}
        self._screenings: dict[str, list[Screening]] = {}
        self._events: dict[str, list[Event]] = {}
        # owner -> (kind, record id) -> (order written, saved at, payload JSON text)
        self._records: dict[str, dict[tuple[str, str], tuple[int, datetime, str]]] = {}
        self._written = 0
        self._revisions: dict[str, int] = {}
        self._lock = threading.Lock()

    def _bump(self, owner: str) -> None:
        self._revisions[owner] = self._revisions.get(owner, 0) + 1

    def add(self, entry: Entry) -> Entry:
        with self._lock:
            mine = self._entries.setdefault(entry.owner, {})
            if entry.id in mine:
                raise ValueError(f"an entry with id {entry.id} already exists")
            mine[entry.id] = entry
            self._bump(entry.owner)
        return entry

    def add_many(self, entries: Iterable[Entry]) -> int:
        batch = list(entries)
        owner = _single_owner(batch)
        if owner is None:
            return 0
        with self._lock:
            mine = self._entries.setdefault(owner, {})
            keys = {e.content_key() for e in mine.values()}
            fresh = _new_entries(batch, keys, set(mine))
            mine.update({e.id: e for e in fresh})
            if fresh:
                self._bump(owner)
        return len(fresh)

    def update(self, entry: Entry) -> Entry:
        with self._lock:
            mine = self._entries.get(entry.owner, {})
            if entry.id not in mine:
                raise NotFoundError("that entry is not in this diary (it may have been deleted)")
            mine[entry.id] = entry
            self._bump(entry.owner)
        return entry

    def delete(self, owner: str, entry_id: str) -> Entry:
        with self._lock:
            try:
                entry = self._entries.get(owner, {}).pop(entry_id)
            except KeyError:
                raise NotFoundError(
                    "that entry is not in this diary (it may have been deleted)"
                ) from None
            self._bump(owner)
        return entry

    def restore(self, entry: Entry) -> None:
        self.add(entry)

    def get(self, owner: str, entry_id: str) -> Entry:
        try:
            return self._entries.get(owner, {})[entry_id]
        except KeyError:
            raise NotFoundError("that entry is not in this diary") from None

    def list(
        self,
        owner: str,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Entry]:
        low, high = _bounds(since, until)
        chosen = [
            e
            for e in self._entries.get(owner, {}).values()
            if (low is None or e.timestamp >= low) and (high is None or e.timestamp <= high)
        ]
        chosen.sort(key=lambda e: (e.timestamp, e.id), reverse=newest_first)
        chosen = chosen[max(0, offset) :]
        return chosen if limit is None else chosen[:limit]

    def count(self, owner: str) -> int:
        return len(self._entries.get(owner, {}))

    def last(self, owner: str) -> Entry | None:
        latest = self.list(owner, limit=1, newest_first=True)
        return latest[0] if latest else None

    def delete_all(self, owner: str) -> int:
        with self._lock:
            removed = len(self._entries.pop(owner, {}))
            removed_other = (
                len(self._screenings.pop(owner, []))
                + len(self._events.pop(owner, []))
                + len(self._records.pop(owner, {}))
            )
            if removed or removed_other:
                self._bump(owner)
        return removed

    def frame(self, owner: str) -> pd.DataFrame:
        """All entries as ``entries_frame`` columns, for charts."""
        from backcare.diary.frames import entries_frame

        return entries_frame(list(self._entries.get(owner, {}).values()))

    def revision(self, owner: str) -> int:
        return self._revisions.get(owner, 0)

    def add_screening(
        self,
        owner: str,
        instrument: str,
        taken_at: datetime,
        score: float,
        details: Mapping[str, Any],
        answers: tuple | None = None,
    ) -> Screening:
        result = Screening(
            owner, instrument, taken_at, score, json.loads(json.dumps(details)), answers=answers
        )
        with self._lock:
            self._screenings.setdefault(owner, []).append(result)
            self._bump(owner)
        return result

    def screenings(self, owner: str) -> builtins.list[Screening]:
        return sorted(self._screenings.get(owner, []), key=lambda s: s.taken_at)

    def add_event(self, owner: str, date: date, label: str) -> Event:
        event = Event(owner, date, label)
        with self._lock:
            self._events.setdefault(owner, []).append(event)
            self._bump(owner)
        return event

    def events(self, owner: str) -> builtins.list[Event]:
        return sorted(self._events.get(owner, []), key=lambda e: e.date)

    def put_record(
        self,
        owner: str,
        kind: str,
        payload: Mapping[str, Any],
        *,
        record_id: str | None = None,
    ) -> StoredRecord:
        record_id, text = _checked_record(owner, kind, payload, record_id)
        saved_at = _utc_now()
        with self._lock:
            self._written += 1
            self._records.setdefault(owner, {})[kind, record_id] = (self._written, saved_at, text)
            self._bump(owner)
        return StoredRecord(kind, record_id, saved_at, _payload(text))

    def records(self, owner: str, kind: str) -> builtins.list[StoredRecord]:
        with self._lock:
            mine = [(key, value) for key, value in self._records.get(owner, {}).items()]
        chosen = sorted((v, key[1]) for key, v in mine if key[0] == kind)
        return [
            StoredRecord(kind, rid, saved_at, _payload(text)) for (_, saved_at, text), rid in chosen
        ]

    def delete_records(self, owner: str, kind: str | None = None) -> int:
        with self._lock:
            mine = self._records.get(owner, {})
            gone = [key for key in mine if kind is None or key[0] == kind]
            for key in gone:
                del mine[key]
            if gone:
                self._bump(owner)
        return len(gone)


# --------------------------------------------------------------------------- SQL

metadata = sa.MetaData()

schema_version_table = sa.Table(
    "schema_version", metadata, sa.Column("version", sa.Integer, nullable=False)
)
entries_table = sa.Table(
    "entries",
    metadata,
    # Version 1 columns.
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("timestamp", sa.DateTime, nullable=False),
    sa.Column("pain", sa.Integer, nullable=False),
    sa.Column("flare", sa.Boolean, nullable=False),
    sa.Column("medication_taken", sa.Boolean, nullable=False),
    sa.Column("exercised", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    # Version 2 columns (migration 1 -> 2 adds them).
    sa.Column("locations", sa.Text, nullable=False, server_default=""),
    sa.Column("qualities", sa.Text, nullable=False, server_default=""),
    sa.Column("sleep_hours", sa.Float),
    sa.Column("sleep_quality", sa.Integer),
    sa.Column("activity_minutes", sa.Integer),
    sa.Column("exercise_minutes", sa.Integer),
    sa.Column("medication", sa.Text, nullable=False, server_default=""),
    sa.Column("mood", sa.Integer),
    sa.Column("peg_pain", sa.Integer),
    sa.Column("peg_enjoyment", sa.Integer),
    sa.Column("peg_activity", sa.Integer),
    sa.Index("ix_entries_owner_timestamp", "owner", "timestamp"),
)
V2_ENTRY_COLUMNS = (
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
)
screenings_table = sa.Table(
    "screenings",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("instrument", sa.String(32), nullable=False),
    sa.Column("taken_at", sa.DateTime, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    # Version 3 (migration 2 -> 3 adds it): the answers as JSON text; NULL for older rows.
    sa.Column("answers", sa.Text),
)
events_table = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("label", sa.String(100), nullable=False),
)
revisions_table = sa.Table(
    "revisions",
    metadata,
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
)
V2_NEW_TABLES = (screenings_table, events_table, revisions_table)
# Version 3: kept records (backcare.records). ``seq`` gives the order written; putting a
# record again deletes and inserts it, so it counts as written anew.
records_table = sa.Table(
    "records",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False),
    sa.Column("saved_at", sa.DateTime, nullable=False),  # UTC, stored without a zone
    sa.Column("payload", sa.Text, nullable=False),
    sa.UniqueConstraint("owner", "kind", "record_id", name="uq_records_owner_kind_id"),
)

# Version 4: clinic mode (``backcare.accounts``). One account per signed-in person, keyed by
# the provider's issuer and subject (never by e-mail); its id is the ``owner`` of every row
# of that person. Share codes are kept as hashes only; a grant lets one clinician read one
# patient's diary until it is withdrawn; the audit says who looked, and when. No foreign
# keys: the one-person SQLite diary (owner "local") lives in the same tables.
accounts_table = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # "acct-" and a uuid4 hex
    sa.Column("issuer", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),  # shown to people, never a key
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # as at the last sign-in
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC, stored without a zone
    sa.UniqueConstraint("issuer", "subject", name="uq_accounts_identity"),
)
share_codes_table = sa.Table(
    "share_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),  # sha256 of the code
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("used_at", sa.DateTime),
    sa.Column("used_by", sa.String(64)),
)
grants_table = sa.Table(
    "grants",
    metadata,
    sa.Column("owner", sa.String(64), primary_key=True),  # the patient
    sa.Column("clinician", sa.String(64), primary_key=True, index=True),
    sa.Column("granted_at", sa.DateTime, nullable=False),
    sa.Column("withdrawn_at", sa.DateTime),
)
audit_table = sa.Table(
    "audit",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),  # whose diary
    sa.Column("actor", sa.String(64), nullable=False),  # who: kept after they are deleted
    sa.Column("actor_label", sa.Text, nullable=False),  # their name and e-mail at the time
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)
V4_NEW_TABLES = (accounts_table, share_codes_table, grants_table, audit_table)

# The schema BackCare 0.1 wrote (version 1), kept to test the migration on a real file.
V1_SCHEMA_SQL = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) VALUES (1)",
    "CREATE TABLE entries ("
    " id VARCHAR(64) NOT NULL PRIMARY KEY, owner VARCHAR(64) NOT NULL,"
    " timestamp DATETIME NOT NULL, pain INTEGER NOT NULL, flare BOOLEAN NOT NULL,"
    " medication_taken BOOLEAN NOT NULL, exercised BOOLEAN NOT NULL, note TEXT NOT NULL)",
    "CREATE INDEX ix_entries_owner_timestamp ON entries (owner, timestamp)",
)


def _migrate_1_to_2(conn: Connection) -> None:
    """Version 2 adds the detail columns, screenings, events and revision counters."""
    preparer = conn.dialect.identifier_preparer
    for name in V2_ENTRY_COLUMNS:
        column = entries_table.c[name]
        ddl = f"ALTER TABLE entries ADD COLUMN {preparer.quote(name)} "
        ddl += column.type.compile(dialect=conn.dialect)
        if column.server_default is not None:
            ddl += " NOT NULL DEFAULT ''"
        conn.execute(sa.text(ddl))
    metadata.create_all(conn, tables=list(V2_NEW_TABLES))


def _migrate_2_to_3(conn: Connection) -> None:
    """Version 3 adds kept records and the answers of each screening.

    A version 1 file got today's screenings table (with ``answers``) from the 1 -> 2 step.
    """
    columns = {c["name"] for c in sa.inspect(conn).get_columns("screenings")}
    if "answers" not in columns:
        conn.execute(sa.text("ALTER TABLE screenings ADD COLUMN answers TEXT"))
    metadata.create_all(conn, tables=[records_table])


def _migrate_3_to_4(conn: Connection) -> None:
    """Version 4 adds clinic mode's accounts, share codes, grants and audit."""
    metadata.create_all(conn, tables=list(V4_NEW_TABLES))


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}

# The schema BackCare wrote as version 2 (round two, before kept records), as SQLite has it,
# kept to test the 2 -> 3 migration on a real file.
V2_SCHEMA_SQL = (
    "CREATE TABLE schema_version (\n\tversion INTEGER NOT NULL\n)",
    "INSERT INTO schema_version (version) VALUES (2)",
    "CREATE TABLE entries (\n\tid VARCHAR(64) NOT NULL, \n\towner VARCHAR(64) NOT NULL, "
    "\n\ttimestamp DATETIME NOT NULL, \n\tpain INTEGER NOT NULL, \n\tflare BOOLEAN NOT NULL, "
    "\n\tmedication_taken BOOLEAN NOT NULL, \n\texercised BOOLEAN NOT NULL, \n\tnote TEXT NOT "
    "NULL, \n\tlocations TEXT DEFAULT '' NOT NULL, \n\tqualities TEXT DEFAULT '' NOT NULL, "
    "\n\tsleep_hours FLOAT, \n\tsleep_quality INTEGER, \n\tactivity_minutes INTEGER, "
    "\n\texercise_minutes INTEGER, \n\tmedication TEXT DEFAULT '' NOT NULL, \n\tmood INTEGER, "
    "\n\tpeg_pain INTEGER, \n\tpeg_enjoyment INTEGER, \n\tpeg_activity INTEGER, \n\tPRIMARY "
    "KEY (id)\n)",
    "CREATE INDEX ix_entries_owner_timestamp ON entries (owner, timestamp)",
    "CREATE TABLE screenings (\n\tid VARCHAR(64) NOT NULL, \n\towner VARCHAR(64) NOT NULL, "
    "\n\tinstrument VARCHAR(32) NOT NULL, \n\ttaken_at DATETIME NOT NULL, \n\tscore FLOAT NOT "
    "NULL, \n\tdetails TEXT NOT NULL, \n\tPRIMARY KEY (id)\n)",
    "CREATE INDEX ix_screenings_owner ON screenings (owner)",
    "CREATE TABLE events (\n\tid VARCHAR(64) NOT NULL, \n\towner VARCHAR(64) NOT NULL, "
    "\n\tdate DATE NOT NULL, \n\tlabel VARCHAR(100) NOT NULL, \n\tPRIMARY KEY (id)\n)",
    "CREATE INDEX ix_events_owner ON events (owner)",
    "CREATE TABLE revisions (\n\towner VARCHAR(64) NOT NULL, \n\trevision INTEGER NOT NULL, "
    "\n\tPRIMARY KEY (owner)\n)",
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite files get WAL and a busy timeout."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StorageError(
            f"{ENV_DATABASE_URL} is not a database address SQLAlchemy understands"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise StorageError(
                "an in-memory SQLite database is one per thread; use a file or the session store"
            )
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create the diary folder {folder}: {exc.strerror or exc}"
            ) from None
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return sa.create_engine(parsed, pool_pre_ping=True)
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise StorageError(f"the database driver is not installed: {exc}") from None


def _entry_row(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "owner": entry.owner,
        "timestamp": entry.timestamp,
        "pain": entry.pain,
        "flare": entry.flare,
        "medication_taken": entry.medication_taken,
        "exercised": entry.exercised,
        "note": entry.note,
        "locations": ";".join(sorted(entry.locations)),
        "qualities": ";".join(sorted(entry.qualities)),
        "sleep_hours": entry.sleep_hours,
        "sleep_quality": entry.sleep_quality,
        "activity_minutes": entry.activity_minutes,
        "exercise_minutes": entry.exercise_minutes,
        "medication": entry.medication,
        "mood": entry.mood,
        "peg_pain": entry.peg_pain,
        "peg_enjoyment": entry.peg_enjoyment,
        "peg_activity": entry.peg_activity,
    }


def _entry_from_row(row: Any) -> Entry:
    data = dict(row._mapping)
    for name in ("locations", "qualities"):
        data[name] = frozenset(p for p in (data[name] or "").split(";") if p)
    data["note"] = data["note"] or ""
    data["medication"] = data["medication"] or ""
    for name in ("flare", "medication_taken", "exercised"):
        data[name] = bool(data[name])
    return Entry(**data)


# Clinic mode on PostgreSQL (``backcare.clinic``): row-level security policies compare each
# diary row's owner with the transaction's ``app.account`` setting, which every
# transaction of a store with ``row_security`` on sets from this context variable (the
# account a PersonStore or SharedView call acts for; unset: no rows at all).
_ROW_SCOPE: ContextVar[str | None] = ContextVar("backcare_row_scope", default=None)


@contextmanager
def row_scope(account: str) -> Iterator[None]:
    """Run the store calls inside as ``account`` (under row-level security)."""
    token = _ROW_SCOPE.set(account)
    try:
        yield
    finally:
        _ROW_SCOPE.reset(token)


# PostgreSQL: one advisory lock (any fixed number) for every schema change BackCare makes,
# so servers that open a new database at the same moment take turns; the second then finds
# the tables made (without it, it failed "duplicate key ... pg_type_typname_nsp_index").
SCHEMA_LOCK = 0x4261636B43617265  # "BackCare"


def serialise_schema_changes(conn: Connection) -> None:
    """Wait for any other BackCare making or changing the schema (PostgreSQL; held to the
    end of this transaction). SQLite serialises writers by itself."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK)))


class SqlStore:
    """Entries in a SQL database through SQLAlchemy 2 (SQLite file by default)."""

    kind: Mode = "sql"

    # True once clinic mode has put row-level security on this PostgreSQL database.
    row_security = False

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.location = describe_url(url)
        self.is_file = url.startswith("sqlite")
        self.engine = engine or make_engine(url)
        try:
            self._open()
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise StorageError(_explain(exc, self.location)) from None

    # -- schema

    def _open(self) -> None:
        with self.engine.begin() as conn:
            serialise_schema_changes(conn)
            inspector = sa.inspect(conn)
            tables = set(inspector.get_table_names())
            if not tables:
                metadata.create_all(conn)
                conn.execute(schema_version_table.insert().values(version=SCHEMA_VERSION))
                return
            if "schema_version" not in tables or "entries" not in tables:
                raise StorageError(
                    f"{self.location} is a database but not a BackCare diary; "
                    f"point {ENV_DATABASE_URL} or {ENV_DATA_DIR} somewhere else"
                )
            version = conn.execute(sa.select(sa.func.max(schema_version_table.c.version)))
            current = version.scalar() or 1
            if current > SCHEMA_VERSION:
                raise StorageError(
                    f"{self.location} was written by a newer BackCare (schema {current}); "
                    "update BackCare to open it"
                )
            while current < SCHEMA_VERSION:
                MIGRATIONS[current](conn)
                current += 1
                conn.execute(schema_version_table.delete())
                conn.execute(schema_version_table.insert().values(version=current))

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.max(schema_version_table.c.version))).scalar_one()
            )

    def _bump(self, conn: Connection, owner: str) -> None:
        table = revisions_table
        updated = conn.execute(
            table.update().where(table.c.owner == owner).values(revision=table.c.revision + 1)
        )
        if updated.rowcount == 0:
            conn.execute(table.insert().values(owner=owner, revision=1))

    def _write(self) -> _Transaction:
        """A short write transaction; database errors become StorageError."""
        return _Transaction(self)

    # -- entries

    def add(self, entry: Entry) -> Entry:
        with self._write() as conn:
            exists = conn.execute(
                sa.select(entries_table.c.id).where(entries_table.c.id == entry.id)
            ).first()
            if exists:
                raise ValueError(f"an entry with id {entry.id} already exists")
            conn.execute(entries_table.insert().values(**_entry_row(entry)))
            self._bump(conn, entry.owner)
        return entry

    def add_many(self, entries: Iterable[Entry]) -> int:
        batch = list(entries)
        owner = _single_owner(batch)
        if owner is None:
            return 0
        low = min(e.timestamp for e in batch)
        high = max(e.timestamp for e in batch)
        t = entries_table
        with self._write() as conn:
            rows = conn.execute(
                sa.select(t).where(t.c.owner == owner, t.c.timestamp.between(low, high))
            )
            keys = {_entry_from_row(r).content_key() for r in rows}
            ids = sorted({e.id for e in batch})
            taken: set[str] = set()
            for start in range(0, len(ids), 500):  # stay under SQLite's variable limit
                chunk = ids[start : start + 500]
                taken.update(conn.execute(sa.select(t.c.id).where(t.c.id.in_(chunk))).scalars())
            fresh = _new_entries(batch, keys, taken)
            if fresh:
                conn.execute(t.insert(), [_entry_row(e) for e in fresh])
                self._bump(conn, owner)
        return len(fresh)

    def update(self, entry: Entry) -> Entry:
        t = entries_table
        with self._write() as conn:
            result = conn.execute(
                t.update()
                .where(t.c.id == entry.id, t.c.owner == entry.owner)
                .values(**_entry_row(entry))
            )
            if result.rowcount == 0:
                raise NotFoundError("that entry is not in this diary (it may have been deleted)")
            self._bump(conn, entry.owner)
        return entry

    def delete(self, owner: str, entry_id: str) -> Entry:
        t = entries_table
        with self._write() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == entry_id, t.c.owner == owner)).first()
            if row is None:
                raise NotFoundError("that entry is not in this diary (it may have been deleted)")
            conn.execute(t.delete().where(t.c.id == entry_id, t.c.owner == owner))
            self._bump(conn, owner)
        return _entry_from_row(row)

    def restore(self, entry: Entry) -> None:
        self.add(entry)

    def get(self, owner: str, entry_id: str) -> Entry:
        t = entries_table
        with self._read() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == entry_id, t.c.owner == owner)).first()
        if row is None:
            raise NotFoundError("that entry is not in this diary")
        return _entry_from_row(row)

    def list(
        self,
        owner: str,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Entry]:
        t = entries_table
        low, high = _bounds(since, until)
        query = sa.select(t).where(t.c.owner == owner)
        if low is not None:
            query = query.where(t.c.timestamp >= low)
        if high is not None:
            query = query.where(t.c.timestamp <= high)
        if newest_first:
            query = query.order_by(t.c.timestamp.desc(), t.c.id.desc())
        else:
            query = query.order_by(t.c.timestamp, t.c.id)
        if limit is not None:
            query = query.limit(limit)
        if offset > 0:
            query = query.offset(offset)
        with self._read() as conn:
            return [_entry_from_row(r) for r in conn.execute(query)]

    def count(self, owner: str) -> int:
        t = entries_table
        with self._read() as conn:
            query = sa.select(sa.func.count()).select_from(t).where(t.c.owner == owner)
            return int(conn.execute(query).scalar_one())

    def last(self, owner: str) -> Entry | None:
        latest = self.list(owner, limit=1, newest_first=True)
        return latest[0] if latest else None

    def delete_all(self, owner: str) -> int:
        with self._write() as conn:
            return self.delete_all_in(conn, owner)

    def delete_all_in(self, conn: Connection, owner: str) -> int:
        """``delete_all`` inside a transaction of the caller's (clinic mode deletes an
        account with it, all or nothing)."""
        removed = conn.execute(entries_table.delete().where(entries_table.c.owner == owner))
        conn.execute(screenings_table.delete().where(screenings_table.c.owner == owner))
        conn.execute(events_table.delete().where(events_table.c.owner == owner))
        conn.execute(records_table.delete().where(records_table.c.owner == owner))
        self._bump(conn, owner)
        return removed.rowcount

    def frame(self, owner: str) -> pd.DataFrame:
        """All entries as ``entries_frame`` columns, read straight into pandas."""
        import pandas as pd

        from backcare.diary.frames import FRAME_COLUMNS

        t = entries_table
        columns: builtins.list[sa.ColumnElement[Any]] = [t.c[name] for name in FRAME_COLUMNS]
        if self.engine.dialect.name == "sqlite":
            # SQLite keeps text; pandas parses a column of it far faster than SQLAlchemy.
            columns[0] = sa.type_coerce(t.c.timestamp, sa.String).label("timestamp")
        query = sa.select(*columns).where(t.c.owner == owner).order_by(t.c.timestamp, t.c.id)
        with self._read() as conn:
            # Plain tuples: pandas probes each SQLAlchemy Row for attributes, which is slow.
            rows = list(map(tuple, conn.execute(query)))
        # The timestamps go straight from a list to to_datetime (no string column first).
        frame = pd.DataFrame.from_records([row[1:] for row in rows], columns=[*FRAME_COLUMNS][1:])
        stamps = pd.to_datetime([row[0] for row in rows], format="ISO8601")
        frame.insert(0, "timestamp", stamps)
        for name in ("exercise_minutes", "mood", "sleep_hours"):
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
        return frame.astype(FRAME_COLUMNS)

    def revision(self, owner: str) -> int:
        t = revisions_table
        with self._read() as conn:
            value = conn.execute(sa.select(t.c.revision).where(t.c.owner == owner)).scalar()
        return int(value or 0)

    # -- screenings and events

    def add_screening(
        self,
        owner: str,
        instrument: str,
        taken_at: datetime,
        score: float,
        details: Mapping[str, Any],
        answers: tuple | None = None,
    ) -> Screening:
        result = Screening(owner, instrument, taken_at, score, dict(details), answers=answers)
        with self._write() as conn:
            conn.execute(
                screenings_table.insert().values(
                    id=result.id,
                    owner=owner,
                    instrument=result.instrument,
                    taken_at=result.taken_at,
                    score=result.score,
                    details=json.dumps(dict(result.details)),
                    answers=_answers_json(result.answers),
                )
            )
            self._bump(conn, owner)
        return result

    def screenings(self, owner: str) -> builtins.list[Screening]:
        t = screenings_table
        query = sa.select(t).where(t.c.owner == owner).order_by(t.c.taken_at, t.c.id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [
            Screening(
                r.owner,
                r.instrument,
                r.taken_at,
                r.score,
                _payload(r.details),
                r.id,
                answers=_answers_from(r.answers),
            )
            for r in rows
        ]

    def add_event(self, owner: str, date: date, label: str) -> Event:
        event = Event(owner, date, label)
        with self._write() as conn:
            conn.execute(
                events_table.insert().values(
                    id=event.id, owner=owner, date=event.date, label=event.label
                )
            )
            self._bump(conn, owner)
        return event

    def events(self, owner: str) -> builtins.list[Event]:
        t = events_table
        query = sa.select(t).where(t.c.owner == owner).order_by(t.c.date, t.c.id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [Event(r.owner, r.date, r.label, r.id) for r in rows]

    # -- kept records

    def put_record(
        self,
        owner: str,
        kind: str,
        payload: Mapping[str, Any],
        *,
        record_id: str | None = None,
    ) -> StoredRecord:
        record_id, text = _checked_record(owner, kind, payload, record_id)
        saved_at = _utc_now()
        t = records_table
        same = (t.c.owner == owner, t.c.kind == kind, t.c.record_id == record_id)
        row = {
            "owner": owner,
            "kind": kind,
            "record_id": record_id,
            "saved_at": saved_at.replace(tzinfo=None),
            "payload": text,
        }
        for attempt in (1, 2, 3):
            try:
                with self._write() as conn:
                    # The owner's revision first: on PostgreSQL its row lock makes writers of
                    # one owner take turns, so the delete below sees the other's insert.
                    self._bump(conn, owner)
                    conn.execute(t.delete().where(*same))
                    conn.execute(t.insert().values(**row))
                break
            except _Conflict:
                # The owner's first write, twice at once: one made the revision row; the
                # other tries again and now waits for it.
                if attempt == 3:
                    raise StorageError(
                        f"the record could not be saved in {self.location}: another write "
                        "kept getting in the way; try again"
                    ) from None
        return StoredRecord(kind, record_id, saved_at, _payload(text))

    def records(self, owner: str, kind: str) -> builtins.list[StoredRecord]:
        t = records_table
        query = sa.select(t).where(t.c.owner == owner, t.c.kind == kind).order_by(t.c.seq)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [
            StoredRecord(r.kind, r.record_id, r.saved_at.replace(tzinfo=UTC), _payload(r.payload))
            for r in rows
        ]

    def delete_records(self, owner: str, kind: str | None = None) -> int:
        t = records_table
        query = t.delete().where(t.c.owner == owner)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        with self._write() as conn:
            removed = conn.execute(query).rowcount
            if removed:
                self._bump(conn, owner)
        return removed

    def _read(self) -> _Transaction:
        return _Transaction(self, write=False)


class _Conflict(StorageError):
    """A unique key taken by a concurrent write (put_record tries once more)."""


class _Transaction:
    """``engine.begin()`` (or ``connect()``) that turns database errors into StorageError."""

    def __init__(self, store: SqlStore, *, write: bool = True) -> None:
        self._store = store
        self._write = write
        self._context: Any = None

    def __enter__(self) -> Connection:
        engine = self._store.engine
        self._context = engine.begin() if self._write else engine.connect()
        try:
            conn: Connection = self._context.__enter__()
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(_explain(exc, self._store.location)) from None
        if self._store.row_security:
            try:  # transaction-local ("true"): it ends with this transaction
                scope = _ROW_SCOPE.get() or ""
                conn.execute(sa.select(sa.func.set_config("app.account", scope, True)))
            except sa.exc.SQLAlchemyError as exc:
                self._context.__exit__(type(exc), exc, exc.__traceback__)
                raise StorageError(_explain(exc, self._store.location)) from None
        return conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        try:
            self._context.__exit__(exc_type, exc, tb)
        except sa.exc.SQLAlchemyError as error:
            raise StorageError(_explain(error, self._store.location)) from None
        if isinstance(exc, sa.exc.IntegrityError):
            raise _Conflict(_explain(exc, self._store.location)) from None
        if isinstance(exc, sa.exc.SQLAlchemyError):
            raise StorageError(_explain(exc, self._store.location)) from None
        return False


def _explain(exc: sa.exc.SQLAlchemyError, location: str) -> str:
    """A short message about a database error, without SQL or parameters."""
    original = getattr(exc, "orig", None)
    detail = str(original or exc).splitlines()[0][:200]
    if "not a database" in detail:
        return f"{location} is not a BackCare diary file (it is not a SQLite database)"
    if "readonly" in detail.replace(" ", "").lower() or "unable to open" in detail:
        return f"the diary at {location} cannot be opened for writing ({detail})"
    return f"the diary database at {location} cannot be used ({detail})"
