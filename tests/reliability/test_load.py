"""Load: 20 browser sessions at once, 3 quick diary entries each, on one server.

SQL store (SQLite, every local session is the one owner "local"): all 60 entries are in
the file exactly once, no session ever shows an error, and each export holds all 60.
Session store: each tab sees and exports only its own 3 entries. Timings are printed
(and written by bench/bench_load.py), never asserted. Part of the README's test command:
with 20 pages on the 2-core build machine each round of 20 saves takes 25-30 s, so each
run takes about 2 minutes (20 x 10 took 5 to 5.5; 20 x 25, the figures in the README's
Reliability table: ``BACKCARE_LOAD_ENTRIES=25``).

A save counts as confirmed when the page, idle again, shows "Saved:" with the quick entry
form emptied (tests/reliability/helpers.py). Exports are taken once every session is done
saving (see ``_AllSaved`` there for the Streamlit download race this avoids).
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter

from tests.reliability.helpers import run_load, signature, summary
from tests.support.server import start_server, storage_env

# 20 sessions at once, as the issue asks; 3 entries each keeps CI within its time now that
# the clinic-mode load (tests/reliability/test_clinic_servers.py) runs too (the 25
# each: BACKCARE_LOAD_ENTRIES=25). A slow machine may lower both for a quick look.
SESSIONS = int(os.environ.get("BACKCARE_LOAD_SESSIONS", "20"))
ENTRIES = int(os.environ.get("BACKCARE_LOAD_ENTRIES", "3"))
TOTAL = SESSIONS * ENTRIES
# Per step and overall limits: generous, since 20 pages share the machine's cores.
STEP_MS = 180_000
OVERALL_S = 3000.0


def _check_sessions(result) -> None:
    failures = {s.index: s.errors for s in result.sessions if s.errors}
    assert failures == {}, f"sessions that saw an error or failed: {failures}"
    assert [s.confirmed for s in result.sessions] == [ENTRIES] * SESSIONS


def _signatures(rows) -> Counter:
    return Counter((int(r["pain"]), r["flare"] == "yes") for r in rows)


def _run(tmp_path, chromium: str, mode: str):
    """One server with the given store, SESSIONS browser sessions saving ENTRIES each."""
    server = start_server(tmp_path, env=storage_env(tmp_path / "data", mode))
    try:
        result = run_load(
            server.url, chromium, SESSIONS, ENTRIES, timeout=STEP_MS, overall=OVERALL_S
        )
    finally:
        server.stop()
    print(f"\n{mode} store:", summary(result))
    _check_sessions(result)
    return result


def test_twenty_sessions_write_to_one_sqlite_diary(tmp_path, chromium_executable):
    data = tmp_path / "data"
    result = _run(tmp_path, chromium_executable, "sql")

    with sqlite3.connect(data / "diary.sqlite3") as db:
        rows = db.execute("SELECT owner, pain, flare FROM entries").fetchall()
        stored_ids = {row[0] for row in db.execute("SELECT id FROM entries")}
        ids = len(stored_ids)
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    assert len(rows) == TOTAL and ids == TOTAL
    assert {owner for owner, _, _ in rows} == {"local"}
    # Each session's (pain, flare) pair is stored exactly ENTRIES times: none lost, none doubled.
    stored = Counter((pain, bool(flare)) for _, pain, flare in rows)
    assert stored == Counter({signature(i): ENTRIES for i in range(SESSIONS)})
    assert ok == "ok"
    # One person's diary on their own machine: each tab's export, taken when all the saving
    # is over, holds exactly the rows in the file.
    for session in result.sessions:
        assert len(session.exported) == TOTAL
        assert {r["id"] for r in session.exported} == stored_ids


def test_twenty_sessions_with_the_session_store_see_only_their_own(tmp_path, chromium_executable):
    result = _run(tmp_path, chromium_executable, "session")
    for session in result.sessions:
        expected = (
            f"The latest 20 of your {ENTRIES} entries, newest first."
            if ENTRIES > 20
            else f"{ENTRIES} entries, newest first."
        )
        assert session.caption == expected
        assert _signatures(session.exported) == Counter({(session.pain, session.flare): ENTRIES}), (
            f"session {session.index} exported someone else's entries"
        )
    assert not (tmp_path / "data").exists(), "the session store wrote to the server's disk"
