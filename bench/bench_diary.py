"""Benchmark the Pain diary: page and chart rerun time, chart payload, CSV import time.

Run from the project root:

    python bench/bench_diary.py            # full sizes, prints a Markdown table
    python bench/bench_diary.py --quick    # tiny sizes, a smoke run (used by the tests)

Diaries (synthetic, 4 entries a day): 1 year, 10 years, and 100,000 entries.

(p) Page: the real app (``AppTest.from_file``) switched to ``pages/4_Pain_diary.py``, with
    the diary seeded into a temporary SQLite store (``BACKCARE_STORAGE=sql``,
    ``BACKCARE_DATA_DIR`` a temporary folder, ``SqlStore.add_many``): median wall time of
    ``AppTest.run()`` after a warm-up run, against an empty page's in the same process. The
    first run (cold caches) is reported too, and the time of seeding and of ``store.frame``.
(a) Charts: median wall time of ``AppTest.run()`` on a page that calls
    ``render_diary_charts`` with the diary, after a warm-up run, against an empty page in
    the same process. The first (uncached) run is reported too.
(b) Payload: the bytes of Arrow data Streamlit sends for all the charts on one run (the
    ``datasets`` of every vega_lite_chart element), and the largest chart's row count.
(c) Import: ``backcare.diary.read_entries`` on a 100,000-row CSV (the simple
    ``date,pain`` form, past dates, about 1.9 MB) against plain ``pandas.read_csv`` of the
    same bytes. Skipped, with a note, when ``backcare.diary``
    has no ``read_entries`` yet (it comes from the diary branch).
No timing here is asserted anywhere: numbers go to bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import statistics
import sys
import tempfile
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
APP = ROOT / "app.py"
DIARY_PAGE = "pages/4_Pain_diary.py"


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


# --------------------------------------------------------------------------- whole page


@dataclass
class PageResult:
    name: str
    entries: int
    seed_s: float
    frame_ms: float
    first_ms: float
    rerun_ms: float
    empty_ms: float
    payload_bytes: int


def diary_entries(frame: pd.DataFrame, owner: str) -> list:
    """Entry objects for a synthetic diary frame (the columns of diary.FRAME_COLUMNS)."""
    from backcare.diary.model import Entry

    def whole(value: float) -> int | None:
        return None if math.isnan(value) else int(value)

    return [
        Entry(
            timestamp=ts.to_pydatetime(),
            pain=int(pain),
            owner=owner,
            flare=bool(flare),
            medication_taken=bool(medication_taken),
            exercised=bool(exercised),
            exercise_minutes=whole(exercise_minutes),
            mood=whole(mood),
            sleep_hours=None if math.isnan(sleep_hours) else float(sleep_hours),
        )
        for ts, pain, flare, medication_taken, exercised, exercise_minutes, mood, sleep_hours in (
            frame[list(frame.columns[:8])].itertuples(index=False, name=None)
        )
    ]


@contextlib.contextmanager
def _sqlite_diary(folder: str):
    """BACKCARE_STORAGE=sql with BACKCARE_DATA_DIR=folder; the old settings come back."""
    names = ("BACKCARE_STORAGE", "BACKCARE_DATA_DIR", "BACKCARE_DATABASE_URL")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["BACKCARE_STORAGE"] = "sql"
    os.environ["BACKCARE_DATA_DIR"] = folder
    os.environ.pop("BACKCARE_DATABASE_URL", None)
    st.cache_data.clear()
    st.cache_resource.clear()  # the page opens this folder's database, not a cached one
    try:
        yield
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _diary_app() -> AppTest:
    """The real app, opened on the home page, then switched to the Pain diary."""
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.switch_page(DIARY_PAGE)
    return at


def bench_page(name: str, frame: pd.DataFrame, reruns: int) -> PageResult:
    from backcare.storage import SqlStore, database_url
    from backcare.ui.store import LOCAL_OWNER

    entries = diary_entries(frame, LOCAL_OWNER)
    with tempfile.TemporaryDirectory() as folder, _sqlite_diary(folder):
        store = SqlStore(database_url())
        start = time.perf_counter()
        added = store.add_many(entries)
        seed_s = time.perf_counter() - start
        if added != len(entries):
            raise RuntimeError(f"seeded {added} of {len(entries)} entries")
        frame_ms = statistics.median(_time(lambda: store.frame(LOCAL_OWNER)) for _ in range(3))
        store.engine.dispose()
        empty_ms = _median_reruns(_app(_empty_page), reruns)
        at = _diary_app()
        first_ms = _timed_run(at)  # cold: the chart frames and charts are built
        if not any("Pain diary" in t.value for t in at.title):
            raise RuntimeError("the bench did not reach the Pain diary page")
        if not any(f"{len(entries)} entries" in c.value for c in at.caption):
            raise RuntimeError("the page does not show the seeded diary")
        rerun_ms = statistics.median(_timed_run(at) for _ in range(reruns))
        payload, _ = _payload(at)
    return PageResult(name, len(entries), seed_s, frame_ms, first_ms, rerun_ms, empty_ms, payload)


def _ending_yesterday(size: dict[str, int]) -> pd.Timestamp:
    """A start time so that the diary's last day is yesterday (as a real diary's would be)."""
    days = size.get("days") or -(-size["n_entries"] // PER_DAY)
    return pd.Timestamp.now().normalize() - pd.Timedelta(days=days) + pd.Timedelta(hours=8)


def import_csv(rows: int) -> bytes:
    """A ``date,pain`` CSV (the simple import form) of ``rows`` entries, all in the past.

    10 entries a day ending yesterday: 100,000 rows span about 27 years and weigh about
    1.9 MB, under the diary's 5 MB import limit; no two rows are the same.
    """
    per_day = 10
    end = pd.Timestamp.now().normalize() - pd.Timedelta(days=1)
    start = end - pd.Timedelta(days=-(-rows // per_day))
    entries = synthetic_entries(
        n_entries=rows, per_day=per_day, start=start + pd.Timedelta(hours=8)
    )
    frame = pd.DataFrame(
        {"date": entries["timestamp"].dt.strftime("%Y-%m-%d %H:%M"), "pain": entries["pain"]}
    )
    return frame.to_csv(index=False).encode()


def bench_import(rows: int, repeats: int) -> tuple[float, float, int] | str:
    """Median ms of read_entries and of pandas.read_csv on the same bytes, or a note."""
    try:
        from backcare.diary.io import read_entries
    except ImportError:
        return (
            "skipped, backcare.diary.read_entries is not importable on this branch "
            "(run again after merging the diary branch)."
        )
    data = import_csv(rows)
    try:
        read_entries(data, format="csv")
    except ValueError as err:  # backcare.diary.DiaryImportError is a ValueError
        return f"read_entries refused the file: {str(err)[:300]}"
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
        "| Pain diary page | Entries | Seeding, add_many (s) | store.frame (ms) "
        "| First run (ms) | Rerun, median (ms) | Empty page rerun (ms) "
        "| Rerun minus empty (ms) | Chart payload (Arrow bytes) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, size in sizes.items():
        entries = synthetic_entries(**size, per_day=PER_DAY, start=_ending_yesterday(size))
        p = bench_page(name, entries, reruns)
        lines.append(
            f"| {p.name} | {p.entries:,} | {p.seed_s:.1f} | {p.frame_ms:.0f} | "
            f"{p.first_ms:.0f} | {p.rerun_ms:.0f} | {p.empty_ms:.0f} | "
            f"{p.rerun_ms - p.empty_ms:.0f} | {p.payload_bytes:,} |"
        )
    lines.append("")
    lines += [
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
    imported = bench_import(import_rows, 3)
    if isinstance(imported, str):
        lines.append(f"CSV import ({import_rows:,} rows): {imported}")
    else:
        ours, plain, size = imported
        lines += [
            f"| CSV import ({import_rows:,} rows, {size:,} bytes, date,pain) | median (ms) |",
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
