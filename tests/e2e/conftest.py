"""Real-browser fixtures: Debian's Chromium through pytest-playwright, one app server.

Without a Chromium the tests skip with the reason, unless BACKCARE_REQUIRE_BROWSER=1
(set by .ci/run): then they fail. The helpers these fixtures use (and the tests and
benches import) are in tests/support/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM_ARGS
from tests.support.server import forget_kept, serve


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
    if Path(path).exists() or shutil.which(path):
        return path
    reason = (
        f"no Chromium at {path}: install Debian's 'chromium' package "
        "(apt-get install chromium) or set BACKCARE_CHROMIUM"
    )
    if os.environ.get("BACKCARE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are mandatory (BACKCARE_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, chromium_executable):
    """One `streamlit run app.py` for the session, its data in a temporary folder."""
    with serve(tmp_path_factory, "server") as server:
        yield server


@pytest.fixture
def app_url(app_server) -> str:
    return app_server.url


@pytest.fixture(autouse=True)
def _a_new_person_on_the_shared_server(request):
    """Tests on the one session server start without another test's kept check, routine
    or results (entries stay, as before): a kept emergency check would stop every later
    routine, and a kept check replaces the Screening page's empty form."""
    if "app_server" in request.fixturenames:
        forget_kept(request.getfixturevalue("app_server"))
