"""The sign-in test helpers against a real `streamlit run` and the local provider.

A throw-away script (not BackCare) shows who is signed in and offers Streamlit's own
st.login / st.logout under the labels the app will use, so these tests prove the helpers
(tests/support/signin.py, oidc.py, server.auth_secrets) and nothing of the app.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for_app
from tests.support.server import TEST_COOKIE_SECRET, auth_secrets, free_port, start_server
from tests.support.signin import sign_in, sign_out, signed_in_cookie

SCRIPT = """
import streamlit as st

st.text(f"signed in as: {st.user.get('sub')}")
if st.user.get("is_logged_in"):
    st.text(f"issuer: {st.user.get('iss')}")
    if st.button("Sign out"):
        st.logout()
        st.stop()
elif st.button("Sign in"):
    st.login()
"""


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory, chromium_executable, oidc_provider):
    folder = tmp_path_factory.mktemp("signin-support")
    script = folder / "who.py"
    script.write_text(SCRIPT)
    port = free_port()  # the redirect_uri names it, so it is chosen first
    server = start_server(
        folder, script=script, port=port, secrets_text=auth_secrets(oidc_provider, port)
    )
    try:
        yield server
    finally:
        server.stop()


def test_sign_in_through_the_provider_then_out(page, auth_server, oidc_provider):
    sign_in(page, auth_server.url, "patient-a")
    expect(page.get_by_text("signed in as: patient-a")).to_be_visible()
    expect(page.get_by_text(f"issuer: {oidc_provider.issuer}")).to_be_visible()

    sign_out(page)
    expect(page.get_by_text("signed in as: None")).to_be_visible()


def test_a_minted_cookie_signs_in_with_no_provider_round_trip(browser, auth_server, oidc_provider):
    context = browser.new_context()
    provider_requests: list[str] = []
    context.on(
        "request",
        lambda request: (
            provider_requests.append(request.url)
            if request.url.startswith(oidc_provider.issuer)
            else None
        ),
    )
    claims = oidc_provider.claims("patient-b")
    context.add_cookies([signed_in_cookie(TEST_COOKIE_SECRET, claims, auth_server.url)])
    page = context.new_page()
    page.goto(auth_server.url)
    wait_for_app(page)
    expect(page.get_by_text("signed in as: patient-b")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert provider_requests == []
    context.close()


def test_a_cookie_signed_with_another_secret_is_not_signed_in(browser, auth_server, oidc_provider):
    context = browser.new_context()
    claims = oidc_provider.claims("patient-b")
    context.add_cookies([signed_in_cookie("not the server's secret", claims, auth_server.url)])
    page = context.new_page()
    page.goto(auth_server.url)
    wait_for_app(page)
    expect(page.get_by_text("signed in as: None")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    context.close()
