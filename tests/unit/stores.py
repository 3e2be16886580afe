"""The stores every contract test runs against: SQLite, the tab-only store, the browser
store (over a fake browser that confirms every write before the next call), and PostgreSQL
when BACKCARE_TEST_POSTGRES_URL is set (a fresh schema for each test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from backcare import storage
from backcare.storage import SessionStore, SqlStore, Store
from tests.unit.browser_support import settled_browser_store

POSTGRES_URL = os.environ.get("BACKCARE_TEST_POSTGRES_URL", "")

STORE_KINDS = [
    "sqlite",
    "session",
    "browser",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="set BACKCARE_TEST_POSTGRES_URL to run against PostgreSQL"
        ),
    ),
]


@contextmanager
def made_store(kind: str, folder: Path) -> Iterator[Store]:
    """A new, empty store of ``kind`` ("sqlite" in ``folder``, "session", "browser",
    "postgres")."""
    if kind == "session":
        yield SessionStore()
        return
    if kind == "browser":
        yield settled_browser_store()  # type: ignore[misc]
        return
    if kind == "sqlite":
        made = SqlStore(f"sqlite:///{folder / 'diary.sqlite3'}")
    else:
        # A fresh schema per test: drop every BackCare table in the test database.
        engine = sa.create_engine(POSTGRES_URL)
        storage.metadata.drop_all(engine)
        engine.dispose()
        made = SqlStore(POSTGRES_URL)
    try:
        yield made
    finally:
        made.engine.dispose()
