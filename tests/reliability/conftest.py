"""Reliability tests reuse the real-browser fixtures of tests/e2e."""

from tests.e2e.conftest import (  # noqa: F401  (fixtures are found by name)
    app_server,
    app_url,
    browser_type_launch_args,
    chromium_executable,
)
