"""Suite-wide settings, the PostgreSQL fixture and the test OpenID Connect provider.

Hypothesis's default 200 ms deadline turns a busy machine into a failing test (CI and
developers share 2 cores), and no test here is meant to measure time: speed is measured
in bench/. So deadlines are off; the number of examples stays Hypothesis's default unless
a test says otherwise.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("backcare", deadline=None)
settings.load_profile("backcare")


# --------------------------------------------------------------------------------------
# PostgreSQL for the store contract tests and clinic mode
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server_url():
    """A SQLAlchemy URL of a PostgreSQL database the tests may use and wipe.

    BACKCARE_TEST_POSTGRES_URL names one; otherwise a throw-away server is started on a
    free loopback port (tests/support/postgres.py). Without PostgreSQL installed the
    tests that need it skip with the reason, unless BACKCARE_REQUIRE_POSTGRES=1 (set by
    .ci/run): then they fail.
    """
    if url := os.environ.get("BACKCARE_TEST_POSTGRES_URL"):
        yield url
        return
    from tests.support.postgres import temp_postgres

    try:
        server = temp_postgres()
        pg = server.__enter__()
    except (FileNotFoundError, KeyError) as exc:
        reason = f"no PostgreSQL to test against ({exc}); apt-get install postgresql"
        if os.environ.get("BACKCARE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL tests are mandatory (BACKCARE_REQUIRE_POSTGRES=1): {reason}")
        pytest.skip(reason)
    try:
        yield pg.url()
    finally:
        server.__exit__(None, None, None)


# --------------------------------------------------------------------------------------
# A local OpenID Connect provider for clinic mode's sign-in
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def oidc_provider():
    """oidc-provider-mock on a free loopback port for the session, with the predefined
    users of tests/support/oidc.py (patient-a, patient-b, clinician-1)."""
    from tests.support.oidc import oidc_provider as running_provider

    with running_provider() as provider:
        yield provider
