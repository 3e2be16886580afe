"""Signing in and out of a test server in a real browser, and a minted sign-in cookie.

``sign_in`` and ``sign_out`` go through the app's own buttons ("Sign in", "Sign out") and
the test provider's pages (tests/support/oidc.py), as a person would. ``signed_in_cookie``
skips the provider: it makes the cookie Streamlit's callback would have set, so a load
test can open many signed-in sessions at once.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from streamlit.auth_util import MAX_COOKIE_BYTES  # over it Streamlit splits the cookie
from streamlit.web.server.starlette.starlette_server_config import (
    AUTH_COOKIE_MAX_AGE_SECONDS,
    USER_COOKIE_NAME,
)

from tests.support.browser import wait_for_app


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _user_cookies(page: Page) -> list[dict[str, Any]]:
    return [c for c in page.context.cookies() if c["name"].startswith(USER_COOKIE_NAME)]


def sign_in(page: Page, app_url: str, sub: str) -> None:
    """Sign in as ``sub`` (one of the provider's users): the app's "Sign in", the
    provider's button for ``sub``, back on the app with its cookie, the run finished and
    "Sign in" gone. Opens ``app_url`` first unless the page is already on the app."""
    if not page.url.startswith(app_url.rstrip("/")):
        page.goto(app_url)
        wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    # st.login queues a redirect: /auth/login, then the provider's authorization form with
    # one button per predefined user (and a free "sub" field, not used here).
    page.wait_for_url(re.compile(r".*/oauth2/authorize\?.*"))
    page.locator(f'button[name="sub"][value="{sub}"]').click()
    # /oauth2callback sets the cookie and redirects to the app's root.
    page.wait_for_url(re.compile(re.escape(_origin(app_url)) + r"/?(\?.*)?$"))
    wait_for_app(page)
    assert _user_cookies(page), "the app set no sign-in cookie (see the server's log)"
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def sign_out(page: Page) -> None:
    """Sign out: the app's "Sign out", the provider's "End session" confirmation, back on
    the app with the sign-in cookies gone and "Sign in" offered again."""
    origin = _origin(page.url)
    page.get_by_role("button", name="Sign out").click()
    # /auth/logout deletes the cookies and sends the browser to the provider's
    # end_session_endpoint, with post_logout_redirect_uri = the app's redirect_uri.
    page.wait_for_url(re.compile(r".*/oauth2/end_session.*"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(origin) + r"/.*"))
    wait_for_app(page)
    assert not _user_cookies(page), "sign-in cookies left after signing out"
    expect(page.get_by_role("button", name="Sign in").first).to_be_visible()


def signed_in_cookie(
    cookie_secret: str,
    claims: dict[str, Any],
    origin: str,
    *,
    provider: str = "default",
) -> dict[str, Any]:
    """The ``_streamlit_user`` cookie Streamlit 1.67 sets after a sign-in with ``claims``
    (the ID token's, e.g. ``Provider.claims("patient-a")``), as a Playwright cookie for
    ``context.add_cookies([...])``. ``origin`` is the redirect_uri's scheme://host:port.

    Made as starlette_auth_routes.oauth_callback and _set_single_cookie make it: the JSON
    of ``dict(claims, origin=origin, is_logged_in=True, provider=provider)`` signed with
    itsdangerous ``URLSafeTimedSerializer(cookie_secret, salt="_streamlit_user")``;
    HttpOnly, SameSite=Lax, not Secure, path /, 30 days. The tokens cookie is left out:
    Streamlit reads it only for ``expose_tokens``."""
    from itsdangerous import URLSafeTimedSerializer

    parts = urlsplit(origin)
    if not parts.scheme or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"origin must be scheme://host:port, not {origin!r}")
    payload = json.dumps(dict(claims, origin=_origin(origin), is_logged_in=True, provider=provider))
    # Streamlit signs the JSON *text*: the serializer JSON-encodes that string once more.
    value = URLSafeTimedSerializer(cookie_secret, salt=USER_COOKIE_NAME).dumps(payload)
    attributes = f"; Path=/; HttpOnly; SameSite=lax; Max-Age={AUTH_COOKIE_MAX_AGE_SECONDS}"
    if len(USER_COOKIE_NAME) + 1 + len(value) + len(attributes) > MAX_COOKIE_BYTES:
        raise ValueError("claims too large for one cookie (Streamlit would split it)")
    return {
        "name": USER_COOKIE_NAME,
        "value": value,
        "domain": parts.hostname,  # cookies belong to the host, not the port
        "path": "/",
        "expires": time.time() + AUTH_COOKIE_MAX_AGE_SECONDS,
        "httpOnly": True,
        "secure": False,
        "sameSite": "Lax",
    }
