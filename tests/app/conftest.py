"""AppTest fixtures: a fresh app per test, caches cleared, data kept in a temp dir."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from backcare import storage
from tests.helpers import APP, app_environment


@pytest.fixture(autouse=True)
def _clean_caches_and_data(tmp_path, monkeypatch):
    """Caches survive across AppTest instances in one process: clear them each time."""
    with app_environment(monkeypatch, tmp_path / "data"):
        yield


@pytest.fixture
def sql_store() -> storage.SqlStore:
    """The same diary file the page writes (BACKCARE_DATA_DIR points into tmp_path)."""
    return storage.SqlStore(storage.database_url())


@pytest.fixture
def app() -> AppTest:
    """The home page, run once; switch_page() from here to reach any page."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    return at
