"""The "this browser" store for unit tests: a BrowserStore whose every write is answered
by a FakeBrowser (tests/support/fake_browser.py) before the next call, as a browser would
between two script runs."""

from __future__ import annotations

from typing import Any

from backcare.browser_store import BrowserStore
from tests.support.fake_browser import FakeBrowser, settle


class SettledStore:
    """A BrowserStore that lets its browser answer after every call (writes confirmed)."""

    def __init__(self, store: BrowserStore, browser: FakeBrowser) -> None:
        self.store = store
        self.browser = browser

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.store, name)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return found(*args, **kwargs)
            finally:
                settle(self.store.mirror, self.browser)

        return call


def settled_browser_store(profile: str = "unit") -> SettledStore:
    """A loaded, empty browser store of a fresh browser profile."""
    FakeBrowser.profiles.pop(profile, None)
    store = BrowserStore()
    browser = FakeBrowser(profile)
    settle(store.mirror, browser)
    assert store.mirror.status == "ready"
    return SettledStore(store, browser)
