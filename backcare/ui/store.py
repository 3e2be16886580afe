"""Which diary store a visitor gets, the storage notice, the one save-and-fallback policy,
the export buttons, and cached chart frames.

The privacy rule (``backcare.storage_mode.choose_mode``): opened on this machine with
nothing configured, the diary is a SQLite file in the data directory with owner "local";
opened from anywhere else it is kept in the visitor's own browser (IndexedDB, owner
"browser", ``backcare.browser_store``). ``BACKCARE_STORAGE`` forces a mode; "session"
keeps it in this tab only. If the database cannot be opened, the page says why and falls
back to this tab only. If it stops taking writes later (a full disk, a folder made
read-only, a database gone), the entries that could not be saved are held in the session
and the page offers to move the diary into this tab, with the unsaved entries, so nothing
is lost and Export still works. The browser store does the same by itself: what the
browser refuses stays in the tab, and the storage notice says so, with Try again and
Export.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import streamlit as st

from backcare import records
from backcare.accounts import Identity
from backcare.browser_mirror import REFUSED
from backcare.browser_store import BROWSER_OWNER, BrowserStore
from backcare.clinic import Account, Clinic, PersonStore, SharedView
from backcare.diary.io import Format, to_csv, to_json
from backcare.diary.model import Entry, Event, Screening
from backcare.storage import (
    Mode,
    SessionStore,
    SqlStore,
    StorageError,
    Store,
    StoredRecord,
    add_kept,
    database_url,
)
from backcare.ui.account import sign_in_panel, sign_in_state
from backcare.ui.browser import (
    CAVEATS,
    WHERE,
    forget_control,
    passphrase_control,
    visitor_mode,
)
from backcare.ui.browser_component import browser_mirror
from backcare.ui.state import (
    ACCOUNT_KEY,
    BROWSER_STORE_KEY,
    DEMO_STORE_KEY,
    FALLBACK_KEY,
    FLASH_KEY,
    PENDING_KEY,
    SESSION_FRAMES_KEY,
    SESSION_OWNER_KEY,
    SESSION_STORE_KEY,
    UNDO_KEY,
    UNSAVED_RECORDS_KEY,
    demo_persona,
)

if TYPE_CHECKING:  # pandas and the chart frames load only when a chart is drawn
    import pandas as pd

LOCAL_OWNER = "local"
# The export offered where the browser refused to keep the diary.
EXPORT_NOW = "Export my diary now (JSON)"
# After a failed open, wait this long before trying the database again.
RETRY_SECONDS = 30.0


@dataclass(frozen=True)
class StoreChoice:
    store: Store
    owner: str
    mode: Mode | Literal["demo"]  # "demo": the demo patient's tab-only store
    problem: str | None = None  # why the SQL diary could not be used, if it could not
    account: Account | None = None  # clinic mode: the signed-in person's account

    @property
    def cache_key(self) -> str:
        """Identifies this store for caches (never shared between session stores)."""
        if isinstance(self.store, SqlStore | PersonStore | SharedView):
            return "sql:" + hashlib.sha256(self.store.url.encode()).hexdigest()
        return f"{self.mode}:{id(self.store)}"


@st.cache_resource(show_spinner=False)
def _open_sql(url: str) -> SqlStore:
    """One engine per database URL for the whole server (a failure is not cached)."""
    return SqlStore(url)


@st.cache_resource(show_spinner=False)
def _failures() -> tuple[dict[str, tuple[float, str]], threading.Lock]:
    return {}, threading.Lock()


def _sql_or_problem(url: str) -> SqlStore | str:
    failures, lock = _failures()
    with lock:
        failed = failures.get(url)
    if failed and time.monotonic() - failed[0] < RETRY_SECONDS:
        return failed[1]
    try:
        store = _open_sql(url)
    except StorageError as exc:
        with lock:
            failures[url] = (time.monotonic(), str(exc))
        return str(exc)
    with lock:
        failures.pop(url, None)
    return store


def _account(clinic: Clinic, who: Identity) -> Account:
    """The signed-in person's account: read (or made) once a visit, again when who is
    signed in or their name, e-mail or role changed."""
    key = (clinic.sql.url, who)
    held = st.session_state.get(ACCOUNT_KEY)
    if held is not None and held[0] == key:
        return held[1]
    account = clinic.account(who)
    st.session_state[ACCOUNT_KEY] = (key, account)
    return account


def _account_choice() -> StoreChoice:
    """Clinic mode: the signed-in person's own diary in the database. Not signed in (or
    sign-in unavailable): this tab only, never a shared diary. The database down: this
    tab only, with the reason."""
    who = sign_in_state().identity
    if who is None:
        return _session_choice(None)
    found = _sql_or_problem(database_url())
    if isinstance(found, str):
        return _session_choice(found)
    try:
        clinic = Clinic(found)  # the first time on a database: its row-security policies
        account = _account(clinic, who)
    except StorageError as exc:
        return _session_choice(str(exc))
    return StoreChoice(clinic.person(account.id), account.id, "accounts", account=account)


def _session_choice(problem: str | None) -> StoreChoice:
    if problem:
        st.session_state[FALLBACK_KEY] = problem
    if SESSION_STORE_KEY not in st.session_state:
        st.session_state[SESSION_STORE_KEY] = SessionStore()
    if SESSION_OWNER_KEY not in st.session_state:
        st.session_state[SESSION_OWNER_KEY] = "tab-" + secrets.token_hex(12)
    return StoreChoice(
        st.session_state[SESSION_STORE_KEY],
        st.session_state[SESSION_OWNER_KEY],
        "session",
        problem,
    )


def browser_store() -> BrowserStore:
    """This tab's store over what the browser keeps (the frame mounted its component)."""
    store = st.session_state.get(BROWSER_STORE_KEY)
    mirror = browser_mirror()
    if store is None or store.mirror is not mirror:
        store = st.session_state[BROWSER_STORE_KEY] = BrowserStore(mirror)
    return store


def current_store() -> StoreChoice:
    """The store and owner id for this visitor, by the privacy rule.

    While the demo is on, the demo patient's own session store: the real one is not
    even opened, so nothing a demo does can reach it.
    """
    demo_store = st.session_state.get(DEMO_STORE_KEY)
    if demo_persona() is not None and demo_store is not None:
        from backcare.demo import DEMO_OWNER  # with pandas: loaded once the demo is on

        return StoreChoice(demo_store, DEMO_OWNER, "demo")
    mode, problem = visitor_mode()
    if problem is not None:
        return _session_choice(problem)
    if FALLBACK_KEY in st.session_state:
        # Once a tab has entries in its own store, switching back would hide them.
        return _session_choice(st.session_state[FALLBACK_KEY])
    if mode == "session":
        return _session_choice(None)
    if mode == "accounts":
        return _account_choice()
    if mode == "browser":
        store = browser_store()
        if said := store.mirror.take_confirmations():  # where "Saved: ..." shows in SQL
            st.session_state[FLASH_KEY] = " ".join(said)
        return StoreChoice(store, BROWSER_OWNER, "browser")
    result = _sql_or_problem(database_url())
    if isinstance(result, str):
        return _session_choice(result)
    return StoreChoice(result, LOCAL_OWNER, "sql")


def save_entry(choice: StoreChoice, entry: Entry) -> None:
    """Save a new entry: the diary's one save-and-fallback policy.

    A time in the future is refused (``Entry.check_not_future``, a ValueError). If the
    database refuses the entry (a full disk...), it is held in this tab and the diary page
    offers to try again or to keep the diary in the tab (``offer_unsaved``); a tab-only
    store's own errors are raised. After a save, the page's next run says "Saved: ...".
    In the browser, the entry is on its way: "Saved in this browser: ..." is said once the
    browser has confirmed it, and if it refuses, the storage notice says the entry is kept
    in this tab only, with Try again and Export.
    """
    entry.check_not_future()
    if isinstance(choice.store, BrowserStore):
        choice.store.add(entry, saved_notice=f"Saved in this browser: {entry.describe()}.")
        return
    try:
        choice.store.add(entry)
    except StorageError as exc:
        if choice.mode not in ("sql", "accounts"):
            raise
        hold_unsaved(str(exc), [entry])
    else:
        st.session_state[FLASH_KEY] = f"Saved: {entry.describe()}."


def hold_unsaved(reason: str, entries: list[Entry]) -> None:
    """Keep entries a database refused (a full disk...) so the page can offer the tab store."""
    _, held = st.session_state.get(PENDING_KEY, ("", []))
    st.session_state[PENDING_KEY] = (reason, [*held, *entries])


def unsaved(choice: StoreChoice | None = None) -> tuple[str, list[Entry]] | None:
    """(reason, entries) held after a refused save, or None. In the browser, the entries
    the browser refused, which its store keeps in this tab."""
    if choice is not None and isinstance(choice.store, BrowserStore):
        held = choice.store.held_entries(choice.owner)
        return (choice.store.mirror.problem or REFUSED, held) if held else None
    return st.session_state.get(PENDING_KEY)


def clear_unsaved() -> None:
    st.session_state.pop(PENDING_KEY, None)


def move_to_tab(choice: StoreChoice) -> tuple[int, bool]:
    """Copy the diary into this tab's own store, add the held entries, and use the tab from
    now on (for this tab only; the database file is left as it is).

    Returns (entries now in the tab, whether the saved diary could be copied). When the
    database cannot even be read, the tab starts with the held entries alone.
    """
    reason, held = unsaved() or ("the database stopped taking new entries", [])
    entries: list[Entry] = []
    screenings: list[Screening] = []
    events: list[Event] = []
    kept: list[tuple[str, str, dict[str, Any]]] = []
    copied = True
    try:
        entries = choice.store.list(choice.owner)
        screenings = choice.store.screenings(choice.owner)
        events = choice.store.events(choice.owner)
        kept = kept_records(choice.store, choice.owner)
    except ValueError:  # StorageError: unreadable as well as unwritable
        entries, screenings, events, kept, copied = [], [], [], [], False
    # Records the database refused earlier go with them (the tab's store takes them).
    held_records = st.session_state.pop(UNSAVED_RECORDS_KEY, [])
    kept += [(kind, r.record_id, r.payload) for kind, r, _why in held_records]
    tab = _session_choice(reason)
    tab.store.add_many(replace(e, owner=tab.owner) for e in [*entries, *held])
    add_kept(tab.store, tab.owner, events=events, screenings=screenings, records=kept)
    clear_unsaved()
    return tab.store.count(tab.owner), copied


def held_records(choice: StoreChoice) -> list[tuple[str, StoredRecord, str]]:
    """Kept records the store refused and this tab holds, as ``(kind, record, why)``: those
    a database refused (``UNSAVED_RECORDS_KEY``), and in the browser those it would not
    keep (its store holds them in the tab and reads them back itself)."""
    return [*st.session_state.get(UNSAVED_RECORDS_KEY, []), *_browser_held(choice)]


def _browser_held(choice: StoreChoice) -> list[tuple[str, StoredRecord, str]]:
    if not isinstance(choice.store, BrowserStore):
        return []
    why = choice.store.mirror.problem or REFUSED
    return [(r.kind, r, why) for r in choice.store.held_records(choice.owner)]


def held_back(choice: StoreChoice, kind: str, record_id: str) -> str | None:
    """Why a record just put is kept in this tab only (the browser would not keep it), or
    None (a store that refuses raises StorageError instead)."""
    for held_kind, record, why in _browser_held(choice):
        if (held_kind, record.record_id) == (kind, record_id):
            return why
    return None


def kept_records(store: Store, owner: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every kept record of ``owner`` as ``(kind, record_id, payload)``, kind by kind."""
    return [
        (r.kind, r.record_id, r.payload)
        for kind in records.KINDS
        for r in store.records(owner, kind)
    ]


def offer_unsaved(choice: StoreChoice) -> bool:
    """After a refused save: say what happened, and offer to try again or to keep the
    diary in this tab. Returns True when something changed (the caller reruns the page).

    The browser store keeps what the browser refused in this tab by itself: the page says
    so, and offers to try again (the browser may have room now) and Export.
    """
    held = unsaved(choice)
    if held is None:
        return False
    reason, entries = held
    count = len(entries)
    if choice.mode == "demo":  # the demo's own store: the waiting entries are not its
        return False
    if choice.mode == "session":  # the database fell away since: the tab takes them now
        choice.store.add_many(replace(e, owner=choice.owner) for e in entries)
        clear_unsaved()
        st.session_state[FLASH_KEY] = (
            f"{count} waiting {'entry was' if count == 1 else 'entries were'} added to this "
            "tab's diary. Export it before you close the tab."
        )
        return True
    waiting = f"{count} {'entry is' if count == 1 else 'entries are'} waiting in this tab."
    if isinstance(choice.store, BrowserStore):
        st.error(
            f"Not saved in this browser: {reason}.\n\n{waiting} They stay here until you "
            "close the tab. Try again once the browser has room or lets this site keep "
            "data, or use Export to keep a copy.",
            icon=":material/error:",
        )
        if st.button("Try saving again", icon=":material/refresh:", key="bc_retry_unsaved"):
            choice.store.mirror.retry()
            return True
        download_diary(st, EXPORT_NOW, "json", choice, disabled=False)
        return False
    st.error(
        f"Not saved: {reason}\n\n"
        f"{waiting} Fix the cause (a full disk needs some space freed) and try again, or keep "
        "your diary in this tab for now: your entries so far and the waiting ones are copied "
        "here, and Export gives you everything as a file to import later.",
        icon=":material/error:",
    )
    # One under the other: side by side, the longer label was cut off in the narrow column.
    if st.button("Try saving again", icon=":material/refresh:", key="bc_retry_unsaved"):
        try:
            choice.store.add_many(entries)
        except ValueError as exc:  # still refused: keep holding, with the new reason
            st.session_state[PENDING_KEY] = (str(exc), entries)
        else:
            clear_unsaved()
            st.session_state[FLASH_KEY] = (
                f"Saved {count} waiting {'entry' if count == 1 else 'entries'}."
            )
        return True
    if st.button("Keep my diary in this tab for now", icon=":material/tab:", key="bc_to_tab"):
        total, copied = move_to_tab(choice)
        st.session_state[FLASH_KEY] = (
            f"Your diary is now kept in this tab: {total} entries. Export it before you close "
            "the tab."
            if copied
            else f"Your saved diary could not be read, so this tab holds only the {total} "
            "waiting entries. Export them before you close the tab."
        )
        return True
    return False


def _browser_notice(choice: StoreChoice) -> None:
    """Where things are kept in the browser, what it said, and how to remove it."""
    store = choice.store
    if not isinstance(store, BrowserStore):
        return
    mirror = store.mirror
    # One place, always drawn, for what comes and goes ("Saved in this browser: ..."): so
    # the elements below keep their places (an open expander would close when they move).
    with st.container():
        for notice in mirror.take_notices():
            st.success(notice, icon=":material/check_circle:")
        if mirror.saving:
            st.caption("Saving in this browser…")
    if mirror.status == "unavailable":
        # With entries waiting, the diary's "Not saved" offer gives the reason and buttons.
        waiting = unsaved(choice) is not None
        st.warning(
            "This browser is not keeping what you enter right now, so it is kept in this "
            "tab only and is gone when you close the tab: Export it to keep a copy."
            + ("" if waiting else f" The reason: {mirror.problem or REFUSED}."),
            icon=":material/warning:",
        )
        if mirror.error:
            st.text(mirror.error)
        if not waiting:
            left, right = st.columns(2)
            left.button(
                "Try this browser's storage again",
                on_click=mirror.retry,
                icon=":material/refresh:",
                key="bc_retry_unsaved",
            )
            download_diary(right, EXPORT_NOW, "json", choice, disabled=False)
    else:
        st.info(f"{WHERE} {CAVEATS}", icon=":material/language:")
        if store.unreadable:
            st.caption(
                f"{len(store.unreadable)} things kept in this browser could not be read "
                "(made by another version of BackCare?) and were left as they are."
            )
        passphrase_control(mirror)
    forget_control(mirror, "notice")


@dataclass(frozen=True)
class Where:
    """Where this person's things are kept, in words (from the store choice's mode)."""

    place: str  # "on this computer", to finish a sentence
    sentence: str  # the home page's one line about it


# "browser": a store in the visitor's own browser (IndexedDB); the browser store sets this
# mode on its StoreChoice, and these words describe it.
_BROWSER = Where(
    "in this browser",
    "Everything you enter is kept in this browser only (IndexedDB), on this device: "
    "nothing is saved on the server.",
)


_ACCOUNT = Where(
    "in your account",
    "Everything you enter is kept in your own account on this BackCare: only you see it, "
    "unless you give a clinician a share code.",
)


def where_kept(choice: StoreChoice) -> Where:
    """Where the diary, results, check and routine are kept, for this store choice."""
    if choice.mode == "demo":
        return Where(
            "in this browser tab",
            "The demo patient lives in this browser tab only: nothing of it is saved.",
        )
    if choice.mode == "browser":
        return _BROWSER
    if choice.mode == "accounts":
        return _ACCOUNT
    if choice.mode == "session" or choice.problem:
        return Where(
            "in this browser tab",
            "Everything you enter stays in this browser tab only: nothing is saved on the "
            "server, and it is gone when you close or reload the tab.",
        )
    if isinstance(choice.store, SqlStore) and choice.store.is_file:
        return Where(
            "on this computer",
            "Everything you enter is kept on this computer, in one file (About and privacy "
            "shows where): nothing is sent anywhere.",
        )
    return Where(
        "in the database of whoever runs this BackCare",
        "Everything you enter is kept in the database set up by whoever runs this BackCare.",
    )


def render_delete_everything(choice: StoreChoice, key: str) -> None:
    """ "Delete everything": every entry, questionnaire result, check, routine and other
    record of this person, after a tick saying it cannot be undone (About, Pain diary).

    In the browser, "Forget everything in this browser" (in the storage notice) does it:
    it deletes the browser's whole database, passphrase included."""
    if choice.mode == "browser":
        return
    count = choice.store.count(choice.owner)
    with st.expander("Delete everything", icon=":material/delete_forever:"):
        st.write(
            f"This deletes all {count} diary {'entry' if count == 1 else 'entries'} and "
            "everything else kept "
            f"{where_kept(choice).place}: your questionnaire results, warning-sign checks, "
            "doctor visits, your routine and its plan. It cannot be undone. Download a copy "
            "(JSON, which holds all of it) first if you may want it later."
        )
        sure = st.checkbox("I understand that it will all be gone for good", key=f"{key}_sure")
        if st.button("Delete everything", type="primary", disabled=not sure, key=f"{key}_delete"):
            try:
                removed = choice.store.delete_all(choice.owner)
            except ValueError as exc:  # StorageError
                st.error(f"Nothing was deleted: {exc}")
            else:
                for held in (UNDO_KEY, UNSAVED_RECORDS_KEY):
                    st.session_state.pop(held, None)
                clear_unsaved()
                st.success(
                    f"Deleted {removed} {'entry' if removed == 1 else 'entries'} and every "
                    "result, check and routine. Nothing is kept any more."
                )


def storage_notice(choice: StoreChoice) -> None:
    """Say plainly where the diary lives. Shown on every diary view."""
    if choice.mode == "browser":
        _browser_notice(choice)
    elif choice.mode == "demo":
        st.info(
            "Demo data: this diary belongs to a made-up patient and lives in this browser "
            "tab only. Anything you change here is thrown away when you switch the demo "
            "off or reset it. Your own diary is not shown and not touched.",
            icon=":material/theater_comedy:",
        )
    elif choice.problem:
        st.warning(
            "Your saved diary could not be opened or written, so for now entries are kept "
            "in this browser tab only. Export them before you close the tab. The reason:",
            icon=":material/warning:",
        )
        st.text(choice.problem)
    elif choice.mode == "accounts":
        st.info(
            "Your diary, results and routine are kept in your own account, in this "
            "clinic's database. Only you can see them. A clinician sees them only once "
            "you give them a share code (Account and sharing), and no longer once you "
            "withdraw it.",
            icon=":material/account_circle:",
        )
    elif choice.mode == "session":
        st.info(
            "Your diary, results and routine live in this browser tab only. Nothing is "
            "saved on the server, and they are gone when you close or reload the tab. Use "
            "Export (JSON) to keep a copy and Import to bring it back.",
            icon=":material/tab:",
        )
        if visitor_mode()[0] == "accounts":  # clinic mode, signed out: sign in right here
            sign_in_panel(sign_in_state(), "notice")
    elif isinstance(choice.store, SqlStore) and choice.store.is_file:
        st.info(
            "Your diary, results and routine are saved on this computer, in the file below. "
            "They stay there: nothing is sent anywhere. Export a copy now and then as a "
            "backup.",
            icon=":material/save:",
        )
        st.code(choice.store.location, language=None, wrap_lines=True)
    else:
        st.info(
            "Your diary, results and routine are saved in the database below, set up by "
            "whoever runs this BackCare. Export a copy now and then as a backup.",
            icon=":material/database:",
        )
        st.code(choice.store.location, language=None, wrap_lines=True)


def export(store: Store, owner: str, fmt: Format) -> bytes:
    """The file ``fmt`` of everything ``owner`` keeps: CSV holds the diary entries only;
    JSON holds everything (entries, chart marks, questionnaire results with their answers,
    the check, the routine, doctor visits), so it moves a person between storage modes."""
    return _write(fmt, _contents(store, owner, fmt))


def _contents(store: Store, owner: str, fmt: Format) -> tuple[list[Any], ...]:
    """What ``export`` writes, read from the store (lists, each taken at once)."""
    if fmt == "csv":
        return (store.list(owner),)
    return (
        store.list(owner),
        store.events(owner),
        store.screenings(owner),
        kept_records(store, owner),
    )


def _write(fmt: Format, contents: tuple[list[Any], ...]) -> bytes:
    if fmt == "csv":
        return to_csv(contents[0])
    entries, events, screenings, kept = contents
    return to_json(entries, events=events, screenings=screenings, records=kept)


_MIME = {"csv": "text/csv", "json": "application/json"}


def download_diary(
    place: Any, label: str, fmt: Format, choice: StoreChoice, *, disabled: bool
) -> None:
    """A button that downloads ``export(fmt)`` (``place``: ``st`` or a column).

    The file is written only when the button is clicked, from the store and owner of this
    run (Streamlit runs the callable in a thread without the script's context). What the
    browser store keeps is taken now (lists it has at hand): its mirror may change under
    that thread."""
    store, owner = choice.store, choice.owner
    if isinstance(store, BrowserStore):
        contents = _contents(store, owner, fmt)

        def data() -> bytes:
            return _write(fmt, contents)
    else:

        def data() -> bytes:
            return export(store, owner, fmt)

    place.download_button(
        label,
        data=data,
        file_name=f"backcare-diary-{date.today().isoformat()}.{fmt}",
        mime=_MIME[fmt],
        icon=":material/download:",
        on_click="ignore",
        disabled=disabled,
    )


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _frames(
    cache_key: str, owner: str, revision: int, _store: Store
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Chart frames, keyed by store, owner and the owner's revision counter."""
    return _load_frames(_store, owner)


def _load_frames(store: Store, owner: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from backcare.diary.frames import events_frame, screenings_frame

    screenings = store.screenings(owner)
    return (
        store.frame(owner),
        events_frame(store.events(owner), screenings),
        screenings_frame(screenings),
    )


def chart_frames(choice: StoreChoice) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(entries, events, screenings) frames; reloaded only after the diary changes.

    SQL diaries are cached server-side by store, owner and revision. A tab-only diary is
    cached in its own session state, so no copy of it outlives the tab on the server.
    """
    revision = choice.store.revision(choice.owner)
    if choice.mode in ("sql", "accounts"):
        return _frames(choice.cache_key, choice.owner, revision, choice.store)
    # Keyed by the store too: the demo store and the tab's own store count separately.
    key = (id(choice.store), choice.owner, revision)
    cached = st.session_state.get(SESSION_FRAMES_KEY)
    if cached is None or cached[0] != key:
        cached = (key, _load_frames(choice.store, choice.owner))
        st.session_state[SESSION_FRAMES_KEY] = cached
    return cached[1]
