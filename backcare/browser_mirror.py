"""This tab's copy of what the visitor's browser keeps for BackCare, and the writes on their
way there: the Python half of the "this browser" store. Plain Python (standard library
only: every page's frame uses it, and the home page must start light).

The browser half is ``backcare/ui/browser_component.js``: IndexedDB, WebCrypto and the
passphrase form, inside a ``st.components.v2`` component that every page mounts first.

What IndexedDB holds is a set of records, each keyed by (kind, id) with a JSON object as
its value; this module knows nothing about what the kinds mean (``backcare.browser_store``
does). A ``BrowserMirror`` holds

- ``records``: what IndexedDB is known to hold: loaded at page start, then every write
  the browser confirmed after its transaction's ``complete`` event;
- ``pending``: writes sent to the browser and not confirmed yet ("saving");
- ``kept_in_tab``: writes the browser refused (storage off, quota reached...): they live
  in this tab only, the page says so and offers Export and "Try again".

What the page reads (``view``) is the records with the pending writes and then the
tab-only ones laid over them, so a write shows at once and nothing shown is ever dropped.

The channel (both directions are JSON):

- Python -> browser: ``data()``, the component's ``data`` on every script run: the
  session's ``nonce``, the ``ack`` (highest message number handled), the chunk of the
  load wanted, the unconfirmed writes (``ops``, numbered by ``seq``, resent until
  confirmed; applying one twice is harmless), whether anything is unsaved (the browser
  warns before the tab closes), the chunk size and what the component should show.
- Browser -> Python: a list of numbered messages (``status``, ``chunk``, ``done``,
  ``changed``, ``ui``), resent until acknowledged; ``receive`` ignores what it has seen
  and what belongs to another session (a page that outlived a server restart).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal[
    "connecting",  # the browser has not answered yet (the first run always sees this)
    "loading",  # the browser answered; what it keeps is on its way, in chunks
    "locked",  # a passphrase protects what it keeps: the component asks for it
    "wrong_passphrase",  # a wrong passphrase was typed; nothing was changed
    "ready",  # everything the browser keeps is here
    "unavailable",  # the browser refuses storage (or was given up on): this tab keeps writes
]
# While one of these holds, a page shows nothing that depends on saved data.
WAITING: frozenset[str] = frozenset({"connecting", "loading", "locked", "wrong_passphrase"})
Key = tuple[str, str]  # (kind, id)
Value = dict[str, Any]

# The load comes in chunks of at most this many bytes of JSON: far below Streamlit's
# server.maxWidgetStateSize (25 MB; a bigger message closes the websocket), so a diary of
# years with long notes still loads.
CHUNK_BYTES = 4_000_000
# What the browser is asked to show: nothing, or the form to choose a passphrase.
UI_SET_PASSPHRASE = "set_passphrase"  # noqa: S105  # nosec B105: a form name, not a secret

# Why the browser refused, in words, by the DOMException name it gave (the one home of
# these words; the technical text is kept apart in ``error``).
REFUSALS: dict[str, str] = {
    "QuotaExceededError": "this browser's storage for BackCare is full",
    "SecurityError": "this browser does not let this site keep data (storage may be "
    "turned off, or the page runs in a mode that forbids it)",
    "InvalidStateError": "this browser does not allow storage in this window (a private "
    "window, in some browsers)",
    "NotSupportedError": "this browser offers no storage BackCare can use",
    "TimeoutError": "this browser did not open its storage in time",
    # Chromium with "Don't allow sites to save data" answers with UnknownError "The user
    # denied permission to access the database." (checked in tests/e2e).
    "UnknownError": "this browser would not open its storage (saving data may be turned "
    "off for this site, or the disk is full)",
}
REFUSED = "this browser refused to keep the data"
NO_ANSWER = "this browser did not answer (its storage, or the page's scripts, may be blocked)"
GAVE_UP = "you chose to continue in this tab only"
SAVED_WAITING = "Saved in this browser: everything this tab was holding."


def explain(error: Any) -> str:
    """A refusal's words for people, from the DOMException name."""
    return REFUSALS.get(str(error or ""), REFUSED)


@dataclass(frozen=True)
class Op:
    """A write on its way: ``put`` a value, ``delete`` a record, or ``forget`` everything."""

    seq: int
    op: Literal["put", "delete", "forget"]
    kind: str = ""
    id: str = ""
    value: Value | None = None
    notice: str | None = None  # said once the browser has confirmed the write

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"seq": self.seq, "op": self.op}
        if self.op != "forget":
            data |= {"kind": self.kind, "id": self.id}
        if self.op == "put":
            data["value"] = self.value
        return data


def _apply(rows: dict[str, Value], op: Op) -> None:
    if op.op == "put" and op.value is not None:
        rows[op.id] = op.value
    else:
        rows.pop(op.id, None)


@dataclass(eq=False)
class BrowserMirror:
    """See the module docstring. One per tab, in ``st.session_state``."""

    chunk_bytes: int = CHUNK_BYTES
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    clock: Callable[[], float] = time.monotonic
    status: Status = "connecting"
    problem: str | None = None  # why this tab keeps writes, in words
    error: str | None = None  # the browser's own words for it ("QuotaExceededError: ...")
    encrypted: bool = False  # a passphrase protects what the browser keeps
    can_encrypt: bool = False  # WebCrypto is there (a secure page: https or localhost)
    refreshing: bool = False  # reading again after another tab wrote; the page stays up
    records: dict[str, dict[str, Value]] = field(default_factory=dict)  # kind -> id -> value
    pending: dict[int, Op] = field(default_factory=dict)  # by seq, oldest first
    kept_in_tab: dict[Key, Value | None] = field(default_factory=dict)  # None: deleted
    notices: list[str] = field(default_factory=list)  # one-off lines about the store
    confirmations: list[str] = field(default_factory=list)  # the notices of confirmed writes
    ui: str | None = None
    ack: int = 0
    load_id: int = 1
    want: int | None = 0  # the chunk of the load wanted next; None: nothing to load
    forgotten: bool | None = None  # after "Forget everything": the browser checked it is gone
    revision: int = 0  # changes whenever what ``view`` shows may have changed
    started: float = 0.0
    _seq: int = 0
    _sent: int = 0  # the highest seq given to the browser in data()
    _chunks: dict[int, list[Any]] = field(default_factory=dict)
    # Writes confirmed while a load is on its way: the browser read the load's records
    # before (or while) it kept them, so they are laid over the load once it is complete.
    _confirmed_since_load: list[Op] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.started = self.clock()

    # ------------------------------------------------------------------ for the page

    @property
    def loaded(self) -> bool:
        """Everything the browser keeps is here, or the browser will not keep anything."""
        return self.status not in WAITING

    @property
    def waited(self) -> float:
        """Seconds since this tab first asked the browser."""
        return self.clock() - self.started

    @property
    def saving(self) -> bool:
        """Some writes wait for the browser's confirmation."""
        return any(op.op != "forget" for op in self.pending.values())

    @property
    def unsaved(self) -> bool:
        """This tab holds writes the browser has not confirmed: warn before it is closed."""
        return self.saving or bool(self.kept_in_tab)

    @property
    def unsent(self) -> bool:
        """Writes queued since the last ``data()``: they go out with the next script run."""
        return any(seq > self._sent for seq in self.pending)

    def view(self, kind: str) -> dict[str, Value]:
        """id -> value for one kind: the records, then pending writes, then tab-only ones."""
        rows = dict(self.records.get(kind, {}))
        for op in self.pending.values():
            if op.op == "forget":
                rows.clear()
            elif op.kind == kind:
                _apply(rows, op)
        for (k, rid), value in self.kept_in_tab.items():
            if k == kind:
                if value is None:
                    rows.pop(rid, None)
                else:
                    rows[rid] = value
        return rows

    def state(self, kind: str, record_id: str) -> str:
        """ "this tab only", "saving" or "saved" for one record shown by ``view``."""
        if (kind, record_id) in self.kept_in_tab:
            return "this tab only"
        if any(op.kind == kind and op.id == record_id for op in self.pending.values()):
            return "saving"
        return "saved"

    def held(self) -> list[tuple[str, str, Value]]:
        """(kind, id, value) of every write kept in this tab only (deletions left out)."""
        return [(k, rid, v) for (k, rid), v in self.kept_in_tab.items() if v is not None]

    def take_confirmations(self) -> list[str]:
        """What writes asked to say once the browser kept them ("Saved in this browser")."""
        taken, self.confirmations = self.confirmations, []
        return taken

    def take_notices(self) -> list[str]:
        taken, self.notices = self.notices, []
        return taken

    # ------------------------------------------------------------------ writes

    def put(self, kind: str, record_id: str, value: Value, *, notice: str | None = None) -> None:
        """Keep ``value`` as record (kind, id); ``notice`` is said once it is confirmed."""
        self._write(Op(0, "put", kind, record_id, value, notice))

    def delete(self, kind: str, record_id: str) -> None:
        self._write(Op(0, "delete", kind, record_id))

    def _write(self, op: Op) -> None:
        self.revision += 1
        if self.status == "unavailable":
            self.kept_in_tab[(op.kind, op.id)] = op.value
        else:
            self._queue(op)

    def forget(self) -> None:
        """Delete the browser's database ("Forget everything in this browser"), and what
        waits in this tab with it. Works when locked or refused too: deleting a database
        needs neither the passphrase nor a working connection."""
        self.revision += 1
        self.kept_in_tab.clear()
        self.pending = {s: op for s, op in self.pending.items() if op.op == "forget"}
        self.forgotten = None
        self._queue(Op(0, "forget"))

    def retry(self) -> None:
        """After a refusal: ask the browser again, with every write this tab holds."""
        waiting, self.kept_in_tab = self.kept_in_tab, {}
        self.status, self.problem, self.error = "connecting", None, None
        self.started = self.clock()
        self._start_load()
        for n, ((kind, record_id), value) in enumerate(waiting.items(), start=1):
            verb: Literal["put", "delete"] = "delete" if value is None else "put"
            notice = SAVED_WAITING if n == len(waiting) else None
            self._queue(Op(0, verb, kind, record_id, value, notice))

    def give_up(self, reason: str = GAVE_UP) -> None:
        """Stop waiting for the browser: this tab keeps what it is given from now on."""
        self._refuse(reason, None)

    def ask_passphrase(self, on: bool = True) -> None:
        """Show (or hide) the component's form to choose a passphrase."""
        self.ui = UI_SET_PASSPHRASE if on else None

    def _queue(self, op: Op) -> None:
        self._seq += 1
        op = Op(self._seq, op.op, op.kind, op.id, op.value, op.notice)
        self.pending[op.seq] = op

    def _start_load(self) -> None:
        self.load_id += 1
        self.want = 0
        self._chunks = {}
        self._confirmed_since_load = []

    # ------------------------------------------------------------------ to the browser

    def data(self) -> dict[str, Any]:
        """The component's ``data`` for this script run."""
        self._sent = max(self.pending, default=self._sent)
        return {
            "nonce": self.nonce,
            "ack": self.ack,
            "load": None if self.want is None else {"id": self.load_id, "want": self.want},
            "ops": [op.as_data() for op in self.pending.values()],
            "unsaved": self.unsaved,
            "chunk_bytes": self.chunk_bytes,
            "ui": self.ui,
        }

    # ------------------------------------------------------------------ from the browser

    def receive(self, msgs: Any) -> None:
        """Handle the browser's messages once each, in order (see the module docstring)."""
        if not isinstance(msgs, list):
            return
        fresh = (m for m in msgs if isinstance(m, dict) and type(m.get("m")) is int)
        for msg in sorted(fresh, key=lambda m: m["m"]):
            if msg.get("nonce") != self.nonce or msg["m"] <= self.ack:
                continue  # for a session before a server restart, or seen already
            self.ack = msg["m"]
            handler = _HANDLERS.get(str(msg.get("type")))
            if handler is not None:
                handler(self, msg)

    def _on_status(self, msg: dict[str, Any]) -> None:
        state = msg.get("state")
        if "encrypted" in msg:
            self.encrypted = bool(msg["encrypted"])
        if "secure" in msg:
            self.can_encrypt = bool(msg["secure"])
        if state == "open":
            if self.status in ("connecting", "locked", "wrong_passphrase"):
                self.status = "loading" if self.want is not None else "ready"
            if msg.get("protected_now"):
                self.ui = None
                self.notices.append("What this browser keeps is now protected by your passphrase.")
        elif state in ("locked", "wrong_passphrase"):
            if self.status != "unavailable":
                self.status = state
        elif state in ("unavailable", "error"):
            self._refuse(explain(msg.get("error")), _technical(msg))
        elif state == "forget_blocked":
            self.notices.append(
                "Another BackCare tab in this browser holds the data open: it is deleted "
                "as soon as that tab is closed or reloaded."
            )
        elif state == "protect_failed":
            self.notices.append(f"Not protected: {explain(msg.get('error'))}.")

    def _on_ui(self, msg: dict[str, Any]) -> None:
        if msg.get("state") == "closed":
            self.ui = None

    def _on_chunk(self, msg: dict[str, Any]) -> None:
        if msg.get("load") != self.load_id or self.want is None:
            return  # an older load's chunk (another tab asked for a new one since)
        index, count = msg.get("index"), msg.get("count")
        if type(index) is not int or type(count) is not int or not 0 <= index < count:
            return
        records = msg.get("records")
        self._chunks[index] = records if isinstance(records, list) else []
        if index + 1 < count:
            self.want = index + 1
            return
        loaded: dict[str, dict[str, Value]] = {}
        for part in range(count):
            for rec in self._chunks.get(part, []):
                if (
                    isinstance(rec, dict)
                    and isinstance(rec.get("kind"), str)
                    and isinstance(rec.get("id"), str)
                    and isinstance(rec.get("value"), dict)
                ):
                    loaded.setdefault(rec["kind"], {})[rec["id"]] = rec["value"]
        for op in self._confirmed_since_load:
            if op.op == "forget":
                loaded = {}
            else:
                _apply(loaded.setdefault(op.kind, {}), op)
        self.records = loaded
        self._chunks = {}
        self._confirmed_since_load = []
        self.want = None
        self.refreshing = False
        self.revision += 1
        if self.status in WAITING:
            self.status = "ready"

    def _on_done(self, msg: dict[str, Any]) -> None:
        seqs = msg.get("seqs")
        ops = [self.pending.pop(s) for s in seqs if s in self.pending] if type(seqs) is list else []
        if not ops:
            return
        if msg.get("ok") is True:
            if self.want is not None:
                self._confirmed_since_load.extend(ops)
            for op in ops:
                if op.op == "forget":
                    self.records = {}
                    self.encrypted = False
                    self.forgotten = msg.get("verified") is not False
                    self.notices.append(
                        "Everything BackCare kept in this browser is deleted."
                        if self.forgotten
                        else "BackCare asked this browser to delete what it kept; the "
                        "browser did not confirm that it is gone."
                    )
                    if self.status in WAITING:
                        self.status, self.want = "ready", None
                else:
                    _apply(self.records.setdefault(op.kind, {}), op)
                    if op.notice:
                        self.confirmations.append(op.notice)
            return
        self.revision += 1
        writes = [op for op in ops if op.op != "forget"]
        if len(writes) < len(ops):
            self.notices.append(f"Not deleted: {explain(msg.get('error'))}.")
        if writes:
            for op in writes:
                self.kept_in_tab[(op.kind, op.id)] = op.value
            self._refuse(explain(msg.get("error")), _technical(msg))

    def _on_changed(self, _msg: dict[str, Any]) -> None:
        """Another tab of this browser wrote or forgot: read everything again, with the page
        left up (a page hidden for a moment would lose what is being typed)."""
        if self.status == "unavailable":
            return
        self._start_load()
        self.refreshing = self.status == "ready"

    def _refuse(self, reason: str, error: str | None) -> None:
        """The browser will not keep data: every unconfirmed write stays in this tab."""
        for op in self.pending.values():
            if op.op != "forget":
                self.kept_in_tab[(op.kind, op.id)] = op.value
        self.pending = {s: op for s, op in self.pending.items() if op.op == "forget"}
        self.status, self.problem, self.error = "unavailable", reason, error
        self.want = None
        self.refreshing = False
        self._chunks = {}
        self._confirmed_since_load = []


def _technical(msg: dict[str, Any]) -> str | None:
    name, text = msg.get("error"), msg.get("message")
    if not name and not text:
        return None
    return ": ".join(str(part)[:300] for part in (name, text) if part)


_HANDLERS: dict[str, Callable[[BrowserMirror, dict[str, Any]], None]] = {
    "status": BrowserMirror._on_status,
    "ui": BrowserMirror._on_ui,
    "chunk": BrowserMirror._on_chunk,
    "done": BrowserMirror._on_done,
    "changed": BrowserMirror._on_changed,
}
