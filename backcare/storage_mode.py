"""Which store a visitor gets: the privacy rule, and the setting that forces a mode.

Light on purpose (the standard library only): every page's frame asks for the mode before
it draws anything, and the home page must start without pandas or SQLAlchemy
(tests/app/test_home_imports.py). ``backcare.storage`` re-exports every name here.

Modes:

- ``sql``: a SQLite file on this computer (or a database by URL); the default when the
  page is opened on the machine BackCare runs on.
- ``browser``: IndexedDB in the visitor's own browser (``backcare.browser_store``); the
  default for everyone else, such as a visitor of a shared deployment. Nothing is written
  on the server.
- ``session``: this browser tab only, for those who want nothing kept.
- ``accounts``: clinic mode (never chosen by itself): everyone signs in (``st.login``) and
  keeps one diary of their own in the database by URL, PostgreSQL for several servers
  (``backcare.clinic``). Until a person signs in, or when sign-in is unavailable, what
  they enter stays in their tab: never in a shared diary.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Literal, cast, get_args

Mode = Literal["sql", "session", "browser", "accounts"]
MODES: tuple[str, ...] = get_args(Mode)
ENV_STORAGE = "BACKCARE_STORAGE"


class StorageError(ValueError):
    """The diary's storage cannot be opened or used; the message says why and what to do."""


def configured_mode(env: Mapping[str, str] | None = None) -> Mode | None:
    """BACKCARE_STORAGE forced by the operator (one of MODES), or None."""
    env = os.environ if env is None else env
    value = env.get(ENV_STORAGE, "").strip().lower()
    if not value:
        return None
    if value not in MODES:
        choices = ", ".join(f"'{m}'" for m in MODES[:-1]) + f" or '{MODES[-1]}'"
        raise StorageError(f"{ENV_STORAGE} must be {choices}, not {value!r}")
    return cast(Mode, value)  # checked just above: one of MODES


def _loopback_address(name: str) -> bool:
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    # A dual-stack server reports a browser at http://127.0.0.1 as ::ffff:127.0.0.1, and
    # Python 3.11 does not call an IPv4-mapped address loopback by itself.
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def is_loopback_host(host: str | None) -> bool:
    """Is an HTTP Host header (``localhost:8501``, ``[::1]:8501``) this machine?"""
    if not isinstance(host, str) or not host.strip():
        return False
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:8501
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:  # localhost:8501; a bare IPv6 address has several colons
        name = name.split(":", 1)[0]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    return _loopback_address(name)


def choose_mode(forced: Mode | None, host: str | None, remote_ip: object) -> Mode:
    """The privacy rule: which store a visitor gets.

    A forced mode (BACKCARE_STORAGE) wins. Otherwise the SQL diary is used only when the
    page was opened on this machine: a loopback Host header and a loopback connection
    (Streamlit reports ``remote_ip`` None for those, or ``::ffff:127.0.0.1`` on a
    dual-stack server). Everyone else keeps what they enter in their own browser, so on a
    shared server no visitor ever sees another's diary and nothing is written there.
    """
    if forced is not None:
        return forced
    local_connection = remote_ip is None or (
        isinstance(remote_ip, str) and _loopback_address(remote_ip.strip().strip("[]"))
    )
    return "sql" if is_loopback_host(host) and local_connection else "browser"
