"""backcare.storage: one contract for every store, SQLite specifics and the v1 migration."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import storage
from backcare.diary.frames import FRAME_COLUMNS, entries_frame
from backcare.diary.io import DiaryImportError, read_entries
from backcare.diary.model import Entry
from backcare.storage import SessionStore, SqlStore, StorageError, Store
from tests.unit.stores import STORE_KINDS, store_fixture

T0 = datetime(2024, 3, 1, 8, 0)
NOW = datetime(2024, 6, 1, 12, 0)


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path) -> Store:
    yield from store_fixture(request, tmp_path)


def entry(hours: float = 0, pain: int = 3, owner: str = "me", **more) -> Entry:
    return Entry(T0 + timedelta(hours=hours), pain, owner=owner, **more)


def test_every_store_follows_the_protocol(store):
    assert isinstance(store, Store)
    assert store.kind in storage.MODES
    assert store.location


def test_add_then_list_returns_the_entry_with_every_field(store):
    full = entry(
        flare=True,
        medication_taken=True,
        exercised=True,
        locations={"neck", "left leg"},
        qualities={"burning"},
        sleep_hours=6.5,
        sleep_quality=4,
        activity_minutes=30,
        exercise_minutes=15,
        medication="ibuprofen 200 mg",
        mood=7,
        peg_pain=5,
        peg_enjoyment=4,
        peg_activity=3,
        note="line one\nline two <b>",
    )
    store.add(full)
    assert store.list("me") == [full]
    assert store.get("me", full.id) == full
    assert store.count("me") == 1


def test_every_query_is_filtered_by_owner(store):
    mine, yours = entry(owner="me"), entry(owner="you", pain=9)
    store.add(mine)
    store.add(yours)
    assert store.list("me") == [mine]
    assert store.list("you") == [yours]
    assert store.count("me") == 1
    with pytest.raises(storage.NotFoundError):
        store.get("me", yours.id)
    with pytest.raises(storage.NotFoundError):
        store.delete("me", yours.id)
    with pytest.raises(storage.NotFoundError):
        store.update(Entry(yours.timestamp, 0, owner="me", id=yours.id))
    assert store.delete_all("me") == 1
    assert store.list("you") == [yours]


def test_list_filters_by_time_sorts_and_limits(store):
    entries = [entry(hours=24 * day) for day in range(5)]
    store.add_many(reversed(entries))
    assert store.list("me") == entries
    assert store.list("me", since=entries[1].timestamp, until=entries[3].timestamp) == entries[1:4]
    assert store.list("me", since=date(2024, 3, 4)) == entries[3:]
    assert store.list("me", until=date(2024, 3, 2)) == entries[:2]
    assert store.list("me", limit=2, newest_first=True) == [entries[4], entries[3]]
    assert store.last("me") == entries[4]
    assert store.last("nobody") is None


def test_list_pages_through_every_entry(store):
    """Issue 17: any entry can be found, not only the latest few: pages of newest first,
    from any day back."""
    entries = [entry(hours=6 * n) for n in range(11)]
    store.add_many(entries)
    newest = list(reversed(entries))
    pages = [store.list("me", limit=4, offset=start, newest_first=True) for start in (0, 4, 8)]
    assert [e for page in pages for e in page] == newest
    assert store.list("me", limit=4, offset=12, newest_first=True) == []
    day = entries[5].timestamp.date()
    assert (
        store.list("me", until=day, limit=2, offset=1, newest_first=True)
        == [e for e in newest if e.timestamp.date() <= day][1:3]
    )


def test_the_chart_frame_matches_entries_frame(store):
    entries = [
        entry(hours=2, pain=5, exercised=True, exercise_minutes=20, mood=6),
        entry(hours=0, pain=3, flare=True, sleep_hours=7.5),
        entry(hours=1, pain=4, owner="you"),
    ]
    for item in entries:
        store.add(item)
    frame = store.frame("me")
    expected = entries_frame(entries[:2])
    assert dict(frame.dtypes.astype(str)) == FRAME_COLUMNS
    assert frame.equals(expected), (frame, expected)
    assert store.frame("nobody").empty
    assert dict(store.frame("nobody").dtypes.astype(str)) == FRAME_COLUMNS


def test_add_many_skips_exact_duplicates_and_counts_what_it_added(store):
    first = entry(pain=2)
    store.add(first)
    again = Entry(first.timestamp, 2, owner="me")  # same content, new id
    other = entry(hours=1, pain=4)
    assert store.add_many([again, other, other]) == 1
    assert store.list("me") == [first, other]
    assert store.add_many([]) == 0


def test_add_many_gives_a_new_id_when_an_id_is_taken_by_different_content(store):
    first = entry(pain=2)
    store.add(first)
    clash = Entry(T0 + timedelta(hours=5), 8, owner="me", id=first.id)
    assert store.add_many([clash]) == 1
    listed = store.list("me")
    assert [e.pain for e in listed] == [2, 8]
    assert listed[1].id != first.id


def test_add_many_takes_one_owner(store):
    with pytest.raises(ValueError, match="one owner"):
        store.add_many([entry(owner="me"), entry(owner="you")])
    assert store.count("me") == 0


def test_update_changes_the_entry(store):
    first = entry(pain=2)
    store.add(first)
    changed = Entry(first.timestamp, 7, owner="me", id=first.id, note="worse")
    store.update(changed)
    assert store.list("me") == [changed]


def test_delete_returns_the_entry_and_restore_puts_it_back(store):
    keep, gone = entry(), entry(hours=1, note="oops")
    store.add_many([keep, gone])
    deleted = store.delete("me", gone.id)
    assert deleted == gone
    assert store.list("me") == [keep]
    store.restore(deleted)
    assert store.list("me") == [keep, gone]


def test_adding_the_same_id_twice_is_refused(store):
    first = entry()
    store.add(first)
    with pytest.raises(ValueError, match="already exists"):
        store.add(first)


def test_the_revision_changes_on_every_write(store):
    seen = [store.revision("me")]
    first = entry()
    store.add(first)
    seen.append(store.revision("me"))
    store.update(Entry(first.timestamp, 9, owner="me", id=first.id))
    seen.append(store.revision("me"))
    store.delete("me", first.id)
    seen.append(store.revision("me"))
    assert len(set(seen)) == 4
    assert store.revision("you") == 0


def test_screenings_and_events_are_kept_per_owner(store):
    taken = datetime(2024, 3, 2, 10)
    store.add_screening("me", "oswestry", taken, 32, {"answers": [1, 2, 3]})
    store.add_screening("me", "peg", taken - timedelta(days=1), 5.3, {})
    store.add_event("me", date(2024, 3, 3), "Routine started")
    store.add_event("you", date(2024, 3, 3), "Not mine")
    assert [(s.instrument, s.score) for s in store.screenings("me")] == [
        ("peg", 5.3),
        ("oswestry", 32.0),
    ]
    assert store.screenings("me")[1].details == {"answers": [1, 2, 3]}
    assert [(e.date, e.label) for e in store.events("me")] == [
        (date(2024, 3, 3), "Routine started")
    ]
    assert store.screenings("you") == []
    store.delete_all("me")
    assert store.screenings("me") == [] and store.events("me") == []
    assert len(store.events("you")) == 1


def test_screenings_keep_their_answers(store):
    taken = datetime(2024, 3, 2, 10)
    store.add_screening("me", "oswestry", taken, 32, {}, answers=(1, 2, None, 3, 0, 0, 1, 2, 5, 4))
    store.add_screening("me", "peg", taken + timedelta(hours=1), 5.0, {}, answers=[5, 4, 6])
    store.add_screening("me", "start_back", taken + timedelta(hours=2), 3, {"risk": "low"})
    kept = store.screenings("me")
    assert [s.answers for s in kept] == [(1, 2, None, 3, 0, 0, 1, 2, 5, 4), (5, 4, 6), None]
    assert kept[2].details == {"risk": "low"}


def test_screenings_keep_ticks_and_named_rows(store):
    """Roland-Morris keeps ticks, the PSFS (activity, rating) rows: both come back as given."""
    store.add_screening("me", "rmdq", T0, 2, {}, answers=(True, False, True))
    store.add_screening("me", "psfs", T0 + timedelta(hours=1), 4.5, {}, answers=[["Walk", 4]])
    kept = store.screenings("me")
    assert [s.answers for s in kept] == [(True, False, True), (("Walk", 4),)]


@pytest.mark.parametrize(
    "answers",
    ["123", (1.5,), {"a": 1}, ("x" * 201,), ((("deeper",),),), tuple(range(65))],
    ids=["text", "decimal", "mapping", "long text", "nested rows", "too many"],
)
def test_screening_answers_must_be_plain_and_short(store, answers):
    with pytest.raises(ValueError, match="answers"):
        store.add_screening("me", "peg", T0, 1, {}, answers=answers)
    assert store.screenings("me") == []


# --------------------------------------------------------------------------- kept records


def test_a_record_is_kept_and_read_back(store):
    before = store.revision("me")
    put = store.put_record("me", "check", {"level": "urgent", "flags": ["a", "b"], "age": None})
    assert store.revision("me") != before
    assert put.kind == "check" and len(put.record_id) == 32
    assert put.saved_at.tzinfo is not None and put.saved_at.utcoffset() == timedelta(0)
    (kept,) = store.records("me", "check")
    assert kept == put
    assert kept.payload == {"level": "urgent", "flags": ["a", "b"], "age": None}
    assert store.records("me", "routine") == []
    assert store.records("you", "check") == []


def test_records_come_oldest_first_and_the_same_id_replaces(store):
    first = store.put_record("me", "check", {"n": 1})
    second = store.put_record("me", "check", {"n": 2})
    store.put_record("me", "routine", {"n": 0}, record_id="current")
    assert [r.payload["n"] for r in store.records("me", "check")] == [1, 2]
    again = store.put_record("me", "check", {"n": 3}, record_id=first.record_id)
    assert [r.record_id for r in store.records("me", "check")] == [
        second.record_id,
        again.record_id,
    ]
    assert [r.payload["n"] for r in store.records("me", "check")] == [2, 3]
    store.put_record("me", "routine", {"n": 9}, record_id="current")
    assert [r.payload for r in store.records("me", "routine")] == [{"n": 9}]


def test_a_read_payload_is_a_fresh_copy(store):
    store.put_record("me", "check", {"flags": ["a"]})
    store.records("me", "check")[0].payload["flags"].append("b")
    assert store.records("me", "check")[0].payload == {"flags": ["a"]}


def test_records_are_kept_per_owner_and_deleted_by_kind(store):
    store.put_record("me", "check", {"n": 1})
    store.put_record("me", "check", {"n": 2})
    store.put_record("me", "routine", {"n": 3})
    store.put_record("you", "check", {"n": 4})
    assert store.delete_records("me", "check") == 2
    assert store.records("me", "check") == []
    assert len(store.records("me", "routine")) == 1
    assert len(store.records("you", "check")) == 1
    assert store.delete_records("me", "check") == 0
    store.put_record("me", "doctor_seen", {"n": 5})
    assert store.delete_records("me") == 2
    assert store.records("me", "routine") == [] and store.records("me", "doctor_seen") == []
    assert [r.payload for r in store.records("you", "check")] == [{"n": 4}]


def test_delete_all_forgets_every_record_too(store):
    store.add(entry())
    store.add_screening("me", "peg", T0, 5, {}, answers=(5, 5, 5))
    store.put_record("me", "check", {"n": 1})
    store.put_record("me", "routine", {"n": 2}, record_id="current")
    store.put_record("you", "check", {"n": 3})
    assert store.delete_all("me") == 1
    assert store.records("me", "check") == [] and store.records("me", "routine") == []
    assert store.screenings("me") == []
    assert len(store.records("you", "check")) == 1


@pytest.mark.parametrize(
    ("owner", "kind", "payload", "record_id", "words"),
    [
        ("", "check", {}, None, "owner"),
        ("me", "", {}, None, "kind"),
        ("me", "Check", {}, None, "kind"),
        ("me", "check-2", {}, None, "kind"),
        ("me", "x" * 33, {}, None, "kind"),
        ("me", "check", {}, "", "record_id"),
        ("me", "check", {}, "-starts-with-a-dash", "record_id"),
        ("me", "check", {}, "x" * 65, "record_id"),
        ("me", "check", ["not", "a", "mapping"], None, "payload"),
        ("me", "check", {"when": datetime(2024, 1, 1)}, None, "payload"),
        ("me", "check", {"n": float("nan")}, None, "payload"),
        ("me", "check", {"big": "x" * storage.MAX_PAYLOAD_CHARS}, None, "limit"),
    ],
)
def test_a_bad_record_is_refused_and_nothing_is_written(
    store, owner, kind, payload, record_id, words
):
    with pytest.raises(ValueError, match=words):
        store.put_record(owner, kind, payload, record_id=record_id)
    assert store.records("me", "check") == []
    assert store.revision("me") == 0


def test_putting_the_same_record_at_once_keeps_exactly_one(store):
    """Several tabs saving the routine together: one record, never an error or a double."""

    errors: list[Exception] = []

    def put(n: int) -> None:
        for i in range(5):
            try:
                store.put_record("me", "routine", {"n": n, "i": i}, record_id="current")
            except ValueError as exc:
                errors.append(exc)

    threads = [threading.Thread(target=put, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    (kept,) = store.records("me", "routine")
    assert kept.payload["i"] == 4


def test_a_record_can_hold_any_plain_json(store):
    payload = {
        "text": "line one\nline two <b>\u00e9 \U0001f600 ' \" ;",
        "numbers": [0, -1, 2.5, 10**12],
        "nested": {"a": [True, False, None], "b": {}},
    }
    store.put_record("me", "check", payload, record_id="a.b_c-1")
    assert store.records("me", "check")[0].payload == payload


def test_a_bad_screening_writes_nothing(store):
    with pytest.raises(ValueError, match="instrument"):
        store.add_screening("me", "sf36", T0, 1, {})
    assert store.screenings("me") == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["2024-01-02", "2099-01-01", "x", "3", "12", "", "yes", "a"]),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_an_import_with_any_bad_row_writes_nothing(store, rows):
    """Malformed rows: never a crash, never a partial write."""
    store.delete_all("me")
    before = store.list("me")
    text = "date,pain,note\n" + "\n".join(",".join(r) for r in rows)
    try:
        entries = read_entries(text.encode(), format="csv", owner="me", now=NOW)
    except DiaryImportError:
        assert store.list("me") == before
        return
    added = store.add_many(entries)
    assert added == len(entries)
    assert store.count("me") == len(entries)


def test_a_failing_add_many_writes_nothing(tmp_path, monkeypatch):
    made = SqlStore(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    made.add(entry(pain=1))

    def fail(*_args, **_kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    original = made._bump
    monkeypatch.setattr(made, "_bump", fail)
    with pytest.raises(StorageError, match="disk I/O error"):
        made.add_many([entry(hours=h) for h in range(1, 4)])
    monkeypatch.setattr(made, "_bump", original)
    assert [e.pain for e in made.list("me")] == [1]


# --------------------------------------------------------------------------- SQLite


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path):
    made = SqlStore(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    with made.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    assert made.schema_version() == storage.SCHEMA_VERSION


def test_entries_survive_reopening_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    first = entry(note="kept")
    SqlStore(url).add(first)
    assert SqlStore(url).list("me") == [first]


def _make_v1_file(path: Path) -> list[tuple]:
    rows = [
        ("a1", "local", "2023-05-01 08:00:00", 6, 1, 0, 0, "first entry"),
        ("a2", "local", "2023-05-01 20:30:00", 4, 0, 1, 1, "=looks like a formula"),
        ("b1", "other", "2023-05-02 09:00:00", 2, 0, 0, 0, ""),
    ]
    with sqlite3.connect(path) as conn:
        for statement in storage.V1_SCHEMA_SQL:
            conn.execute(statement)
        conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.close()
    return rows


def test_a_version_1_file_opens_without_loss_and_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite3"
    _make_v1_file(path)
    made = SqlStore(f"sqlite:///{path}")
    assert made.schema_version() == storage.SCHEMA_VERSION
    local = made.list("local")
    assert [(e.id, e.timestamp, e.pain, e.flare, e.medication_taken, e.note) for e in local] == [
        ("a1", datetime(2023, 5, 1, 8), 6, True, False, "first entry"),
        ("a2", datetime(2023, 5, 1, 20, 30), 4, False, True, "=looks like a formula"),
    ]
    assert local[0].locations == frozenset() and local[0].sleep_hours is None
    assert [e.id for e in made.list("other")] == ["b1"]
    # New features work on the migrated file, and it opens again at the current version.
    made.add(Entry(datetime(2023, 5, 3), 3, owner="local", locations={"neck"}, mood=5))
    made.add_event("local", date(2023, 5, 3), "Routine started")
    made.engine.dispose()
    again = SqlStore(f"sqlite:///{path}")
    assert again.count("local") == 3
    assert again.list("local")[-1].locations == frozenset({"neck"})
    frame = again.frame("local")
    assert list(frame["timestamp"]) == [e.timestamp for e in again.list("local")]
    assert list(frame["pain"]) == [6, 4, 3]


# Rows of every kind, as BackCare 0.2 (schema version 2) wrote them.
# fmt: off
V2_ROWS = {
    "entries": [
        ("e1", "local", "2024-05-01 08:00:00.000000", 6, 1, 0, 0, "first", "", "", None,
         None, None, None, "", None, None, None, None),
        ("e2", "local", "2024-05-01 20:30:00.000000", 4, 0, 1, 1, "=looks like a formula",
         "left leg;lower back", "aching;stiff", 6.5, 4, 30, 15, "ibuprofen 200 mg", 7, 5, 4,
         3),
        ("e3", "local", "2024-05-02 09:00:00.000000", 2, 0, 0, 0, "😀 'quoted' \"twice\"",
         "neck", "", 8.0, 9, 0, 0, "", 9, None, None, None),
        ("e4", "other", "2024-05-02 09:00:00.000000", 9, 1, 1, 0, "not mine", "", "", None,
         None, None, None, "", None, None, None, None),
    ],
    "screenings": [
        ("s1", "local", "oswestry", "2024-05-01 09:00:00.000000", 32.0, '{"band": "moderate"}'),
        ("s2", "local", "start_back", "2024-05-01 09:05:00.000000", 5.0,
         '{"risk": "high", "psychosocial": 4}'),
        ("s3", "local", "peg", "2024-05-02 09:00:00.000000", 5.333333333333333, "{}"),
    ],
    "events": [
        ("v1", "local", "2024-05-02", "Routine started"),
        ("v2", "other", "2024-05-03", "Not mine"),
    ],
    "revisions": [("local", 12), ("other", 3)],
}
# fmt: on


def _make_v2_file(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        for statement in storage.V2_SCHEMA_SQL:
            conn.execute(statement)
        for table, rows in V2_ROWS.items():
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
    conn.close()


def _rows(path: Path, table: str, columns: str = "*") -> list[tuple]:
    with sqlite3.connect(path) as conn:
        # Every value with its storage class, so "byte for byte" means exactly that.
        found = conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()  # noqa: S608
        kinds = conn.execute(
            f"SELECT {', '.join(f'typeof({c})' for c in _columns(conn, table, columns))} "  # noqa: S608
            f"FROM {table} ORDER BY 1"
        ).fetchall()
    conn.close()
    return list(zip(found, kinds, strict=True))


def _columns(conn, table: str, columns: str) -> list[str]:
    if columns != "*":
        return [c.strip() for c in columns.split(",")]
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


V2_COLUMNS = {
    "screenings": "id, owner, instrument, taken_at, score, details",
    "entries": "*",
    "events": "*",
    "revisions": "*",
}


def test_a_version_2_file_opens_and_keeps_every_row_byte_for_byte(tmp_path):
    path = tmp_path / "v2.sqlite3"
    _make_v2_file(path)
    before = {table: _rows(path, table, V2_COLUMNS[table]) for table in V2_ROWS}
    assert [len(before[t]) for t in V2_ROWS] == [4, 3, 2, 2]

    made = SqlStore(f"sqlite:///{path}")
    assert made.schema_version() == storage.SCHEMA_VERSION
    made.engine.dispose()
    after = {table: _rows(path, table, V2_COLUMNS[table]) for table in V2_ROWS}
    assert after == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT answers FROM screenings").fetchall() == [(None,)] * 3
        assert conn.execute("SELECT count(*) FROM records").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
    conn.close()

    # Read through the store: every old row as it was, the old screenings without answers.
    again = SqlStore(f"sqlite:///{path}")
    assert [e.id for e in again.list("local")] == ["e1", "e2", "e3"]
    e2 = again.get("local", "e2")
    assert (e2.locations, e2.medication, e2.peg_activity) == (
        frozenset({"left leg", "lower back"}),
        "ibuprofen 200 mg",
        3,
    )
    assert [(s.id, s.details, s.answers) for s in again.screenings("local")] == [
        ("s1", {"band": "moderate"}, None),
        ("s2", {"risk": "high", "psychosocial": 4}, None),
        ("s3", {}, None),
    ]
    assert [ev.label for ev in again.events("local")] == ["Routine started"]
    assert again.revision("local") == 12
    # ... and the new features work on it.
    again.add_screening("local", "peg", datetime(2024, 5, 3), 5, {}, answers=(5, 5, 5))
    again.put_record("local", "check", {"level": "self_care"})
    assert again.screenings("local")[-1].answers == (5, 5, 5)
    assert again.records("local", "check")[0].payload == {"level": "self_care"}
    assert again.revision("local") == 14
    again.engine.dispose()
    assert _rows(path, "entries") == before["entries"]


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite3"
    SqlStore(f"sqlite:///{path}").engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    conn.close()
    with pytest.raises(StorageError, match="newer BackCare"):
        SqlStore(f"sqlite:///{path}")


@pytest.mark.parametrize(
    ("prepare", "words"),
    [
        (lambda p: p.write_bytes(b"this is a text file, not SQLite" * 50), "not a BackCare diary"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE x (a)").connection.commit(),
            "not a BackCare diary",
        ),
    ],
)
def test_a_file_that_is_not_a_diary_gives_a_clear_error(tmp_path, prepare, words):
    path = tmp_path / "diary.sqlite3"
    prepare(path)
    with pytest.raises(StorageError, match=words):
        SqlStore(f"sqlite:///{path}")


def test_a_folder_that_cannot_be_created_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create the diary folder"):
        SqlStore(f"sqlite:///{blocker / 'sub' / 'diary.sqlite3'}")


@pytest.mark.skipif(
    os.geteuid() == 0 if hasattr(os, "geteuid") else True,
    reason="root can write to read-only folders",
)
def test_a_read_only_folder_gives_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="cannot be opened"):
            SqlStore(f"sqlite:///{folder / 'diary.sqlite3'}")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "not a database address"),
        ("sqlite:///:memory:", "in-memory"),
        ("nosuchdb://u@h/x", "driver is not installed"),
    ],
)
def test_bad_database_urls_give_a_clear_error(url, words):
    with pytest.raises(StorageError, match=words):
        SqlStore(url)


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"BACKCARE_STORAGE": "sql"}, "sql"),
        ({"BACKCARE_STORAGE": " Session "}, "session"),
        ({"BACKCARE_STORAGE": "browser"}, "browser"),
        ({"BACKCARE_STORAGE": ""}, None),
    ],
)
def test_configured_mode(env, expected):
    assert storage.configured_mode(env) == expected


# (forced mode, Host header, remote IP as Streamlit reports it, expected mode)
PRIVACY_RULE = [
    (None, "localhost:8501", None, "sql"),
    (None, "127.0.0.1:8501", None, "sql"),
    (None, "127.0.0.2", None, "sql"),
    (None, "[::1]:8501", None, "sql"),
    (None, "LOCALHOST", None, "sql"),
    (None, "localhost:8501", "127.0.0.1", "sql"),
    (None, "backcare.example.org", None, "browser"),
    (None, "192.168.1.20:8501", None, "browser"),
    (None, "localhost.example.org", None, "browser"),
    (None, "localhost:8501", "203.0.113.9", "browser"),  # spoofed Host from afar
    # A dual-stack server reports a browser at http://127.0.0.1:8501 as IPv4-mapped IPv6.
    (None, "127.0.0.1:8501", "::ffff:127.0.0.1", "sql"),
    (None, "localhost:8501", "::ffff:127.0.0.1", "sql"),
    (None, "localhost:8501", "::ffff:127.1.2.3", "sql"),
    (None, "[::ffff:127.0.0.1]:8501", "::ffff:127.0.0.1", "sql"),
    (None, "localhost:8501", "::1", "sql"),
    (None, "localhost:8501", "::ffff:203.0.113.9", "browser"),  # mapped, but from afar
    (None, "localhost:8501", "::ffff:10.0.0.2", "browser"),
    (None, "[::ffff:192.168.1.20]:8501", None, "browser"),
    (None, "localhost:8501", "::ffff:7f00:1", "sql"),  # the same address, written in hex
    (None, "localhost:8501", "fe80::1%eth0", "browser"),
    (None, "localhost:8501", "not an address", "browser"),
    (None, None, None, "browser"),
    (None, "", None, "browser"),
    (None, "[::ffff:127.0.0.1]:8501", "::ffff:192.168.1.20", "browser"),
    ("sql", "backcare.example.org", "203.0.113.9", "sql"),
    ("session", "localhost:8501", None, "session"),
    ("browser", "localhost:8501", None, "browser"),
    ("accounts", "clinic.example.org", "203.0.113.9", "accounts"),
    ("accounts", "localhost:8501", None, "accounts"),
]


@pytest.mark.parametrize(("forced", "host", "remote_ip", "expected"), PRIVACY_RULE)
def test_the_privacy_rule(forced, host, remote_ip, expected):
    assert storage.choose_mode(forced, host, remote_ip) == expected


def test_a_bad_storage_setting_is_explained():
    with pytest.raises(StorageError, match="'sql', 'session', 'browser' or 'accounts'"):
        storage.configured_mode({"BACKCARE_STORAGE": "cloud"})


def test_database_url_defaults_to_a_file_in_the_data_dir(tmp_path):
    env = {"BACKCARE_DATA_DIR": str(tmp_path)}
    assert storage.database_url(env) == f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    env["BACKCARE_DATABASE_URL"] = "postgresql://u:secret@db/backcare"
    assert storage.database_url(env) == "postgresql://u:secret@db/backcare"


def test_the_default_data_dir_is_the_users_data_dir():
    assert storage.data_dir({}).name == "BackCare"


def test_describe_url_hides_passwords_and_shows_file_paths(tmp_path):
    assert "secret" not in storage.describe_url("postgresql://u:secret@db/backcare")
    assert storage.describe_url(f"sqlite:///{tmp_path}/d.sqlite3") == str(tmp_path / "d.sqlite3")


def test_session_stores_share_nothing():
    one, two = SessionStore(), SessionStore()
    one.add(entry())
    assert two.list("me") == []
    assert two.count("me") == 0


def test_unique_ids_per_entry():
    assert len({entry().id for _ in range(100)}) == 100
    assert uuid.UUID(entry().id)
