"""The "this browser" store's component: IndexedDB in the visitor's browser, talking to this
tab's ``BrowserMirror`` (``backcare.browser_mirror``, where the messages are described).

``browser_component.js`` and ``.css`` sit next to this module and are passed inline: a file
path in ``st.components.v2.component(js=...)`` works only for a component declared in an
installed package's pyproject.toml, and BackCare is run from its folder, not installed.
Streamlit serves inline JavaScript as a ``blob:`` URL, so a Content-Security-Policy in
front of BackCare must allow ``blob:`` in ``script-src``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import streamlit as st

from backcare.browser_mirror import BrowserMirror
from backcare.ui.state import (
    BROWSER_COMPONENT_KEY,
    BROWSER_FLUSH_KEY,
    BROWSER_MIRROR_KEY,
    BROWSER_TRANSPORT_KEY,
)

HERE = Path(__file__).parent
COMPONENT_NAME = "backcare.browser_store"

# Registered once, at import; every page mounts it (``mount``), first thing after the frame's
# page config. Its only visible part is the passphrase form, when there is one.
_component = st.components.v2.component(
    COMPONENT_NAME,
    html='<div class="bc-store"></div>',
    css=(HERE / "browser_component.css").read_text(encoding="utf-8"),
    js=(HERE / "browser_component.js").read_text(encoding="utf-8"),
)


class Transport(Protocol):
    """What stands in for the component where no JavaScript runs (AppTest): it takes each
    run's data, and hands its answers to the next run (tests/support/fake_browser.py)."""

    def take(self) -> list[dict[str, Any]]: ...
    def handle(self, data: dict[str, Any]) -> None: ...


def browser_mirror() -> BrowserMirror:
    """This tab's mirror of what the browser keeps (made on first use)."""
    mirror = st.session_state.get(BROWSER_MIRROR_KEY)
    if mirror is None:
        mirror = st.session_state[BROWSER_MIRROR_KEY] = BrowserMirror()
    return mirror


def _on_msgs() -> None:
    # Read in the callback: it runs for every batch the browser sends, even when a newer
    # batch interrupts the script run that carried this one (the body would miss it).
    state = st.session_state.get(BROWSER_COMPONENT_KEY) or {}
    browser_mirror().receive(state.get("msgs"))


def mount() -> BrowserMirror:
    """Mount the component with this run's data; returns the mirror.

    Writes reach the browser in ``data``, which is fixed here: a write made later in the
    script run goes out with the next run. So a page writes in a widget callback (those
    run before the script), or calls ``st.rerun()`` after writing, or ``flush_later()``.
    """
    mirror = browser_mirror()
    st.session_state.pop(BROWSER_FLUSH_KEY, None)  # this run sends every write so far
    transport: Transport | None = st.session_state.get(BROWSER_TRANSPORT_KEY)
    if transport is not None:
        mirror.receive(transport.take())
        transport.handle(mirror.data())
        return mirror
    _component(key=BROWSER_COMPONENT_KEY, data=mirror.data(), on_msgs_change=_on_msgs)
    return mirror
