"""Clinic mode on several app servers: two ``streamlit run`` processes, one PostgreSQL.

Both servers share the database and the ``[auth]`` cookie_secret; each has its own
redirect_uri (its own port). Twenty people, each signed in with a cookie minted for the
origin of the server they use (tests/support/signin.py: no provider round trip), are spread
over the two servers and save quick entries at once, each entry with a note unique to the
person and the entry ("bcm07n03", tests/reliability/helpers.py ``marker``).

- All servers up: every confirmed save is in PostgreSQL exactly once, under the account of
  the person who made it (entries joined to accounts by owner); nothing else is stored; no
  session shows an error; nobody's page shows another person's note.
- One server killed (SIGKILL) while its people are saving: every save their browsers
  confirmed is stored exactly once; a save not confirmed may be missing but is never
  doubled, nor stored for anyone else; the people on the other server save everything as if
  nothing happened.

Timings are printed (bench/bench_clinic.py writes the figures), never asserted. To keep CI
within its time (20 browser pages on 2 cores take 15-20 s a save): 20 people x 3 entries,
and 10 people x 3 entries for the kill (about 3.5 minutes for the file on a quiet 2-core
machine); ``BACKCARE_CLINIC_SESSIONS``, ``BACKCARE_CLINIC_KILL_SESSIONS`` and
``BACKCARE_CLINIC_ENTRIES`` ask for more.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from typing import Any

from tests.reliability.helpers import LoadResult, Options, marker, run_load, summary
from tests.support.clinic_servers import Clinic, clinic_servers, subject

SESSIONS = int(os.environ.get("BACKCARE_CLINIC_SESSIONS", "20"))
KILL_SESSIONS = int(os.environ.get("BACKCARE_CLINIC_KILL_SESSIONS", "10"))
ENTRIES = int(os.environ.get("BACKCARE_CLINIC_ENTRIES", "3"))
SERVERS = 2
# Per step and overall limits: generous, since 20 pages and 2 servers share 2 cores.
STEP_MS = 180_000
OVERALL_S = 1800.0


def _load(c: Clinic, chromium: str, sessions: int = SESSIONS, **options: Any) -> LoadResult:
    """``sessions`` people spread over the servers, ENTRIES noted saves each."""
    return run_load(
        c.urls,
        chromium,
        sessions,
        ENTRIES,
        export=False,
        timeout=STEP_MS,
        overall=OVERALL_S,
        options=Options(cookies=c.cookies, notes=True, **options),
    )


def _report(label: str, result: LoadResult) -> None:
    print(f"\n{label}:", summary(result))
    for s in result.sessions:
        if s.errors or s.cut_off:
            print(
                f"  session {s.index} on {s.url}: {s.confirmed}/{s.attempted} confirmed, "
                f"cut off {s.cut_off}, errors {s.errors[:2]}"
            )


def _no_one_elses(result: LoadResult) -> None:
    """Nobody's page showed another person's note; everyone who finished saw their own
    (a session cut off by its server's end never read its page)."""
    for s in result.sessions:
        assert s.seen == ({s.index} if s.confirmed and not s.cut_off else set()), (
            f"session {s.index}'s page showed the notes of sessions {sorted(s.seen)}"
        )


def test_twenty_people_on_two_servers_each_save_only_into_their_own_diary(
    tmp_path, chromium_executable, oidc_provider, postgres_server_url
):
    with clinic_servers(tmp_path, oidc_provider, postgres_server_url, SERVERS) as c:
        result = _load(c, chromium_executable)
        stored, orphans = c.stored()
    _report(f"{SERVERS} servers, PostgreSQL", result)

    failures = {s.index: s.errors for s in result.sessions if s.errors}
    assert failures == {}, f"sessions that saw an error or failed: {failures}"
    assert [s.confirmed for s in result.sessions] == [ENTRIES] * SESSIONS
    assert {s.url for s in result.sessions} == set(c.urls)
    # Every save once, under its own person's account; nothing else, nobody without one.
    expected = Counter((subject(s.index), note) for s in result.sessions for note in s.notes)
    assert stored == expected
    assert orphans == 0
    for s in result.sessions:
        assert s.caption == f"{ENTRIES} entries, newest first."
    _no_one_elses(result)


def test_a_server_killed_mid_save_loses_nothing_confirmed(
    tmp_path, chromium_executable, oidc_provider, postgres_server_url
):
    with clinic_servers(tmp_path, oidc_provider, postgres_server_url, SERVERS) as c:
        victim = c.servers[1]
        on_victim = {i for i in range(KILL_SESSIONS) if i % SERVERS == 1}
        clicks = Counter[int]()
        # Killed right after a click on "Save entry" once its people have about 1.5 saves
        # each on their way: some confirmed, some in flight, some not yet made.
        kill_at = max(1, len(on_victim) * 3 // 2)

        def on_click(session) -> None:
            if session.index in on_victim and victim.process.poll() is None:
                clicks[session.index] += 1
                if sum(clicks.values()) >= kill_at:
                    victim.process.send_signal(signal.SIGKILL)
                    victim.process.wait(timeout=10)

        def gone(index: int) -> bool:
            return index in on_victim and victim.process.poll() is not None

        result = _load(c, chromium_executable, KILL_SESSIONS, on_click=on_click, gone=gone)
        stored, orphans = c.stored()
    _report("one of 2 servers killed, PostgreSQL", result)

    assert victim.process.returncode == -signal.SIGKILL, "the server was never killed"
    failures = {s.index: s.errors for s in result.sessions if s.errors}
    assert failures == {}, f"sessions that saw an error or failed: {failures}"
    survivors = [s for s in result.sessions if s.index not in on_victim]
    killed = [s for s in result.sessions if s.index in on_victim]
    assert [s.confirmed for s in survivors] == [ENTRIES] * len(survivors)
    assert not any(s.cut_off for s in survivors)
    assert any(s.cut_off and s.attempted > s.confirmed for s in killed), (
        "no save was on its way when the server was killed"
    )
    for s in result.sessions:
        mine = {note: n for (who, note), n in stored.items() if who == subject(s.index)}
        tried = {marker(s.index, n) for n in range(s.attempted)}
        lost = [note for note in s.notes if note not in mine]
        assert lost == [], f"session {s.index}: confirmed saves not stored: {lost}"
        doubled = {note: n for note, n in mine.items() if n > 1}
        assert doubled == {}, f"session {s.index}: saves stored more than once: {doubled}"
        assert set(mine) <= tried, f"session {s.index}: stored what it never saved"
    assert orphans == 0
    _no_one_elses(result)
