"""Reliability tests reuse the real-browser fixtures of tests/e2e."""

from tests.e2e.conftest import (  # noqa: F401  (fixtures are found by name)
    _a_new_person_on_the_shared_server,
    app_server,
    app_url,
    browser_type_launch_args,
    chromium_executable,
)
