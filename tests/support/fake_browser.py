"""A Python stand-in for the browser half of the "this browser" store (the component's
``backcare/ui/browser_component.js`` and IndexedDB), for tests that run no JavaScript:
unit tests of the mirror and AppTest page tests.

It speaks the component's messages (``backcare.browser_mirror``) with the same rules: a
status is sent only when it changes, messages are numbered and sent again until Python
acknowledges them, a write is confirmed once it is "in IndexedDB", the load comes in
chunks of ``data["chunk_bytes"]``, "Forget everything" works when locked or refused, and a
new ``nonce`` (a server restart under the page) starts the channel afresh.

Browser profiles are a class-level dict (``FakeBrowser.profiles``): two fakes of one
profile are two tabs (or a reload) of one browser; another profile is another browser.

Under AppTest put one in session state before the first run:
``at.session_state[BROWSER_TRANSPORT_KEY] = FakeBrowser("alice")``. The frame then hands
it each run's data instead of mounting the component, and its answers reach the *next*
run, as a real browser's do.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

Key = tuple[str, str]
Refusal = Literal["open", "quota", "hang"] | None


@dataclass
class Profile:
    """One browser profile's IndexedDB for BackCare (None: no database at all)."""

    records: dict[Key, dict[str, Any]] | None = None
    passphrase: str | None = None  # set: what is kept is "encrypted"


@dataclass
class FakeBrowser:
    profile: str = "default"
    refuse: Refusal = None  # "open": storage off; "quota": writes refused; "hang": no answer
    secure: bool = True  # WebCrypto offered (https or localhost)
    profiles: ClassVar[dict[str, Profile]] = {}
    last_data: dict[str, Any] | None = None  # the latest data a script run sent
    unlocked: bool = False
    _nonce: str | None = None
    _next: int = 1
    _outbox: list[dict[str, Any]] = field(default_factory=list)
    _applied: int = 0
    _answered: tuple[int, int] | None = None
    _loaded: tuple[int, list[list[dict[str, Any]]]] | None = None
    _status: str | None = None
    _wrong: bool = False

    @classmethod
    def reset(cls) -> None:
        cls.profiles.clear()

    @property
    def db(self) -> Profile:
        return self.profiles.setdefault(self.profile, Profile())

    def stored(self) -> dict[Key, dict[str, Any]] | None:
        """What this profile's IndexedDB holds (None: no database)."""
        return copy.deepcopy(self.db.records)

    # ------------------------------------------------------------------ the channel

    def take(self) -> list[dict[str, Any]]:
        """Every message Python has not acknowledged yet (sent again until it has)."""
        return copy.deepcopy(self._outbox)

    def exchange(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Handle one run's data and return the answer at once (for unit tests)."""
        self.handle(data)
        return self.take()

    def handle(self, data: dict[str, Any]) -> None:
        """What the component does with a script run's data."""
        data = json.loads(json.dumps(data))  # only JSON crosses, as in a browser
        self.last_data = data
        if data["nonce"] != self._nonce:  # a new Python session: the channel starts again
            self._nonce, self._next, self._applied = data["nonce"], 1, 0
            self._outbox, self._answered, self._status, self._loaded = [], None, None, None
        self._outbox = [m for m in self._outbox if m["m"] > data.get("ack", 0)]
        if self.refuse == "hang":
            return
        ops = [op for op in data.get("ops", []) if op["seq"] > self._applied]
        if self.refuse == "open":
            self._post_status("unavailable", error="SecurityError", message="storage is off")
            self._forget_only(ops)
            return
        if self.db.passphrase and not self.unlocked:
            if not self._wrong:
                self._post_status("locked")
            self._forget_only(ops)
            return
        self._post_status("open")
        load = data.get("load")
        if load and self._answered != (load["id"], load["want"]):
            self._answered = (load["id"], load["want"])
            if self._loaded is None or self._loaded[0] != load["id"]:
                # One read per load, split once: later chunks come from the same snapshot.
                budget = data.get("chunk_bytes") or 4_000_000
                self._loaded = (load["id"], _chunks(self.db.records or {}, budget))
            chunks = self._loaded[1]
            index = load["want"]
            self._post(
                type="chunk",
                load=load["id"],
                index=index,
                count=len(chunks),
                records=chunks[index] if index < len(chunks) else [],
            )
        if ops:
            self._apply(ops)

    # ------------------------------------------------------------------ the person

    def type_passphrase(self, passphrase: str) -> None:
        """The component's own form: a wrong one says so and changes nothing."""
        if passphrase == self.db.passphrase:
            self.unlocked, self._wrong = True, False
            self._status = None  # "open" is said at the next call
        else:
            self._wrong = True
            self._post_status("wrong_passphrase")

    def protect(self, passphrase: str) -> None:
        """The component's form to choose a passphrase, filled in and sent."""
        self.db.passphrase = passphrase
        self.unlocked = True
        self._post(type="status", state="open", encrypted=True, protected_now=True)
        self._status = "open"

    def other_tab_wrote(self) -> None:
        """Another tab of this browser profile wrote something (BroadcastChannel)."""
        self._loaded = None
        self._post(type="changed")

    # ------------------------------------------------------------------ inside

    def _apply(self, ops: list[dict[str, Any]]) -> None:
        self._applied = max(op["seq"] for op in ops)
        batch: list[dict[str, Any]] = []
        for op in ops:
            if op["op"] == "forget":
                self._write(batch)
                batch = []
                self._forget(op)
            else:
                batch.append(op)
        self._write(batch)

    def _write(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        seqs = [op["seq"] for op in batch]
        if self.refuse == "quota" and any(op["op"] == "put" for op in batch):
            self._post(
                type="done",
                seqs=seqs,
                ok=False,
                error="QuotaExceededError",
                message="The quota has been exceeded.",
            )
            return
        records = self.db.records if self.db.records is not None else {}
        for op in batch:
            key = (op["kind"], op["id"])
            if op["op"] == "put":
                records[key] = copy.deepcopy(op["value"])
            else:
                records.pop(key, None)
        self.db.records = records
        self._post(type="done", seqs=seqs, ok=True)

    def _forget(self, op: dict[str, Any]) -> None:
        self.profiles[self.profile] = Profile()
        self.unlocked, self._wrong = False, False
        self._post(type="done", seqs=[op["seq"]], ok=True, verified=True)

    def _forget_only(self, ops: list[dict[str, Any]]) -> None:
        """Locked or refused: "Forget everything" still runs, and what follows it."""
        first = next((i for i, op in enumerate(ops) if op["op"] == "forget"), None)
        if first is not None:
            self._apply(ops[first:])

    def _post_status(self, state: str, **extra: Any) -> None:
        if self._status != state:
            self._status = state
            self._post(
                type="status",
                state=state,
                encrypted=bool(self.db.passphrase),
                secure=self.secure,
                **extra,
            )

    def _post(self, **msg: Any) -> None:
        msg |= {"m": self._next, "nonce": self._nonce}
        self._next += 1
        self._outbox.append(msg)


def _chunks(records: dict[Key, dict[str, Any]], budget: int) -> list[list[dict[str, Any]]]:
    """The records in chunks of at most ``budget`` bytes of JSON (at least one each)."""
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for (kind, record_id), value in records.items():
        rec = {"kind": kind, "id": record_id, "value": copy.deepcopy(value)}
        n = len(json.dumps(rec)) + 1
        if size + n > budget and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(rec)
        size += n
    return chunks


def settle(mirror: Any, fake: FakeBrowser, rounds: int = 20) -> None:
    """Run the channel until it is quiet: the browser answers, Python reads the answer."""
    for _ in range(rounds):
        msgs = fake.exchange(mirror.data())
        before = mirror.ack
        mirror.receive(msgs)
        if mirror.ack == before:
            return
    raise AssertionError("the channel did not settle")
