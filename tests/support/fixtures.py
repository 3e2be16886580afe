"""The one module-scoped server fixture, made by a factory.

    local_server = server_fixture("diary-local")              # in a test module
    session_server = server_fixture("diary-session", mode="session")

The fixture is named by the module attribute it is assigned to. It needs the
``chromium_executable`` fixture (tests/e2e/conftest.py), so a test module without a
browser skips before a server is started.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import APP
from tests.support.server import Server, serve


def server_fixture(name: str, mode: str = "", script: Path = APP):
    """A module-scoped fixture: one ``streamlit run`` of ``script`` for the module's tests,
    its data in a fresh temporary folder ``name`` (diary storage ``mode``)."""

    @pytest.fixture(scope="module")
    def server(tmp_path_factory, chromium_executable) -> Iterator[Server]:
        with serve(tmp_path_factory, name, mode, script) as made:
            yield made

    return server
