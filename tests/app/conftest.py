"""AppTest fixtures: a fresh app per test, caches cleared, data kept in a temp dir."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.helpers import APP


@pytest.fixture(autouse=True)
def _clean_caches_and_data(tmp_path, monkeypatch):
    """Caches survive across AppTest instances in one process: clear them each time."""
    monkeypatch.setenv("BACKCARE_DATA_DIR", str(tmp_path / "data"))
    # AppTest has no Host header, so the privacy rule would pick the session store:
    # tests use the SQLite file in the temp dir unless they set BACKCARE_STORAGE.
    monkeypatch.setenv("BACKCARE_STORAGE", "sql")
    monkeypatch.delenv("BACKCARE_DATABASE_URL", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app() -> AppTest:
    """The home page, run once; switch_page() from here to reach any page."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    return at
