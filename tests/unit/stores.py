"""The stores every contract test runs against: SQLite, the tab-only store, the browser
store (over a fake browser that confirms every write before the next call) and PostgreSQL
(the ``postgres_server_url`` fixture of tests/conftest.py; a fresh schema for each test)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from backcare.storage import SessionStore, SqlStore, Store
from tests.support.postgres import drop_backcare_tables
from tests.unit.browser_support import settled_browser_store

STORE_KINDS = ["sqlite", "session", "browser", "postgres"]


@contextmanager
def made_store(kind: str, folder: Path, postgres_url: str | None = None) -> Iterator[Store]:
    """A new, empty store of ``kind`` ("sqlite" in ``folder``, "session", "browser",
    "postgres" at ``postgres_url``)."""
    if kind == "session":
        yield SessionStore()
        return
    if kind == "browser":
        yield settled_browser_store()  # type: ignore[misc]
        return
    if kind == "sqlite":
        made = SqlStore(f"sqlite:///{folder / 'diary.sqlite3'}")
    else:
        assert postgres_url, "a PostgreSQL store needs the postgres_server_url fixture"
        # A fresh schema per test: drop every BackCare table in the test database.
        engine = sa.create_engine(postgres_url)
        drop_backcare_tables(engine)
        engine.dispose()
        made = SqlStore(postgres_url)
    try:
        yield made
    finally:
        made.engine.dispose()


def store_fixture(request: pytest.FixtureRequest, folder: Path) -> Iterator[Store]:
    """The body of a parametrised ``store`` fixture over STORE_KINDS."""
    url = request.getfixturevalue("postgres_server_url") if request.param == "postgres" else None
    with made_store(request.param, folder, url) as made:
        yield made
