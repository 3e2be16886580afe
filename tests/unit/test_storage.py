"""backcare.storage: one contract for every store, SQLite specifics and the v1 migration."""

from __future__ import annotations

import os
import sqlite3
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

T0 = datetime(2024, 3, 1, 8, 0)
NOW = datetime(2024, 6, 1, 12, 0)
STORE_KINDS = ["sqlite", "session", "postgres"]


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path) -> Store:
    if request.param == "sqlite":
        made = SqlStore(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
        yield made
        made.engine.dispose()
    elif request.param == "session":
        yield SessionStore()
    else:
        # A fresh schema per test: drop every BackCare table in the test database.
        url = request.getfixturevalue("postgres_server_url")
        engine = sa.create_engine(url)
        storage.metadata.drop_all(engine)
        engine.dispose()
        made = SqlStore(url)
        yield made
        made.engine.dispose()


def entry(hours: float = 0, pain: int = 3, owner: str = "me", **more) -> Entry:
    return Entry(T0 + timedelta(hours=hours), pain, owner=owner, **more)


def test_both_stores_follow_the_protocol(store):
    assert isinstance(store, Store)
    assert store.kind in ("sql", "session")
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
    assert made.schema_version() == 2
    local = made.list("local")
    assert [(e.id, e.timestamp, e.pain, e.flare, e.medication_taken, e.note) for e in local] == [
        ("a1", datetime(2023, 5, 1, 8), 6, True, False, "first entry"),
        ("a2", datetime(2023, 5, 1, 20, 30), 4, False, True, "=looks like a formula"),
    ]
    assert local[0].locations == frozenset() and local[0].sleep_hours is None
    assert [e.id for e in made.list("other")] == ["b1"]
    # New features work on the migrated file, and it opens again as version 2.
    made.add(Entry(datetime(2023, 5, 3), 3, owner="local", locations={"neck"}, mood=5))
    made.add_event("local", date(2023, 5, 3), "Routine started")
    made.engine.dispose()
    again = SqlStore(f"sqlite:///{path}")
    assert again.count("local") == 3
    assert again.list("local")[-1].locations == frozenset({"neck"})
    frame = again.frame("local")
    assert list(frame["timestamp"]) == [e.timestamp for e in again.list("local")]
    assert list(frame["pain"]) == [6, 4, 3]


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
    (None, "backcare.example.org", None, "session"),
    (None, "192.168.1.20:8501", None, "session"),
    (None, "localhost.example.org", None, "session"),
    (None, "localhost:8501", "203.0.113.9", "session"),  # spoofed Host from afar
    (None, None, None, "session"),
    (None, "", None, "session"),
    ("sql", "backcare.example.org", "203.0.113.9", "sql"),
    ("session", "localhost:8501", None, "session"),
]


@pytest.mark.parametrize(("forced", "host", "remote_ip", "expected"), PRIVACY_RULE)
def test_the_privacy_rule(forced, host, remote_ip, expected):
    assert storage.choose_mode(forced, host, remote_ip) == expected


def test_a_bad_storage_setting_is_explained():
    with pytest.raises(StorageError, match="'sql' or 'session'"):
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
