"""Shared test helpers: the project root, the page list, and AppTest helpers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

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


def table_value(element):
    """An ``st.table``'s frame as the reader sees it: the character references that keep
    its text plain (``backcare.ui.text.plain``) read back in headers and text cells."""
    from html import unescape

    def shown(value):
        return unescape(value).replace("\u2060", "") if isinstance(value, str) else value

    frame = element.value.rename(columns=shown)
    return frame.apply(lambda column: column.map(shown))


def quick_key(at, name: str) -> str:
    """The Pain diary quick-entry widget key now: keys get a new version after each save
    (backcare.ui.state.QUICK_VERSION_KEY), so the browser draws fresh widgets."""
    from backcare.ui.state import QUICK_PREFIX, QUICK_VERSION_KEY

    version = at.session_state.get(QUICK_VERSION_KEY, 0)
    return f"{QUICK_PREFIX}{version or ''}_{name}"


@contextmanager
def app_environment(monkeypatch, data_dir: Path) -> Iterator[None]:
    """For AppTest, which runs the app in this process: a private SQLite diary in
    ``data_dir``, and Streamlit's caches cleared before and after (they outlive one AppTest).

    AppTest has no Host header, so the privacy rule would pick the session store: the
    diary is forced to the SQLite file unless a test sets BACKCARE_STORAGE itself.
    """
    import streamlit as st

    monkeypatch.setenv("BACKCARE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BACKCARE_STORAGE", "sql")
    monkeypatch.delenv("BACKCARE_DATABASE_URL", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def click(at, label: str):
    """Click the button or form submit button labelled ``label``; the run raised nothing."""
    for kind in (at.button, at.form_submit_button):
        for widget in kind:
            if widget.label == label:
                widget.click().run()
                assert not at.exception, [e.value for e in at.exception]
                return at
    raise AssertionError(f"no button {label!r}: {[b.label for b in at.button]}")


def keep(
    *,
    triage: Any = None,
    questionnaires: Iterable[Any] = (),
    routine: Any = None,
    start: date | None = None,
    checked: bool = False,
    when: datetime | None = None,
    owner: str = "local",
) -> None:
    """Keep records in the person's store as an earlier visit would have: the SQLite diary
    AppTest uses (tests/app/conftest.py), owner "local". ``triage`` a TriageResult (the
    check), ``questionnaires`` results with answers, ``routine`` a built Routine whose plan
    started on ``start``, ``checked`` the routine builder's "none apply"; made at ``when``."""
    from backcare import records, storage
    from backcare.records import CheckRecord, RoutineRecord, SignsChecked

    when = when or datetime.now().replace(microsecond=0)
    store = storage.SqlStore(storage.database_url())
    try:
        if triage is not None:
            check = CheckRecord.from_triage(triage, when)
            store.put_record(owner, records.CHECK, check.to_payload())
        for result in questionnaires:
            store.add_screening(
                owner, result.instrument, when, float(result.score), {}, answers=result.answers
            )
        if routine is not None:
            kept = RoutineRecord.from_routine(routine, start or when.date())
            store.put_record(owner, records.ROUTINE, kept.to_payload(), record_id=records.CURRENT)
        if checked:
            confirmed = SignsChecked(when).to_payload()
            store.put_record(owner, records.SIGNS_CHECKED, confirmed, record_id=records.CURRENT)
    finally:
        store.engine.dispose()
