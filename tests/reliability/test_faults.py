"""Faults: a server killed mid-write, a diary folder that cannot be written or is full, a
database that cannot be reached, an old diary file, a file that is not a diary.

Browser tests for the crash and the unwritable folder (what a person sees, export
included); AppTest for the other storage faults (same page code, much faster).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
import streamlit as st
from playwright.sync_api import Browser, expect
from streamlit.testing.v1 import AppTest

from backcare import storage
from backcare.ui.state import SESSION_OWNER_KEY, SESSION_STORE_KEY
from tests.helpers import APP, app_environment, click, quick_key
from tests.reliability.helpers import errors_shown, export_rows, open_page, quick_save
from tests.support.browser import screenshot
from tests.support.server import start_server, storage_env

DIARY = "pages/4_Pain_diary.py"
FALLBACK = "Your saved diary could not be opened or written"


# --------------------------------------------------------------------------- browser


def test_a_server_killed_mid_write_keeps_every_confirmed_entry(browser: Browser, tmp_path):
    data = tmp_path / "data"
    env = storage_env(data, "sql")
    server = start_server(tmp_path, env=env)
    page = browser.new_page()
    confirmed: list[int] = []
    try:
        open_page(page, server.url)
        for pain in range(1, 8):
            quick_save(page, pain)
            confirmed.append(pain)
        # One more save is on its way when the server dies without any clean-up.
        page.get_by_role("radiogroup", name="Pain now").get_by_role(
            "radio", name="9", exact=True
        ).click()
        page.get_by_role("button", name="Save entry").click()
        server.stop(signal.SIGKILL)
        assert server.process.returncode == -signal.SIGKILL
    finally:
        server.stop()

    db_file = data / storage.DB_FILENAME
    with sqlite3.connect(db_file) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [row[0] for row in db.execute("SELECT pain FROM entries")]
    assert set(confirmed) <= set(stored), f"confirmed {confirmed}, stored {stored}"
    assert len(stored) in (len(confirmed), len(confirmed) + 1)  # the last may or may not land

    # The restarted app on the same folder lists them and keeps working.
    again = start_server(tmp_path, env=env)
    try:
        open_page(page, again.url)
        expect(page.get_by_text(f"{len(stored)} entries, newest first.")).to_be_visible()
        quick_save(page, 2)
        assert errors_shown(page) == []
    finally:
        page.close()
        again.stop()
    with sqlite3.connect(db_file) as db:
        assert db.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == len(stored) + 1


def test_an_unwritable_data_folder_falls_back_to_the_tab_with_export(browser: Browser, tmp_path):
    # We run as root, so chmod stops nothing: make the folder's parent a regular file.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    server = start_server(tmp_path, env=storage_env(blocker / "data", "sql"))
    page = browser.new_page()
    try:
        open_page(page, server.url)
        expect(page.get_by_text(FALLBACK)).to_be_visible()
        expect(page.get_by_text("cannot create the diary folder")).to_be_visible()
        assert page.locator("[data-testid='stException']").count() == 0
        quick_save(page, 6)
        rows = export_rows(page)
        assert [(r["pain"], r["flare"]) for r in rows] == [("6", "no")]
        screenshot(page, "faults-unwritable-folder")
    finally:
        page.close()
        server.stop()
    assert blocker.read_text() == "not a folder"


# --------------------------------------------------------------------------- AppTest


@pytest.fixture
def clean(tmp_path, monkeypatch):
    with app_environment(monkeypatch, tmp_path / "data"):
        yield tmp_path
    st.cache_resource.clear()


def open_diary() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(DIARY).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def save(at: AppTest, pain: int) -> AppTest:
    at.segmented_control(key=quick_key(at, "pain")).set_value(pain)
    next(b for b in at.form_submit_button if b.label == "Save entry").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_falls_back(at: AppTest, reason: str) -> None:
    """A clear warning with the reason, and the diary still works in this tab."""
    assert any(FALLBACK in w.value for w in at.warning), [w.value for w in at.warning]
    assert any(reason in t.value for t in at.text), [t.value for t in at.text]
    save(at, 3)
    assert any("Saved:" in s.value for s in at.success)
    assert any(c.value == "1 entry, newest first." for c in at.caption)
    exports = [b for b in at.get("download_button") if "Download" in b.proto.label]
    assert exports and not any(b.proto.disabled for b in exports)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        # PostgreSQL's driver (psycopg) is installed, but nothing listens on the port.
        ("postgresql://backcare:secret@127.0.0.1:{port}/diary", "connection failed"),
        ("nosuchdb://127.0.0.1:{port}/diary", "the database driver is not installed"),
        ("sqlite:///:memory:", "use a file or the session store"),
    ],
)
def test_an_unusable_database_url_falls_back_with_a_clear_message(clean, monkeypatch, url, reason):
    monkeypatch.setenv("BACKCARE_DATABASE_URL", url.format(port=_closed_port()))
    at = open_diary()
    assert_falls_back(at, reason)
    shown = [e.value for kind in (at.text, at.warning, at.code, at.error) for e in kind]
    assert not any("secret" in text for text in shown), shown


def test_an_unreachable_database_server_falls_back(clean, monkeypatch):
    """A driver that is installed (SQLAlchemy's pysqlite) and a place it cannot open."""
    folder = clean / "is-a-file"
    folder.write_text("x")
    monkeypatch.setenv("BACKCARE_DATABASE_URL", f"sqlite:///{folder}/sub/diary.sqlite3")
    assert_falls_back(open_diary(), "cannot create the diary folder")


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KB tmpfs (needs root and mount); skipped with the reason where it cannot be."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a full disk needs root and mount(8) to make a tiny tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount_point
    st.cache_resource.clear()  # drop the cached engine that holds the file open
    # Lazy: detaches now even if a connection is still open; freed when it closes.
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / f"filler-{uuid.uuid4().hex}"
    out = filler.open("wb", buffering=0)
    try:
        while True:
            out.write(b"\0" * 4096)
    except OSError:  # No space left on device: full
        pass
    finally:
        out.close()
    return filler


def test_a_full_disk_at_open_falls_back(clean, monkeypatch, tiny_disk):
    _fill(tiny_disk)
    monkeypatch.setenv("BACKCARE_DATA_DIR", str(tiny_disk / "data"))
    assert_falls_back(open_diary(), "database or disk is full")


def refused_until_error(at: AppTest, pains=(5, 6, 7)) -> AppTest:
    """Save until the diary file refuses (WAL pages may still fit one write)."""
    for pain in pains:
        at = save(at, pain)
        if at.error:
            return at
    raise AssertionError("a save on a full disk was not refused")


def tab_pains(at: AppTest) -> list[int]:
    """The pains in this tab's own store, sorted (entries saved within a second tie)."""
    store = at.session_state[SESSION_STORE_KEY]
    return sorted(e.pain for e in store.list(at.session_state[SESSION_OWNER_KEY]))


def assert_refused_and_waiting(at: AppTest) -> None:
    """The refusal names the reason, the entry waits in the tab, both ways out are offered."""
    message = at.error[0].value
    assert message.startswith("Not saved") and "full" in message, message
    assert "1 entry is waiting in this tab" in message
    assert {"Try saving again", "Keep my diary in this tab for now"} <= {b.label for b in at.button}


def disk_full(self, entry):
    """Stands in for SqlStore.add on a full disk (SQLite's own words in the message)."""
    raise storage.StorageError("could not save the entry: database or disk is full")


def test_a_refused_save_can_move_the_diary_to_this_tab(clean, monkeypatch):
    """Any platform: the database refuses writes as a full disk does."""
    at = open_diary()
    save(at, 4)
    monkeypatch.setattr(storage.SqlStore, "add", disk_full)
    at = save(at, 5)
    assert_refused_and_waiting(at)
    assert at.segmented_control(key=quick_key(at, "pain")).value is None  # held, form freed
    at = click(at, "Keep my diary in this tab for now")
    assert any("now kept in this tab: 2 entries" in s.value for s in at.success)
    assert any(FALLBACK in w.value for w in at.warning)
    assert tab_pains(at) == [4, 5]
    assert not at.error
    save(at, 6)  # and the tab takes new entries
    assert tab_pains(at) == [4, 5, 6]
    assert any(c.value == "3 entries, newest first." for c in at.caption)
    exports = [b for b in at.get("download_button") if "Download" in b.proto.label]
    assert exports and not any(b.proto.disabled for b in exports)
    # The file was left as it was: the first entry only.
    kept = storage.SqlStore(storage.database_url())
    assert [e.pain for e in kept.list("local")] == [4]
    kept.engine.dispose()


def test_a_refused_save_is_written_when_trying_again_works(clean, monkeypatch):
    at = open_diary()
    monkeypatch.setattr(storage.SqlStore, "add", disk_full)
    at = save(at, 5)
    assert_refused_and_waiting(at)
    at = click(at, "Try saving again")  # add_many is not patched: space came back
    assert any(s.value == "Saved 1 waiting entry." for s in at.success)
    assert not at.error
    assert any(c.value == "1 entry, newest first." for c in at.caption)


def test_a_disk_that_fills_up_refuses_the_save_and_keeps_everything(clean, monkeypatch, tiny_disk):
    monkeypatch.setenv("BACKCARE_DATA_DIR", str(tiny_disk / "data"))
    at = open_diary()
    save(at, 4)
    filler = _fill(tiny_disk)
    at = refused_until_error(at)
    assert_refused_and_waiting(at)
    at = click(at, "Keep my diary in this tab for now")
    assert any(FALLBACK in w.value for w in at.warning)
    pains = tab_pains(at)
    assert pains[0] == 4 and len(pains) >= 2  # the saved ones and the one that waited
    filler.unlink()
    kept = storage.SqlStore(storage.database_url())
    with sqlite3.connect(tiny_disk / "data" / storage.DB_FILENAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert kept.count("local") >= 1
    kept.engine.dispose()


def test_an_old_schema_file_is_migrated_when_the_app_opens_it(clean):
    folder = clean / "data"
    folder.mkdir()
    db_file = folder / storage.DB_FILENAME
    with sqlite3.connect(db_file) as db:
        for statement in storage.V1_SCHEMA_SQL:
            db.execute(statement)
        db.execute(
            "INSERT INTO entries VALUES ('old-1', 'local', '2024-03-01 08:30:00', 6, 1, 0, 1,"
            " 'written by BackCare 0.1')"
        )
    at = open_diary()
    assert not at.warning or not any(FALLBACK in w.value for w in at.warning)
    assert any(c.value == "1 entry, newest first." for c in at.caption)
    save(at, 2)
    with sqlite3.connect(db_file) as db:
        assert (
            db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            == storage.SCHEMA_VERSION
        )
        notes = sorted(row[0] for row in db.execute("SELECT note FROM entries"))
        assert notes == ["", "written by BackCare 0.1"]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_file_that_is_not_a_database_is_left_untouched(clean):
    folder = clean / "data"
    folder.mkdir()
    db_file = folder / storage.DB_FILENAME
    content = b"My shopping list: bread, milk, eggs.\n" * 200
    db_file.write_bytes(content)
    at = open_diary()
    assert_falls_back(at, "is not a BackCare diary file")
    assert db_file.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == [storage.DB_FILENAME]
