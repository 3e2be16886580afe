"""Benchmark clinic mode under load: 1 and 2 app servers on one PostgreSQL, against SQLite.

Run from the project root (needs Chromium, like the browser tests, and PostgreSQL's
server binaries, like the clinic tests):

    python bench/bench_clinic.py                        # 20 sessions x 3 entries
    python bench/bench_clinic.py --sessions 20 --entries 10

One after the other, with the same browser harness as bench/bench_load.py
(tests/reliability/helpers.py ``run_load``):

- ``sql``: today's reference, one ``streamlit run app.py`` with the SQLite file
  (``BACKCARE_STORAGE=sql``, every session the one owner "local");
- ``accounts``, 1 server and 2 servers: clinic mode on a fresh database of a throw-away
  PostgreSQL (tests/support/postgres.py), each session a different person signed in by a
  minted cookie for the origin of its server (tests/support/clinic_servers.py), the
  sessions spread over the servers in turn.

Each save is timed from the click on "Save entry" to the "Saved:" confirmation of that
save. Prints a Markdown table for bench/README.md. Nothing here is asserted;
tests/reliability/test_clinic_servers.py checks the rows.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.reliability.helpers import LoadResult, Options, run_load, summary  # noqa: E402
from tests.support.clinic_servers import clinic_servers  # noqa: E402
from tests.support.oidc import oidc_provider  # noqa: E402
from tests.support.postgres import temp_postgres  # noqa: E402
from tests.support.server import start_server, storage_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--entries", type=int, default=3)
    parser.add_argument("--step-timeout", type=float, default=180.0, help="seconds")
    parser.add_argument("--overall", type=float, default=3000.0, help="seconds")
    parser.add_argument(
        "--chromium", default=os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()

    def load(urls: list[str], options: Options | None = None) -> LoadResult:
        return run_load(
            urls,
            args.chromium,
            args.sessions,
            args.entries,
            export=False,
            timeout=args.step_timeout * 1000,
            overall=args.overall,
            options=options,
        )

    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start"
    )
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        # Today's reference: one server, the SQLite file.
        data = base / "sql" / "data"
        data.parent.mkdir()
        server = start_server(data.parent, env=storage_env(data, "sql"))
        try:
            result = load([server.url])
        finally:
            server.stop()
        with sqlite3.connect(data / "diary.sqlite3") as db:
            stored = str(db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
        reference = summary(result)["p50_ms"]
        _row(args, "sql (SQLite), 1 server", result, stored, reference)

        with temp_postgres() as pg, oidc_provider() as provider:
            for count in (1, 2):
                work = base / f"accounts-{count}"
                work.mkdir()
                with clinic_servers(work, provider, pg.url(), count) as clinic:
                    result = load(clinic.urls, Options(cookies=clinic.cookies))
                    stored_rows, _orphans = clinic.stored()
                label = f"accounts (PostgreSQL), {count} server{'s' if count > 1 else ''}"
                _row(args, label, result, str(sum(stored_rows.values())), reference)


HEADER = (
    "| Store, servers | Sessions x entries | Saves confirmed | Rows stored "
    "| Sessions with an error | p50 (ms) | p95 (ms) | max (ms) | p50 vs SQLite | Wall (s) "
    "| Load average after |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _row(
    args: argparse.Namespace,
    label: str,
    result: LoadResult,
    stored: str,
    reference_p50: float,
) -> None:
    """One table row, printed as soon as its run is over (an interrupted run keeps it)."""
    n = summary(result)
    failed = sum(1 for s in result.sessions if s.errors)
    ratio = n["p50_ms"] / reference_p50 if reference_p50 else float("nan")
    print(
        f"| {label} | {args.sessions} x {args.entries} | {n['saves']} | {stored} "
        f"| {failed} | {n['p50_ms']:,.0f} | {n['p95_ms']:,.0f} | {n['max_ms']:,.0f} "
        f"| {ratio:.2f}x | {n['wall_s']:.0f} | {os.getloadavg()[0]:.1f} |",
        flush=True,
    )
    for session in result.sessions:
        if session.errors:
            print(f"{label}, session {session.index}: {session.errors[:2]}", flush=True)


if __name__ == "__main__":
    main()
