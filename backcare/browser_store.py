"""The "this browser" store: the ``Store`` protocol over this tab's ``BrowserMirror``.

Everything a visitor tells BackCare is kept in their own browser (IndexedDB), never on
the server. Reads are synchronous, from the mirror (what the browser keeps, with the
writes on their way laid over it); writes are queued for the browser, which confirms each
one after its IndexedDB transaction completed (``backcare.browser_mirror``).

Each thing kept is one IndexedDB record keyed by (kind, id), its value a JSON object:

- ``entry``: a diary entry as BackCare's JSON export writes it (``EntryCodec``);
- ``screening``, ``event``: the diary's dataclasses, field by field (``DataclassCodec``;
  a new kind of the same sort is one line in ``CODECS``);
- ``record:<kind>``: a kept record of any kind (``put_record``; the kinds and their
  payloads are ``backcare.records``), its id ``owner:id``, its value the owner, the
  record id, when it was saved (UTC), its place in the order written and the payload.

Every value carries its owner and every read is filtered by it, as in the other stores;
in this mode the browser profile is the person, so the page uses one owner.
Plain Python, no Streamlit: the component and the page side are in ``backcare/ui``.
"""

from __future__ import annotations

import builtins  # list[...] inside the store, which has a method named list
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from backcare.browser_mirror import BrowserMirror, Value
from backcare.diary.io import _entry_from_record, _FastRows, _record
from backcare.diary.model import Entry, Event, Screening
from backcare.storage import (
    Mode,
    NotFoundError,
    StoredRecord,
    _bounds,
    _checked_record,
    _new_entries,
    _payload,
    _single_owner,
    _utc_now,
)

if TYPE_CHECKING:  # pandas loads only when a chart frame is asked for
    import pandas as pd

T = TypeVar("T")
BROWSER_OWNER = "browser"  # the one owner of a browser profile's own store
RECORD_PREFIX = "record:"
NOT_HERE = "that entry is not in this diary (it may have been deleted)"


# --------------------------------------------------------------------------- codecs


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    return value


def _reader(hint: Any) -> Callable[[Any], Any] | None:
    """How to turn a JSON value back into a field of type ``hint`` (None: as it is)."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    options = typing.get_args(hint) if union else (hint,)
    for option in options:
        if option is datetime:
            return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
        if option is date:
            return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
        if option is frozenset or typing.get_origin(option) is frozenset:
            return lambda v: frozenset(v) if isinstance(v, list) else v
    return None


class Codec(Protocol[T]):
    """One kind of thing kept as IndexedDB records: how it is written and read back."""

    @property
    def kind(self) -> str: ...

    def encode(self, item: T) -> Value: ...
    def decode_all(self, values: list[tuple[str, Value]]) -> dict[str, T]:
        """id -> item for every (id, value) that reads back; the others are left out."""
        ...

    def order(self, item: T) -> Any: ...


@dataclass(frozen=True)
class DataclassCodec(Generic[T]):
    """A frozen dataclass with ``id`` and ``owner`` fields as one IndexedDB record: every
    field but the id as JSON (dates as ISO text, sets as sorted lists). Reading builds the
    dataclass, so its own checks run on what comes back from the browser. A new kind of
    this sort is one line: ``DataclassCodec("kind", TheClass, ordering)``."""

    kind: str
    cls: type[T]
    order: Callable[[T], Any]
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False, default=())
    _readers: dict[str, Callable[[Any], Any]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(self.cls)
        names = [f.name for f in fields(cast(Any, self.cls)) if f.name != "id"]
        readers = {name: _reader(hints[name]) for name in names}
        object.__setattr__(self, "_names", tuple(names))
        object.__setattr__(self, "_readers", {k: v for k, v in readers.items() if v})

    def encode(self, item: T) -> Value:
        return {name: _to_json(getattr(item, name)) for name in self._names}

    def decode(self, record_id: str, value: Value) -> T:
        """The dataclass, or ValueError/TypeError for a value it cannot be built from.
        Fields the value lacks get their defaults; names the dataclass lacks are left."""
        kwargs = {name: value[name] for name in self._names if name in value}
        for name, read in self._readers.items():
            if name in kwargs:
                kwargs[name] = read(kwargs[name])
        return cast(Any, self.cls)(id=record_id, **kwargs)

    def decode_all(self, values: list[tuple[str, Value]]) -> dict[str, T]:
        items: dict[str, T] = {}
        for record_id, value in values:
            try:
                items[record_id] = self.decode(record_id, value)
            except (ValueError, TypeError):
                continue
        return items


# No future check on reading back: an entry kept in the browser stays readable even when
# the server's clock (or time zone) has moved back since it was saved.
_NO_LATER_THAN = datetime(9000, 1, 1)


def _empty(value: Any) -> bool:
    """What an entry's record leaves out: the import reads each of them as the default."""
    return value is None or value is False or value == "" or value == []


class EntryCodec:
    """A diary entry as the record BackCare's own JSON export writes for it (``io._record``,
    without its id, leaving out empty fields), plus its owner; read back with the import's
    checks (its fast path first: a 10-year diary reads in a fifth of the time)."""

    kind = "entry"

    @staticmethod
    def order(entry: Entry) -> tuple[datetime, str]:
        return entry.timestamp, entry.id

    def encode(self, entry: Entry) -> Value:
        record = _record(entry)
        del record["id"]
        value = {k: v for k, v in record.items() if not _empty(v)}
        value["owner"] = entry.owner
        return value

    def decode_all(self, values: list[tuple[str, Value]]) -> dict[str, Entry]:
        by_owner: dict[Any, list[dict[str, Any]]] = {}
        for record_id, value in values:
            by_owner.setdefault(value.get("owner"), []).append({**value, "id": record_id})
        entries: dict[str, Entry] = {}
        for owner, records in by_owner.items():
            fast = _FastRows(list(enumerate(records)), owner, unescape=False, now=_NO_LATER_THAN)
            for record in records:
                try:
                    entry = fast.build(record)[0]
                except ValueError:  # unusual: the fully checked way, or unreadable
                    try:
                        entry = _entry_from_record(
                            record, owner, unescape=False, now=_NO_LATER_THAN
                        )
                    except ValueError:
                        continue
                entries[entry.id] = entry
        return entries


ENTRY = EntryCodec()
SCREENING = DataclassCodec("screening", Screening, lambda s: (s.taken_at, s.id))
EVENT = DataclassCodec("event", Event, lambda e: (e.date, e.id))
CODECS: dict[str, Codec[Any]] = {c.kind: c for c in (ENTRY, SCREENING, EVENT)}


def _kept_id(owner: str, record_id: str) -> str:
    return f"{owner}:{record_id}"


def _kept_from(kind: str, value: Value) -> tuple[str, int, StoredRecord]:
    """(owner, place in the order written, record) from a ``record:<kind>`` value;
    ValueError when it is not one. A payload that is no JSON object reads back as {} (as in
    the other stores: the typed readers of ``backcare.records`` then say so)."""
    owner, record_id, saved_at, seq = (
        value.get(k) for k in ("owner", "record_id", "saved_at", "seq")
    )
    if not (isinstance(owner, str) and isinstance(record_id, str) and isinstance(saved_at, str)):
        raise ValueError("not a kept record")
    when = datetime.fromisoformat(saved_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    payload = value.get("payload")
    order = seq if type(seq) is int else 0
    return owner, order, StoredRecord(kind, record_id, when, _payload_of(payload))


def _payload_of(payload: Any) -> dict[str, Any]:
    """A fresh dict from a kept payload (``{}`` for anything but a JSON object)."""
    if not isinstance(payload, dict):
        return {}
    return _payload(json.dumps(payload))


# --------------------------------------------------------------------------- the store


class BrowserStore:
    """The Store protocol (and kept records) over a ``BrowserMirror``: one per tab."""

    kind: Mode = "browser"
    location = "this browser (IndexedDB), on this device only"

    def __init__(self, mirror: BrowserMirror | None = None) -> None:
        self.mirror = mirror if mirror is not None else BrowserMirror()
        # Decoded values, kept while the stored value stays the same: a 10-year diary is
        # decoded once per load, not on every script run.
        self._memo: dict[tuple[str, str], tuple[Value, Any]] = {}
        self._objects_cache: dict[str, tuple[int, dict[str, Any]]] = {}
        self._sorted_cache: dict[tuple[str, str], tuple[int, builtins.list[Any]]] = {}
        self.unreadable: set[tuple[str, str]] = set()  # records left alone: not readable
        # Revisions: each owner's own writes, plus changes that came from the browser.
        self._written: dict[str, int] = {}
        self._outside = 0
        self._seen = self.mirror.revision

    def _notice_outside(self) -> None:
        """Count a change this store did not make (a load, another tab, a refusal)."""
        if self.mirror.revision != self._seen:
            self._outside += 1
            self._seen = self.mirror.revision

    def _put(
        self, owner: str, kind: str, key: str, value: Value, notice: str | None = None
    ) -> None:
        self._notice_outside()
        self.mirror.put(kind, key, value, notice=notice)
        self._wrote(owner)

    def _delete(self, owner: str, kind: str, key: str) -> None:
        self._notice_outside()
        self.mirror.delete(kind, key)
        self._wrote(owner)

    def _wrote(self, owner: str) -> None:
        self._written[owner] = self._written.get(owner, 0) + 1
        self._seen = self.mirror.revision

    # -- reading the mirror

    def _objects(self, codec: Codec[T]) -> dict[str, T]:
        revision = self.mirror.revision
        cached = self._objects_cache.get(codec.kind)
        if cached is not None and cached[0] == revision:
            return cached[1]
        memo = self._memo
        objects: dict[str, T] = {}
        fresh: builtins.list[tuple[str, Value]] = []
        for record_id, value in self.mirror.view(codec.kind).items():
            seen = memo.get((codec.kind, record_id))
            if seen is not None and (seen[0] is value or seen[0] == value):
                objects[record_id] = seen[1]
            else:
                fresh.append((record_id, value))
        decoded = codec.decode_all(fresh) if fresh else {}
        for record_id, value in fresh:
            item = decoded.get(record_id)
            if item is None:  # kept in the browser as it is, never rewritten
                self.unreadable.add((codec.kind, record_id))
                continue
            memo[(codec.kind, record_id)] = (value, item)
            objects[record_id] = item
        for key in [k for k in memo if k[0] == codec.kind and k[1] not in objects]:
            del memo[key]
        self._objects_cache[codec.kind] = (revision, objects)
        return objects

    def _sorted(self, codec: Codec[T], owner: str) -> builtins.list[T]:
        """The owner's items of one kind in the codec's order (cached per revision)."""
        revision = self.mirror.revision
        cached = self._sorted_cache.get((codec.kind, owner))
        if cached is not None and cached[0] == revision:
            return cached[1]
        # Every kind kept here (Entry, Screening, Event) has an owner.
        mine = [
            item for item in self._objects(codec).values() if getattr(item, "owner", None) == owner
        ]
        mine.sort(key=codec.order)
        self._sorted_cache[(codec.kind, owner)] = (revision, mine)
        return mine

    def _mine(self, owner: str, entry_id: str) -> Entry:
        entry = self._objects(ENTRY).get(entry_id)
        if entry is None or entry.owner != owner:
            raise NotFoundError(NOT_HERE)
        return entry

    # -- entries

    def add(self, entry: Entry, *, saved_notice: str | None = None) -> Entry:
        """Queue a new entry; ``saved_notice`` is said once the browser has kept it."""
        if entry.id in self._objects(ENTRY):
            raise ValueError(f"an entry with id {entry.id} already exists")
        self._put(entry.owner, ENTRY.kind, entry.id, ENTRY.encode(entry), saved_notice)
        return entry

    def add_many(self, entries: Iterable[Entry]) -> int:
        batch = list(entries)
        owner = _single_owner(batch)
        if owner is None:
            return 0
        keys = {e.content_key() for e in self._sorted(ENTRY, owner)}
        fresh = _new_entries(batch, keys, set(self._objects(ENTRY)))
        for entry in fresh:
            self._put(owner, ENTRY.kind, entry.id, ENTRY.encode(entry))
        return len(fresh)

    def update(self, entry: Entry) -> Entry:
        self._mine(entry.owner, entry.id)
        self._put(entry.owner, ENTRY.kind, entry.id, ENTRY.encode(entry))
        return entry

    def delete(self, owner: str, entry_id: str) -> Entry:
        entry = self._mine(owner, entry_id)
        self._delete(owner, ENTRY.kind, entry_id)
        return entry

    def restore(self, entry: Entry) -> None:
        self.add(entry)

    def get(self, owner: str, entry_id: str) -> Entry:
        try:
            return self._mine(owner, entry_id)
        except NotFoundError:
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
    ) -> builtins.list[Entry]:
        low, high = _bounds(since, until)
        chosen = self._sorted(ENTRY, owner)
        if low is not None or high is not None:
            chosen = [
                e
                for e in chosen
                if (low is None or e.timestamp >= low) and (high is None or e.timestamp <= high)
            ]
        if newest_first:
            chosen = chosen[::-1]
        chosen = chosen[max(0, offset) :]
        return list(chosen if limit is None else chosen[:limit])

    def count(self, owner: str) -> int:
        return len(self._sorted(ENTRY, owner))

    def last(self, owner: str) -> Entry | None:
        mine = self._sorted(ENTRY, owner)
        return mine[-1] if mine else None

    def delete_all(self, owner: str) -> int:
        """Delete everything of the owner (entries, screenings, events and kept records);
        how many entries."""
        removed = 0
        for codec in CODECS.values():
            for item in self._sorted(codec, owner):
                self._delete(owner, codec.kind, item.id)
                removed += codec is ENTRY
        self.delete_records(owner)
        return removed

    def frame(self, owner: str) -> pd.DataFrame:
        """All entries as ``entries_frame`` columns, for charts."""
        from backcare.diary.frames import entries_frame

        return entries_frame(self._sorted(ENTRY, owner))

    def revision(self, owner: str) -> int:
        """Changes whenever the owner's things may have changed (0: never had any)."""
        self._notice_outside()
        written = self._written.get(owner, 0)
        if written == 0 and not self._has(owner):
            return 0
        return written + self._outside

    def _has(self, owner: str) -> bool:
        return any(self._sorted(codec, owner) for codec in CODECS.values()) or any(
            self._kept(kind, owner) for kind in self._kept_kinds()
        )

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
        self._put(owner, SCREENING.kind, result.id, SCREENING.encode(result))
        return result

    def screenings(self, owner: str) -> builtins.list[Screening]:
        return list(self._sorted(SCREENING, owner))

    def add_event(self, owner: str, date: date, label: str) -> Event:
        event = Event(owner, date, label)
        self._put(owner, EVENT.kind, event.id, EVENT.encode(event))
        return event

    def events(self, owner: str) -> builtins.list[Event]:
        return list(self._sorted(EVENT, owner))

    # -- kept records

    def _kept_kinds(self) -> set[str]:
        """Every ``record:<kind>`` the browser keeps or this tab writes."""
        mirror = self.mirror
        kinds = set(mirror.records)
        kinds.update(op.kind for op in mirror.pending.values())
        kinds.update(kind for kind, _ in mirror.kept_in_tab)
        return {kind[len(RECORD_PREFIX) :] for kind in kinds if kind.startswith(RECORD_PREFIX)}

    def _kept(self, kind: str, owner: str) -> builtins.list[tuple[str, int, StoredRecord]]:
        """(IndexedDB id, place, record) of the owner's records of one kind, in the order
        written."""
        mine = []
        for key, value in self.mirror.view(RECORD_PREFIX + kind).items():
            try:
                who, order, record = _kept_from(kind, value)
            except (ValueError, TypeError):
                self.unreadable.add((RECORD_PREFIX + kind, key))
                continue
            if who == owner:
                mine.append((key, order, record))
        mine.sort(key=lambda found: (found[1], found[2].saved_at, found[2].record_id))
        return mine

    def put_record(
        self,
        owner: str,
        kind: str,
        payload: Mapping[str, Any],
        *,
        record_id: str | None = None,
    ) -> StoredRecord:
        """Keep a record (a new one, or the one with ``record_id`` replaced, which then
        counts as written now): on its way to the browser, readable at once."""
        record_id, text = _checked_record(owner, kind, payload, record_id)
        record = StoredRecord(kind, record_id, _utc_now(), _payload(text))
        place = 1 + max((order for _, order, _ in self._kept(kind, owner)), default=0)
        value = {
            "owner": owner,
            "record_id": record_id,
            "saved_at": record.saved_at.isoformat(),
            "seq": place,
            "payload": _payload(text),
        }
        self._put(owner, RECORD_PREFIX + kind, _kept_id(owner, record_id), value)
        return record

    def records(self, owner: str, kind: str) -> builtins.list[StoredRecord]:
        """The owner's records of one kind, oldest first, in the order written."""
        return [record for _, _, record in self._kept(kind, owner)]

    def delete_records(self, owner: str, kind: str | None = None) -> int:
        """Delete the owner's records of ``kind`` (of every kind when None); how many."""
        kinds = sorted(self._kept_kinds()) if kind is None else [kind]
        removed = 0
        for name in kinds:
            for key, _, _ in self._kept(name, owner):
                self._delete(owner, RECORD_PREFIX + name, key)
                removed += 1
        return removed

    def held_records(self, owner: str) -> builtins.list[StoredRecord]:
        """The owner's kept records the browser refused, kept in this tab only."""
        held = []
        for kind, _key, value in self.mirror.held():
            if not kind.startswith(RECORD_PREFIX):
                continue
            try:
                who, _, record = _kept_from(kind[len(RECORD_PREFIX) :], value)
            except (ValueError, TypeError):
                continue
            if who == owner:
                held.append(record)
        return held

    # -- this mode's own

    def held_entries(self, owner: str) -> builtins.list[Entry]:
        """The owner's entries the browser refused, kept in this tab only."""
        entries = self._objects(ENTRY)
        return sorted(
            (
                entries[rid]
                for kind, rid, _ in self.mirror.held()
                if kind == ENTRY.kind and rid in entries and entries[rid].owner == owner
            ),
            key=ENTRY.order,
        )
