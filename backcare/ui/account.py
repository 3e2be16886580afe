"""Clinic mode's sign-in (``BACKCARE_STORAGE=accounts``): is sign-in set up and reachable,
who is signed in, the Sign in / Sign out panel, and this person's own store.

Sign-in is Streamlit's own (``st.login`` / ``st.user``, OpenID Connect), set up by the
``[auth]`` table of the secrets; clinic mode's rules are the ``[backcare_clinic]`` table
(``backcare.accounts.ClinicSettings``). When sign-in is not set up, the provider does not
answer, or the person has not signed in yet, what they enter stays in their own tab:
never in a shared diary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from backcare.accounts import (
    SETTINGS_SECTION,
    ClinicSettings,
    Identity,
    NotSignedIn,
    identity_from_claims,
    provider_reachable,
)
from backcare.ui.state import ACCOUNT_KEY
from backcare.ui.text import plain

# The keys st.login needs, in [auth] and in the provider's table (Streamlit 1.67).
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SIGN_IN = "Sign in"
SIGN_OUT = "Sign out"
UNAVAILABLE = "Sign-in is unavailable right now"


@dataclass(frozen=True)
class SignIn:
    """Where this visitor stands with sign-in, read once per run."""

    settings: ClinicSettings = field(default_factory=ClinicSettings)
    identity: Identity | None = None  # who is signed in
    problem: str | None = None  # why sign-in is unavailable (None: it is available)
    provider: str | None = None  # the [auth] provider to pass to st.login (None: default)


def _secrets_table(name: str) -> dict[str, Any]:
    try:
        found = st.secrets.get(name)
    except FileNotFoundError:  # no secrets file at all
        return {}
    return {key: found[key] for key in found} if isinstance(found, Mapping) else {}


def _provider(auth: dict[str, Any]) -> tuple[str | None, dict[str, Any]] | str:
    """(provider name or None for the default, its table), or what is missing."""
    missing = [key for key in AUTH_KEYS if not auth.get(key)]
    if missing:
        return f"[auth] has no {' or '.join(missing)}"
    if all(auth.get(key) for key in PROVIDER_KEYS):
        return None, auth
    for name, table in auth.items():
        if isinstance(table, Mapping) and all(table.get(key) for key in PROVIDER_KEYS):
            return name, dict(table)
    return f"[auth] names no provider with {', '.join(PROVIDER_KEYS)}"


def sign_in_state() -> SignIn:
    """Is sign-in set up and reachable, and who is signed in."""
    try:
        settings = ClinicSettings.from_settings(_secrets_table(SETTINGS_SECTION))
    except ValueError as exc:
        return SignIn(problem=f"the clinic's settings are not right ({exc})")
    auth = _secrets_table("auth")
    if not auth:
        return SignIn(settings, problem="sign-in is not set up on this BackCare")
    found = _provider(auth)
    if isinstance(found, str):
        return SignIn(settings, problem=f"sign-in is not set up completely ({found})")
    provider, table = found
    try:
        return SignIn(settings, identity_from_claims(st.user.to_dict(), settings), None, provider)
    except NotSignedIn as exc:
        if st.user.get("is_logged_in") is True:  # signed in, but without iss or sub
            return SignIn(settings, problem=str(exc), provider=provider)
    if not provider_reachable(str(table["server_metadata_url"])):
        return SignIn(settings, problem="the sign-in service does not answer", provider=provider)
    return SignIn(settings, provider=provider)


def sign_in_panel(state: SignIn, place: str) -> None:
    """Signed in as ... with Sign out; or Sign in; or why sign-in is unavailable.
    ``place`` keeps widget keys apart (the sidebar and a page)."""
    if state.identity is not None:
        role = "clinician" if state.identity.role == "clinician" else "patient"
        # The name and e-mail are the provider's, chosen by the person: shown plain.
        st.markdown(f"Signed in as **{plain(state.identity.label)}** ({role}).")
        if st.button(SIGN_OUT, key=f"bc_sign_out_{place}", icon=":material/logout:"):
            st.session_state.pop(ACCOUNT_KEY, None)
            st.logout()
            st.stop()  # the script goes on after st.logout() otherwise
        return
    if state.problem is not None:
        st.warning(
            f"{UNAVAILABLE}: {state.problem}. What you enter stays in this browser tab "
            "only, and is gone when you close it: nothing is kept on the server and "
            "nothing goes into anyone else's diary.",
            icon=":material/no_accounts:",
        )
        return
    st.markdown(
        "Sign in to keep your diary, results and routine in your own account, on your "
        "phone and your computer, and to share them with your clinician if you choose. "
        "Sign in first: what you enter before signing in stays in this tab and does not "
        "move into your account (Export it, then Import it once you are signed in)."
    )
    if st.button(SIGN_IN, key=f"bc_sign_in_{place}", type="primary", icon=":material/login:"):
        if state.provider is None:
            st.login()
        else:
            st.login(state.provider)
