"""Real-browser fixtures: Debian's Chromium through pytest-playwright, one app server.

Without a Chromium the tests skip with the reason, unless BACKCARE_REQUIRE_BROWSER=1
(set by .ci/run): then they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import start_server
from tests.helpers import ROOT

SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


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


def storage_env(data_dir: Path, mode: str = "") -> dict[str, str]:
    """Diary storage for a test server: its own data dir, never the developer's database.

    An empty BACKCARE_STORAGE means "not configured": the privacy rule decides (a
    browser on 127.0.0.1 gets the SQLite file in ``data_dir``).
    """
    return {
        "BACKCARE_DATA_DIR": str(data_dir),
        "BACKCARE_STORAGE": mode,
        "BACKCARE_DATABASE_URL": "",
    }


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, chromium_executable):
    """One `streamlit run app.py` for the session, its data in a temporary folder."""
    log_dir = tmp_path_factory.mktemp("server")
    server = start_server(log_dir, env=storage_env(log_dir / "data"))
    yield server
    server.stop()


@pytest.fixture
def app_url(app_server) -> str:
    return app_server.url


def wait_for_app(page: Page, timeout: float = 30_000) -> None:
    """Wait until the websocket is connected and the script run has finished."""
    app = page.locator("[data-testid='stApp']")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    # Placeholders drawn while elements load, and elements left from the previous run.
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=timeout)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=timeout)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose_file(page: Page, path: Path) -> None:
    """Put a file in the page's file uploader and wait for the run the upload starts.

    The upload triggers its own rerun a moment after the file is listed; a click made
    before that run has begun can be lost (seen once in CI on a busy machine), so wait
    for the file to be listed, give the rerun a moment to start, then for it to finish.
    """
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible()
    page.wait_for_timeout(500)
    wait_for_app(page)
