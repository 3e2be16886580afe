"""The "this browser" mode's page side: which mode a visitor gets, the component mounted
first by the frame, the wait while the browser reads what it keeps, and the controls to
forget it or protect it with a passphrase.

Light on purpose (no pandas, no SQLAlchemy): every page's frame uses it, the home page too.
The store itself is ``backcare.browser_store``; its words on the diary and About pages are
in ``backcare.ui.store.storage_notice``.
"""

from __future__ import annotations

import streamlit as st

from backcare.browser_mirror import NO_ANSWER, BrowserMirror
from backcare.storage_mode import Mode, StorageError, choose_mode, configured_mode
from backcare.ui.browser_component import browser_mirror, mount
from backcare.ui.state import (
    BROWSER_FLUSH_KEY,
    CHOSEN_ENTRY_KEY,
    CONFIRM_DELETE_KEY,
    FALLBACK_KEY,
    KEPT_CACHE_KEY,
    NEW_CHECK_KEY,
    SESSION_FRAMES_KEY,
    SESSION_HELD_KEY,
    SESSION_PROBLEM_KEY,
    UNDO_KEY,
    UNSAVED_RECORDS_KEY,
    demo_persona,
)

# After this long without an answer, the page offers to go on in this tab only. The
# component itself gives up opening the browser's storage after 5 s (OPEN_TIMEOUT_MS).
WAIT_SECONDS = 4.0

READING = "Reading what this browser keeps for BackCare…"
CONTINUE = "Continue in this tab only"
FORGET = "Forget everything in this browser"
# What the diary and About pages say about this mode (backcare.ui.store.storage_notice).
# Safari: WebKit deletes all script-writable storage (IndexedDB included) of a site after
# 7 days of Safari use without a visit to it, unless it was added to the Home Screen
# (WebKit blog, "Full Third-Party Cookie Blocking and More", 24 March 2020,
# https://webkit.org/blog/10218/full-third-party-cookie-blocking-and-more/). Private
# windows keep IndexedDB in memory and drop it when they close (Chromium, Firefox, Safari).
WHERE = (
    "What you enter is kept in this browser, on this device: nothing is saved on the "
    "server, and no one using another browser or device can see it. It stays after a "
    "reload, in new tabs and when BackCare restarts."
)
CAVEATS = (
    "Safari deletes it after 7 days of use without a visit to BackCare, and a private "
    "window drops it when the window closes: use Export now and then to keep a copy."
)
# Session values that show what the person entered (copies of what the store keeps, and
# the kept records this tab holds): "Forget everything" clears them with the browser's data.
_SHOWN_KEYS = (
    KEPT_CACHE_KEY,
    UNSAVED_RECORDS_KEY,
    NEW_CHECK_KEY,
    SESSION_HELD_KEY,
    SESSION_PROBLEM_KEY,
    UNDO_KEY,
    CONFIRM_DELETE_KEY,
    CHOSEN_ENTRY_KEY,
    SESSION_FRAMES_KEY,
)


def visitor_mode() -> tuple[Mode, str | None]:
    """(mode, problem): the store this visitor gets by the privacy rule; a bad setting
    gives the tab-only mode and the reason."""
    try:
        forced = configured_mode()
    except StorageError as exc:
        return "session", str(exc)
    return choose_mode(forced, st.context.headers.get("Host"), st.context.ip_address), None


def browser_mode() -> bool:
    """Is this tab's store the browser's? (Not once a tab fell back to itself: see
    ``backcare.ui.store.current_store``.)"""
    return visitor_mode()[0] == "browser" and FALLBACK_KEY not in st.session_state


def frame_store() -> BrowserMirror | None:
    """For the frame, first thing on every page: in browser mode, mount the component
    (its passphrase form shows here) and return the mirror; None in other modes."""
    return mount() if browser_mode() else None


@st.fragment(run_every=1.0)
def _waiting() -> None:
    """Ticks while the browser has not answered; reruns the page once the wait is long
    enough to offer going on without it. (The browser's answer reruns the page itself.)"""
    if browser_mirror().waited >= WAIT_SECONDS:
        st.rerun(scope="app")


def gate(mirror: BrowserMirror) -> None:
    """Until the browser's data is here, show only the wait (or the passphrase's words)
    and stop the page: nothing that depends on saved data may show before it, such as a
    warning-sign result that holds back exercise, or an empty diary."""
    if mirror.loaded or demo_persona() is not None:
        return
    if mirror.status in ("connecting", "loading"):
        st.info(READING, icon=":material/hourglass_top:")
        if mirror.waited < WAIT_SECONDS:
            _waiting()
        else:
            st.write(
                "This is taking long. You can go on in this tab only: what you enter then "
                "is not kept after you close it, unless you export it."
            )
            st.button(CONTINUE, on_click=mirror.give_up, args=(NO_ANSWER,), icon=":material/tab:")
    else:
        if mirror.status == "wrong_passphrase":
            st.error(
                "That passphrase does not open what this browser keeps. Nothing was "
                "changed or lost: type it again in the form above.",
                icon=":material/lock:",
            )
        else:
            st.info(
                "What BackCare keeps in this browser is protected by a passphrase. Type it "
                "in the form above to open it.",
                icon=":material/lock:",
            )
        st.write(
            "Forgot it? There is no way to recover it. You can go on in this tab only, "
            "or forget everything BackCare keeps in this browser and start again."
        )
        st.button(CONTINUE, on_click=mirror.give_up, icon=":material/tab:")
        forget_control(mirror, "gate")
    st.stop()


def _forget(mirror: BrowserMirror) -> None:
    mirror.forget()
    for key in _SHOWN_KEYS:
        st.session_state.pop(key, None)


def forget_control(mirror: BrowserMirror, place: str) -> None:
    """ "Forget everything in this browser", asked twice; works locked or refused too."""
    with st.expander(FORGET, icon=":material/delete_forever:"):
        st.write(
            "This deletes everything BackCare keeps in this browser: your diary, results "
            "and routine. It cannot be undone. Export a copy first if you may want it later."
        )
        sure = st.checkbox(
            "I understand that it will be gone for good", key=f"bc_forget_sure_{place}"
        )
        st.button(
            FORGET,
            type="primary",
            disabled=not sure,
            on_click=_forget,
            args=(mirror,),
            key=f"bc_forget_{place}",
            icon=":material/delete_forever:",
        )


def passphrase_control(mirror: BrowserMirror) -> None:
    """Offer a passphrase for a shared computer (typed in the component's own form, at the
    top of the page, so it never reaches the server), or say that one protects the data."""
    if mirror.encrypted:
        st.caption(
            "Protected by your passphrase: this browser asks for it on every visit. "
            "Without it, the only way back is to forget everything in this browser."
        )
    elif mirror.ui is not None:
        st.info(
            "Choose your passphrase in the form at the top of the page.",
            icon=":material/key:",
        )
    elif mirror.can_encrypt and mirror.status == "ready":
        st.button(
            "Protect with a passphrase",
            on_click=mirror.ask_passphrase,
            icon=":material/key:",
            help="For a computer others use too: what BackCare keeps here is encrypted "
            "and this browser asks for the passphrase on every visit.",
            key="bc_ask_passphrase",
        )


@st.fragment(run_every=0.2)
def _flush() -> None:
    """Drawn in the script run that wrote late: that run runs the body once (and arms
    it); the fragment's own timed rerun, just after the run ends, reruns the page."""
    if st.session_state.pop(BROWSER_FLUSH_KEY, False):
        st.rerun(scope="app")
    st.session_state[BROWSER_FLUSH_KEY] = True


def flush_later() -> None:
    """After a write made late in a script run (after the component was mounted), rerun
    the page once this run ends, so the write reaches the browser now, not at the next
    click. Writes in callbacks, or followed by ``st.rerun()``, need nothing."""
    if not browser_mode() or demo_persona() is not None:
        return
    if browser_mirror().unsent and not st.session_state.get(BROWSER_FLUSH_KEY):
        _flush()
