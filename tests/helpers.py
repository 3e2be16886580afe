"""Shared test helpers: the project root and the page list."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

# (page file relative to app.py, browser title, URL path) for every page.
PAGE_TABLE = [
    ("app.py", "Home · BackCare", ""),
    ("pages/1_Screening.py", "Screening · BackCare", "Screening"),
    ("pages/2_Learn.py", "Learn · BackCare", "Learn"),
    ("pages/3_Routine_builder.py", "Routine builder · BackCare", "Routine_builder"),
    ("pages/4_Pain_diary.py", "Pain diary · BackCare", "Pain_diary"),
    ("pages/5_About_and_privacy.py", "About and privacy · BackCare", "About_and_privacy"),
]


def quick_key(at, name: str) -> str:
    """The Pain diary quick-entry widget key now: keys get a new version after each save
    (pages/4_Pain_diary.py, QUICK_VERSION_KEY), so the browser draws fresh widgets."""
    version = at.session_state.get("bc_diary_quick_version", 0)
    return f"diary_new{version or ''}_{name}"
