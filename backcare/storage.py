"""Where diary entries live: one ``Store`` interface, two implementations.

- ``SqlStore``: SQLAlchemy 2 Core over any URL; by default a SQLite file in the user's
  data directory (WAL, busy timeout, short write transactions, a schema version table
  and migrations so an older file opens without loss).
- ``SessionStore``: in memory, for one browser tab; nothing is written on the server.

Every entry carries an owner id and every query is filtered by it. Plain Python: the
Streamlit side (which store a visitor gets) is ``backcare/ui/store.py``.
"""

from __future__ import annotations

import builtins  # list[...] inside the stores, which have a method named list
import ipaddress
import json
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, runtime_checkable

import pandas as pd
import platformdirs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from backcare.diary.frames import FRAME_COLUMNS, entries_frame
from backcare.diary.model import Entry, Event, Screening, new_id

Mode = Literal["sql", "session"]
ENV_STORAGE = "BACKCARE_STORAGE"
ENV_DATABASE_URL = "BACKCARE_DATABASE_URL"
ENV_DATA_DIR = "BACKCARE_DATA_DIR"
DB_FILENAME = "diary.sqlite3"
SCHEMA_VERSION = 2
SQLITE_BUSY_TIMEOUT_MS = 5000


class StorageError(ValueError):
    """The diary database cannot be opened or used; the message says why and what to do."""


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


def configured_mode(env: Mapping[str, str] | None = None) -> Mode | None:
    """BACKCARE_STORAGE forced by the operator ("sql" or "session"), or None."""
    env = os.environ if env is None else env
    value = env.get(ENV_STORAGE, "").strip().lower()
    if not value:
        return None
    if value not in ("sql", "session"):
        raise StorageError(f"{ENV_STORAGE} must be 'sql' or 'session', not {value!r}")
    return value  # type: ignore[return-value]  # checked just above: 'sql' or 'session'


def is_loopback_host(host: str | None) -> bool:
    """Is an HTTP Host header (``localhost:8501``, ``[::1]:8501``) this machine?"""
    if not isinstance(host, str) or not host.strip():
        return False
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:8501
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:  # localhost:8501; a bare IPv6 address has several colons
        name = name.split(":", 1)[0]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def choose_mode(forced: Mode | None, host: str | None, remote_ip: object) -> Mode:
    """The privacy rule: which store a visitor gets.

    A forced mode (BACKCARE_STORAGE) wins. Otherwise the SQL diary is used only when the
    page was opened on this machine: a loopback Host header and a loopback connection
    (Streamlit reports ``remote_ip`` None for those). Everyone else gets a session store,
    so on a shared server no visitor ever sees another's diary.
    """
    if forced is not None:
        return forced
    local_connection = remote_ip is None or (
        isinstance(remote_ip, str) and is_loopback_host(f"[{remote_ip}]")
    )
    return "sql" if is_loopback_host(host) and local_connection else "session"


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
    location: str  # a file path, a database URL without password, or "this browser tab only"

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
    ) -> Screening: ...
    def screenings(self, owner: str) -> builtins.list[Screening]: ...
    def add_event(self, owner: str, date: date, label: str) -> Event: ...
    def events(self, owner: str) -> builtins.list[Event]: ...


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
            removed_other = len(self._screenings.pop(owner, [])) + len(self._events.pop(owner, []))
            if removed or removed_other:
                self._bump(owner)
        return removed

    def frame(self, owner: str) -> pd.DataFrame:
        """All entries as ``entries_frame`` columns, for charts."""
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
    ) -> Screening:
        result = Screening(owner, instrument, taken_at, score, json.loads(json.dumps(details)))
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


MIGRATIONS = {1: _migrate_1_to_2}


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


class SqlStore:
    """Entries in a SQL database through SQLAlchemy 2 (SQLite file by default)."""

    kind: Mode = "sql"

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
            removed = conn.execute(entries_table.delete().where(entries_table.c.owner == owner))
            conn.execute(screenings_table.delete().where(screenings_table.c.owner == owner))
            conn.execute(events_table.delete().where(events_table.c.owner == owner))
            self._bump(conn, owner)
        return removed.rowcount

    def frame(self, owner: str) -> pd.DataFrame:
        """All entries as ``entries_frame`` columns, read straight into pandas."""
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
    ) -> Screening:
        result = Screening(owner, instrument, taken_at, score, dict(details))
        with self._write() as conn:
            conn.execute(
                screenings_table.insert().values(
                    id=result.id,
                    owner=owner,
                    instrument=result.instrument,
                    taken_at=result.taken_at,
                    score=result.score,
                    details=json.dumps(dict(result.details)),
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
            Screening(r.owner, r.instrument, r.taken_at, r.score, json.loads(r.details), r.id)
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

    def _read(self) -> _Transaction:
        return _Transaction(self, write=False)


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
            return self._context.__enter__()
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(_explain(exc, self._store.location)) from None

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
