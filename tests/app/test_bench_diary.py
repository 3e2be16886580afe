"""bench/bench_diary.py keeps working: a --quick run on tiny diaries (no timing asserted).

The run also checks itself: it seeds a temporary SQLite diary, opens the real Pain diary
page and stops with an error unless the page shows that diary's entry count.
"""

from __future__ import annotations

import importlib.util
import sys

from tests.helpers import ROOT


def _load_bench():
    """Import bench/bench_diary.py by path (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_diary", ROOT / "bench" / "bench_diary.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_diary"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_quick_bench_reports_every_row():
    report = _load_bench().main(["--quick"])
    rows = [line for line in report.splitlines() if line.startswith("| ")]
    # The whole Pain diary page, on a seeded SQLite diary, against an empty page.
    assert rows[0].startswith("| Pain diary page | Entries | Seeding, add_many (s) |")
    header = rows.index(next(r for r in rows if r.startswith("| Diary | Entries |")))
    pages = rows[1:header]
    assert [r.split("|")[1:3] for r in pages] == [[" 2 weeks ", " 56 "], [" 300 entries ", " 300 "]]
    for page in pages:
        cells = [c.strip().replace(",", "") for c in page.split("|")[3:-1]]
        assert len(cells) == 7 and all(float(c) >= 0 for c in cells[:5])
        assert int(cells[6]) > 0  # the page sent its charts
    # The charts section alone.
    diaries = [
        r for r in rows[header:] if r.startswith(("| 2 weeks | 56 |", "| 300 entries | 300 |"))
    ]
    assert len(diaries) == 2
    payload = [int(r.split("|")[8].strip().replace(",", "")) for r in diaries]
    assert all(p > 0 for p in payload)
    # The import row is measured once backcare.diary.read_entries exists, skipped before.
    assert "CSV import (300 rows" in report
    measured = any(r.startswith("| backcare.diary.read_entries |") for r in rows)
    assert measured or "skipped, backcare.diary.read_entries is not importable" in report
