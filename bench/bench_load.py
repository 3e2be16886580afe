"""Benchmark the diary under load: many browser sessions saving quick entries at once.

Run from the project root (needs Chromium, like the browser tests):

    python bench/bench_load.py                       # 20 sessions x 25 entries, SQL store
    python bench/bench_load.py --mode session        # the tab-only store
    python bench/bench_load.py --sessions 20 --entries 3

It starts one ``streamlit run app.py`` on loopback (data in a temporary folder), opens
the sessions as contexts of one Chromium, and times each save from the click on "Save
entry" to the "Saved:" confirmation of that save. Prints a Markdown row for
bench/README.md. Nothing here is asserted; tests/reliability/test_load.py checks results.
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

from tests.reliability.helpers import run_load, summary  # noqa: E402
from tests.support.server import start_server, storage_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--entries", type=int, default=25)
    parser.add_argument("--mode", choices=["sql", "session"], default="sql")
    parser.add_argument("--step-timeout", type=float, default=180.0, help="seconds")
    parser.add_argument("--overall", type=float, default=3000.0, help="seconds")
    parser.add_argument(
        "--chromium", default=os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        server = start_server(Path(folder), env=storage_env(data, args.mode))
        try:
            result = run_load(
                server.url,
                args.chromium,
                args.sessions,
                args.entries,
                export=False,
                timeout=args.step_timeout * 1000,
                overall=args.overall,
            )
        finally:
            server.stop()
        stored = "-"
        if args.mode == "sql" and (data / "diary.sqlite3").exists():
            with sqlite3.connect(data / "diary.sqlite3") as db:
                stored = str(db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
    numbers = summary(result)
    failed = sum(1 for s in result.sessions if s.errors)
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}"
    )
    print(
        "| Store | Sessions x entries | Saves confirmed | Rows stored | Sessions with an error "
        "| Save to confirmation p50 (ms) | p95 (ms) | max (ms) | Wall (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.mode} | {args.sessions} x {args.entries} | {numbers['saves']} | {stored} "
        f"| {failed} | {numbers['p50_ms']:.0f} | {numbers['p95_ms']:.0f} "
        f"| {numbers['max_ms']:.0f} | {numbers['wall_s']:.0f} |"
    )
    for session in result.sessions:
        if session.errors:
            print(f"session {session.index}: {session.confirmed} saved; {session.errors[:2]}")


if __name__ == "__main__":
    main()
