"""Benchmark the diary charts: rerun time, chart payload, CSV import time.

Run from the project root:

    python bench/bench_diary.py            # full sizes, prints a Markdown table
    python bench/bench_diary.py --quick    # tiny sizes, a smoke run (used by the tests)

Diaries (synthetic, 4 entries a day): 1 year, 10 years, and 100,000 entries.

(a) Rerun: median wall time of ``AppTest.run()`` on a page that calls
    ``render_diary_charts`` with the diary, after a warm-up run, against an empty page in
    the same process. The first (uncached) run is reported too.
(b) Payload: the bytes of Arrow data Streamlit sends for all the charts on one run (the
    ``datasets`` of every vega_lite_chart element), and the largest chart's row count.
(c) Import: ``backcare.diary.read_entries`` on a 100,000-row CSV against plain
    ``pandas.read_csv`` of the same bytes. Skipped, with a note, when ``backcare.diary``
    has no ``read_entries`` yet (it comes from the diary branch).
No timing here is asserted anywhere: numbers go to bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from backcare.ui.diary_charts import frame_digest  # noqa: E402
from tests.unit.diary_data import demo_frames, synthetic_entries  # noqa: E402

PER_DAY = 4


def _diary_page() -> None:
    import streamlit as st

    from backcare.ui.diary_charts import render_diary_charts

    render_diary_charts(
        st.session_state["entries"], st.session_state["events"], st.session_state["screenings"]
    )


def _empty_page() -> None:
    import streamlit as st  # noqa: F401


@dataclass
class RerunResult:
    name: str
    entries: int
    first_ms: float
    rerun_ms: float
    empty_ms: float
    payload_bytes: int
    max_rows: int
    digest_ms: float


def _app(page, frames=None) -> AppTest:
    at = AppTest.from_function(page, default_timeout=120)
    if frames is not None:
        entries, events, screenings = frames
        at.session_state["entries"] = entries
        at.session_state["events"] = events
        at.session_state["screenings"] = screenings
    return at


def _timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f"the page raised: {[e.value for e in at.exception]}")
    return elapsed


def _median_reruns(at: AppTest, reruns: int) -> float:
    _timed_run(at)  # warm-up (fills the cache for the diary page)
    return statistics.median(_timed_run(at) for _ in range(reruns))


def _payload(at: AppTest) -> tuple[int, int]:
    import pyarrow as pa

    total, max_rows = 0, 0
    for chart in at.get("vega_lite_chart"):
        for ds in chart.proto.datasets:
            total += len(ds.data.data)
            rows = pa.ipc.open_stream(io.BytesIO(ds.data.data)).read_all().num_rows
            max_rows = max(max_rows, rows)
    return total, max_rows


def bench_rerun(name: str, entries: pd.DataFrame, reruns: int) -> RerunResult:
    _, events, screenings = demo_frames(30)
    st.cache_data.clear()
    empty_ms = _median_reruns(_app(_empty_page), reruns)
    at = _app(_diary_page, (entries, events, screenings))
    first_ms = _timed_run(at)  # uncached: aggregation runs
    rerun_ms = statistics.median(_timed_run(at) for _ in range(reruns))
    payload, max_rows = _payload(at)
    # The cache key: a hash of the whole diary, paid on every rerun (grows with the diary).
    digest_ms = statistics.median(
        _time(lambda: frame_digest(entries, events, screenings)) for _ in range(reruns)
    )
    return RerunResult(
        name, len(entries), first_ms, rerun_ms, empty_ms, payload, max_rows, digest_ms
    )


def bench_import(entries: pd.DataFrame, repeats: int) -> tuple[float, float, int] | None:
    try:
        from backcare.diary import read_entries
    except ImportError:
        return None
    try:
        from backcare.diary import to_csv

        data = to_csv(entries)
    except ImportError:
        data = entries.to_csv(index=False).encode()
    ours = statistics.median(
        _time(lambda: read_entries(data, format="csv")) for _ in range(repeats)
    )
    plain = statistics.median(_time(lambda: pd.read_csv(io.BytesIO(data))) for _ in range(repeats))
    return ours, plain, len(data)


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one rerun")
    parser.add_argument("--reruns", type=int, default=7, help="timed reruns per page")
    args = parser.parse_args(argv)
    if args.quick:
        sizes = {"2 weeks": {"days": 14}, "300 entries": {"n_entries": 300}}
        reruns, import_rows = 1, 300
    else:
        sizes = {
            "1 year": {"days": 365},
            "10 years": {"days": 3_650},
            "100,000 entries": {"n_entries": 100_000},
        }
        reruns, import_rows = args.reruns, 100_000

    lines = [
        "| Diary | Entries | First run (ms) | Rerun, median (ms) | Empty page rerun (ms) "
        "| Rerun minus empty (ms) | of which cache key hash (ms) | Chart payload (Arrow bytes) "
        "| Largest chart (rows) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, size in sizes.items():
        entries = synthetic_entries(**size, per_day=PER_DAY)
        r = bench_rerun(name, entries, reruns)
        lines.append(
            f"| {r.name} | {r.entries:,} | {r.first_ms:.0f} | {r.rerun_ms:.0f} | "
            f"{r.empty_ms:.0f} | {r.rerun_ms - r.empty_ms:.0f} | {r.digest_ms:.1f} | "
            f"{r.payload_bytes:,} | "
            f"{r.max_rows:,} |"
        )
    lines.append("")
    imported = bench_import(synthetic_entries(n_entries=import_rows, per_day=PER_DAY), 3)
    if imported is None:
        lines.append(
            "CSV import: skipped, backcare.diary.read_entries is not importable on this "
            "branch (run again after merging the diary branch)."
        )
    else:
        ours, plain, size = imported
        lines += [
            f"| CSV import ({import_rows:,} rows, {size:,} bytes) | median (ms) |",
            "|---|---:|",
            f"| backcare.diary.read_entries | {ours:.0f} |",
            f"| pandas.read_csv | {plain:.0f} |",
        ]
    lines.append("")
    lines.append(
        f"Python {sys.version.split()[0]}, streamlit {st.__version__}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPUs; reruns per page: {reruns}."
    )
    report = "\n".join(lines)
    print(report)
    return report


if __name__ == "__main__":
    main()
