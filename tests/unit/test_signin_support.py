"""The clinic-mode test helpers that need no browser: the secrets file a test server
reads, the minted sign-in cookie, and the test provider's discovery document."""

from __future__ import annotations

import json
import secrets
import tomllib
import urllib.request

import pytest
from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
from streamlit.web.server.starlette.starlette_websocket import _parse_decoded_user_cookie

from tests.support.oidc import USERS, Provider
from tests.support.server import TEST_COOKIE_SECRET, auth_secrets
from tests.support.signin import signed_in_cookie

PROVIDER = Provider(port=45678)


def test_auth_secrets_is_the_auth_table_streamlit_reads():
    parsed = tomllib.loads(auth_secrets(PROVIDER, 8765))
    assert parsed == {
        "auth": {
            "redirect_uri": "http://127.0.0.1:8765/oauth2callback",
            "cookie_secret": TEST_COOKIE_SECRET,
            "client_id": "backcare-test",
            "client_secret": "backcare-test-secret",
            "server_metadata_url": "http://127.0.0.1:45678/.well-known/openid-configuration",
        }
    }


AWKWARD = [
    'a "quoted" word',
    "back\\slash and C:\\path",
    "line\nbreak\ttab\rreturn",
    "nul\x00 bell\x07 del\x7f esc\x1b",
    "Ünïcödé and an emoji 😀",
    "[not a table] = 'nor a key' # nor a comment",
    "",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_auth_secrets_round_trips_any_text(text):
    clinic = {
        "clinician_emails": [text, "dr.one@clinic.example"],
        "trusted_issuers": [PROVIDER.issuer],
        "role_claim": text,
        "clinician_values": [],
        "share_code_days": 7,
    }
    parsed = tomllib.loads(auth_secrets(PROVIDER, 1, cookie_secret=text, clinic=clinic))
    assert parsed["auth"]["cookie_secret"] == text
    assert parsed["backcare_clinic"] == clinic


def test_auth_secrets_refuses_what_it_cannot_write():
    with pytest.raises(ValueError, match="bare TOML key"):
        auth_secrets(PROVIDER, 1, clinic={"role claim": "roles"})
    with pytest.raises(TypeError, match="no TOML rendering"):
        auth_secrets(PROVIDER, 1, clinic={"share_code_days": 7.5})


def test_minted_cookie_is_what_streamlit_reads_back():
    """Decoded with Streamlit's own functions, as its websocket handler does."""
    origin = "http://127.0.0.1:8765"
    cookie = signed_in_cookie(TEST_COOKIE_SECRET, PROVIDER.claims("patient-b"), origin)
    decoded = decode_signed_value(TEST_COOKIE_SECRET, cookie["name"], cookie["value"])
    assert decoded is not None
    user = _parse_decoded_user_cookie(decoded, origin)
    assert user == {
        "is_logged_in": True,
        "iss": "http://127.0.0.1:45678",
        "sub": "patient-b",
        **USERS["patient-b"],
        "provider": "default",
    }
    assert cookie["name"] == "_streamlit_user"
    assert cookie["domain"] == "127.0.0.1" and cookie["path"] == "/"
    assert cookie["httpOnly"] and not cookie["secure"] and cookie["sameSite"] == "Lax"


def test_minted_cookie_is_refused_elsewhere():
    origin = "http://127.0.0.1:8765"
    cookie = signed_in_cookie(TEST_COOKIE_SECRET, PROVIDER.claims("patient-a"), origin)
    assert decode_signed_value("another secret", cookie["name"], cookie["value"]) is None
    decoded = decode_signed_value(TEST_COOKIE_SECRET, cookie["name"], cookie["value"])
    assert _parse_decoded_user_cookie(decoded, "http://127.0.0.1:9999") == {}


def test_minted_cookie_refuses_a_url_or_too_many_claims():
    with pytest.raises(ValueError, match="scheme://host:port"):
        signed_in_cookie(TEST_COOKIE_SECRET, {"sub": "x"}, "http://127.0.0.1:1/oauth2callback")
    # itsdangerous compresses the payload (zlib) when that is shorter: "x" * 4000 would
    # fit, random text does not.
    big = {"sub": "x", "groups": [secrets.token_hex(16) for _ in range(250)]}
    with pytest.raises(ValueError, match="too large"):
        signed_in_cookie(TEST_COOKIE_SECRET, big, "http://127.0.0.1:1")


def test_provider_publishes_its_loopback_issuer(oidc_provider):
    with urllib.request.urlopen(oidc_provider.metadata_url, timeout=5) as resp:  # noqa: S310
        discovery = json.load(resp)
    assert discovery["issuer"] == oidc_provider.issuer
    assert oidc_provider.issuer.startswith("http://127.0.0.1:")
    assert discovery["end_session_endpoint"].startswith(oidc_provider.issuer)
    assert set(oidc_provider.users) == {"patient-a", "patient-b", "clinician-1"}
