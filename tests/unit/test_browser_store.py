"""The "this browser" store without a browser: the mirror's half of the channel, the
BrowserStore over it, and what only it does with kept records.

The browser half is played by tests/support/fake_browser.py, which speaks the component's
messages; the real component is tested in Chromium (tests/e2e/test_browser_store.py).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.browser_mirror import CHUNK_BYTES, REFUSALS, BrowserMirror, explain
from backcare.browser_store import BROWSER_OWNER, ENTRY, BrowserStore
from backcare.diary.model import Entry
from tests.support.fake_browser import FakeBrowser, settle
from tests.unit.browser_support import settled_browser_store

T0 = datetime(2024, 3, 1, 8, 0)


@pytest.fixture(autouse=True)
def _fresh_profiles():
    FakeBrowser.reset()
    yield
    FakeBrowser.reset()


def msg(mirror: BrowserMirror, number: int, **body) -> dict:
    return {"m": number, "nonce": mirror.nonce, **body}


def loaded(records: dict | None = None) -> BrowserMirror:
    """A mirror whose browser has answered with ``records`` ({(kind, id): value})."""
    mirror = BrowserMirror()
    rows = [{"kind": k, "id": i, "value": v} for (k, i), v in (records or {}).items()]
    mirror.receive(
        [
            msg(mirror, 1, type="status", state="open", encrypted=False, secure=True),
            msg(mirror, 2, type="chunk", load=1, index=0, count=1, records=rows),
        ]
    )
    assert mirror.status == "ready" and mirror.ack == 2
    return mirror


# --------------------------------------------------------------------------- the channel


def test_the_first_run_asks_for_the_load_and_waits():
    mirror = BrowserMirror()
    assert mirror.status == "connecting" and not mirror.loaded
    data = mirror.data()
    assert data["load"] == {"id": 1, "want": 0}
    assert data["ops"] == [] and data["ack"] == 0 and data["unsaved"] is False
    assert data["chunk_bytes"] == CHUNK_BYTES < 25 * 1024 * 1024  # server.maxWidgetStateSize


def test_chunks_are_asked_for_one_by_one_and_put_together():
    mirror = BrowserMirror()
    first = [{"kind": "entry", "id": "a", "value": {"n": 1}}]
    mirror.receive([msg(mirror, 1, type="chunk", load=1, index=0, count=2, records=first)])
    assert mirror.status == "connecting" and mirror.data()["load"] == {"id": 1, "want": 1}
    second = [{"kind": "event", "id": "b", "value": {"n": 2}}]
    mirror.receive([msg(mirror, 2, type="chunk", load=1, index=1, count=2, records=second)])
    assert mirror.status == "ready" and mirror.data()["load"] is None
    assert mirror.view("entry") == {"a": {"n": 1}} and mirror.view("event") == {"b": {"n": 2}}


def test_records_that_are_not_records_are_left_out_of_the_load():
    mirror = loaded()
    mirror.receive([msg(mirror, 3, type="changed")])
    junk = [{"kind": 1, "id": "x", "value": {}}, {"kind": "entry", "id": "y", "value": [1]}, 7]
    good = {"kind": "entry", "id": "z", "value": {"pain": 1}}
    mirror.receive([msg(mirror, 4, type="chunk", load=2, index=0, count=1, records=[*junk, good])])
    assert mirror.view("entry") == {"z": {"pain": 1}}


def test_repeats_and_messages_for_another_session_are_ignored():
    mirror = loaded()
    mirror.put("entry", "x", {"pain": 1})
    done = msg(mirror, 3, type="done", seqs=[1], ok=True)
    mirror.receive([done, done])  # sent again before the acknowledgement arrived
    mirror.receive([{**done, "m": 4, "nonce": "a session before a server restart"}])
    assert mirror.records == {"entry": {"x": {"pain": 1}}} and mirror.ack == 3
    mirror.receive("not a list")
    mirror.receive([{"m": "5"}, None])
    assert mirror.ack == 3


def test_a_save_is_saved_only_after_the_browser_confirms_it():
    mirror = loaded()
    mirror.put("entry", "x", {"pain": 1}, notice="Saved in this browser: pain 1.")
    assert mirror.view("entry") == {"x": {"pain": 1}}
    assert mirror.state("entry", "x") == "saving" and mirror.unsaved and mirror.unsent
    assert mirror.data()["ops"] == [
        {"seq": 1, "op": "put", "kind": "entry", "id": "x", "value": {"pain": 1}}
    ]
    assert mirror.data()["unsaved"] is True and not mirror.unsent
    assert mirror.take_confirmations() == []
    mirror.receive([msg(mirror, 3, type="done", seqs=[1], ok=True)])
    assert mirror.state("entry", "x") == "saved" and not mirror.unsaved
    assert mirror.data()["ops"] == []
    assert mirror.take_confirmations() == ["Saved in this browser: pain 1."]


@pytest.mark.parametrize("error", sorted(REFUSALS))
def test_a_refused_write_stays_in_the_tab_with_the_reason(error):
    mirror = loaded({("entry", "old"): {"pain": 0}, ("entry", "gone"): {"pain": 9}})
    mirror.put("entry", "x", {"pain": 1}, notice="Saved in this browser.")
    mirror.put("entry", "y", {"pain": 2})
    mirror.delete("entry", "gone")
    mirror.receive([msg(mirror, 3, type="done", seqs=[1], ok=False, error=error, message="no")])
    assert mirror.status == "unavailable" and mirror.loaded
    assert mirror.problem == REFUSALS[error] and mirror.error == f"{error}: no"
    states = {rid: mirror.state("entry", rid) for rid in mirror.view("entry")}
    assert states == {"old": "saved", "x": "this tab only", "y": "this tab only"}
    assert mirror.take_confirmations() == []  # never "saved" for what was not
    mirror.put("entry", "z", {"pain": 3})  # later writes go straight to the tab
    assert mirror.data()["ops"] == [] and mirror.unsaved
    assert sorted(rid for _, rid, _ in mirror.held()) == ["x", "y", "z"]
    mirror.retry()
    ops = mirror.data()["ops"]
    assert [(op["op"], op["id"]) for op in ops] == [
        ("put", "x"),
        ("put", "y"),
        ("delete", "gone"),
        ("put", "z"),
    ]
    assert mirror.data()["load"] == {"id": 2, "want": 0} and mirror.status == "connecting"


def test_an_unknown_refusal_still_says_something():
    assert explain("SomethingNewError") == explain(None) == "this browser refused to keep the data"


@pytest.mark.parametrize("state", ["unavailable", "error"])
def test_storage_refused_at_open_makes_the_tab_keep_writes(state):
    mirror = BrowserMirror()
    mirror.receive([msg(mirror, 1, type="status", state=state, error="SecurityError")])
    assert mirror.status == "unavailable" and mirror.loaded and mirror.data()["load"] is None
    mirror.put("entry", "a", {"pain": 4})
    assert mirror.state("entry", "a") == "this tab only"


def test_giving_up_waiting_keeps_writes_in_the_tab_and_a_late_answer_changes_nothing():
    clock = iter([0.0, 6.0]).__next__
    mirror = BrowserMirror(clock=clock)
    assert mirror.waited == 6.0
    mirror.give_up()
    assert mirror.status == "unavailable" and "this tab only" in mirror.problem
    mirror.put("entry", "a", {"pain": 4})
    mirror.receive([msg(mirror, 1, type="status", state="open")])
    mirror.receive([msg(mirror, 2, type="chunk", load=1, index=0, count=1, records=[])])
    assert mirror.status == "unavailable" and mirror.view("entry") == {"a": {"pain": 4}}


def test_forget_clears_everything_at_once_and_for_good_once_confirmed():
    mirror = loaded({("entry", "old"): {"pain": 0}, ("record:check", "b:1"): {"x": 1}})
    mirror.put("entry", "x", {"pain": 1})
    mirror.forget()
    assert mirror.view("entry") == {} and mirror.view("record:check") == {}
    assert mirror.data()["ops"] == [{"seq": 2, "op": "forget"}]  # the waiting put is dropped
    assert not mirror.unsaved
    mirror.receive([msg(mirror, 3, type="done", seqs=[2], ok=True, verified=True)])
    assert mirror.records == {} and mirror.forgotten is True
    assert mirror.take_notices() == ["Everything BackCare kept in this browser is deleted."]


@pytest.mark.parametrize("state", ["locked", "wrong_passphrase", "unavailable"])
def test_forget_is_sent_even_while_locked_or_refused(state):
    mirror = BrowserMirror()
    mirror.receive([msg(mirror, 1, type="status", state=state, encrypted=True)])
    mirror.forget()
    assert [op["op"] for op in mirror.data()["ops"]] == ["forget"]
    mirror.receive([msg(mirror, 2, type="done", seqs=[1], ok=True, verified=True)])
    assert mirror.forgotten is True
    assert mirror.loaded  # nothing left to wait for


def test_a_forget_the_browser_refused_brings_the_records_back_and_says_so():
    mirror = loaded({("entry", "old"): {"pain": 0}})
    mirror.forget()
    mirror.receive([msg(mirror, 3, type="done", seqs=[1], ok=False, error="UnknownError")])
    assert mirror.view("entry") == {"old": {"pain": 0}}
    assert mirror.take_notices()[0].startswith("Not deleted:")


def test_another_tab_writing_reloads_without_hiding_the_page():
    mirror = loaded()
    mirror.put("entry", "mine", {"pain": 2})
    mirror.receive([msg(mirror, 3, type="changed")])
    assert mirror.status == "ready" and mirror.refreshing  # the page stays up meanwhile
    assert mirror.data()["load"] == {"id": 2, "want": 0}
    stale = msg(mirror, 4, type="chunk", load=1, index=0, count=1, records=[])
    mirror.receive([stale])
    assert mirror.refreshing
    other = [{"kind": "entry", "id": "theirs", "value": {"pain": 7}}]
    mirror.receive([msg(mirror, 5, type="chunk", load=2, index=0, count=1, records=other)])
    assert not mirror.refreshing
    # The other tab's entry is here, and this tab's unconfirmed one still shows.
    assert mirror.view("entry") == {"theirs": {"pain": 7}, "mine": {"pain": 2}}


def test_a_write_confirmed_while_a_load_comes_in_chunks_is_not_undone_by_it():
    """The browser reads a load's records once; a write it keeps afterwards must outlive
    the load's later chunks (found by the replay test below)."""
    mirror = loaded({("entry", "a"): {"n": 1}})
    mirror.receive([msg(mirror, 3, type="changed")])  # another tab: read everything again
    mirror.put("entry", "a", {"n": 2})
    old = [{"kind": "entry", "id": "a", "value": {"n": 1}}]
    mirror.receive(
        [
            msg(mirror, 4, type="chunk", load=2, index=0, count=2, records=old),
            msg(mirror, 5, type="done", seqs=[1], ok=True),
            msg(mirror, 6, type="chunk", load=2, index=1, count=2, records=[]),
        ]
    )
    assert mirror.view("entry") == {"a": {"n": 2}} and mirror.records["entry"] == {"a": {"n": 2}}


def test_locked_then_a_wrong_passphrase_then_open():
    mirror = BrowserMirror()
    mirror.receive([msg(mirror, 1, type="status", state="locked", encrypted=True)])
    assert mirror.status == "locked" and not mirror.loaded
    mirror.receive([msg(mirror, 2, type="status", state="wrong_passphrase", encrypted=True)])
    assert mirror.status == "wrong_passphrase" and not mirror.loaded
    mirror.receive(
        [
            msg(mirror, 3, type="status", state="open", encrypted=True),
            msg(mirror, 4, type="chunk", load=1, index=0, count=1, records=[]),
        ]
    )
    assert mirror.status == "ready" and mirror.encrypted


def test_choosing_a_passphrase_asks_the_component_and_its_answer_closes_the_form():
    mirror = loaded()
    mirror.ask_passphrase()
    assert mirror.data()["ui"] == "set_passphrase"
    protected = msg(mirror, 3, type="status", state="open", protected_now=True, encrypted=True)
    mirror.receive([protected])
    assert mirror.ui is None and mirror.encrypted
    assert mirror.take_notices() == ["What this browser keeps is now protected by your passphrase."]
    mirror.ask_passphrase()
    mirror.receive([msg(mirror, 4, type="ui", state="closed")])  # the form's Cancel
    assert mirror.ui is None


# --------------------------------------------------------------------------- replay


REPLAY_KINDS = ("entry", "event", "record:x")
KEYS = st.sampled_from([("entry", "a"), ("entry", "b"), ("event", "a"), ("record:x", "me:1")])
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), KEYS, st.integers(0, 9)),
        st.tuples(st.just("delete"), KEYS),
        st.tuples(st.just("answer")),  # the browser answers and Python reads it
        st.tuples(st.just("lost")),  # the browser answers; the message is lost, resent later
        st.tuples(st.just("full")),  # the browser's storage is full from now on
        st.tuples(st.just("space")),  # there is room again
        st.tuples(st.just("retry")),  # the person presses "Try again"
        st.tuples(st.just("other_tab")),  # another tab wrote: read everything again
    ),
    max_size=30,
)


@settings(max_examples=200)
@given(ACTIONS)
def test_any_mix_of_confirmed_lost_and_refused_writes_replays_to_the_same_diary(actions):
    """Whatever the browser confirms, loses or refuses, the page shows every write the
    person made, in order; and once the browser has room and everything is answered, the
    browser keeps exactly that, and a reload reads exactly that back."""
    FakeBrowser.profiles.pop("replay", None)  # a fresh browser for every example
    mirror = BrowserMirror(chunk_bytes=60)  # several chunks per load
    browser = FakeBrowser("replay")
    settle(mirror, browser)
    expected: dict[tuple[str, str], dict] = {}

    def shown() -> dict[tuple[str, str], dict]:
        return {(k, i): v for k in REPLAY_KINDS for i, v in mirror.view(k).items()}

    for action in actions:
        if action[0] == "put":
            value = {"n": action[2]}
            mirror.put(*action[1], value)
            expected[action[1]] = value
        elif action[0] == "delete":
            mirror.delete(*action[1])
            expected.pop(action[1], None)
        elif action[0] == "answer":
            mirror.receive(browser.exchange(mirror.data()))
        elif action[0] == "lost":
            browser.handle(mirror.data())
        elif action[0] == "full":
            browser.refuse = "quota"
        elif action[0] == "space":
            browser.refuse = None
        elif action[0] == "retry":
            if mirror.status == "unavailable":
                mirror.retry()
        else:
            browser.other_tab_wrote()
        assert shown() == expected  # what the page shows: every write, in order

    browser.refuse = None
    settle(mirror, browser)  # a refusal still on its way arrives now
    if mirror.status == "unavailable":
        mirror.retry()
        settle(mirror, browser)
    assert mirror.status == "ready" and not mirror.unsaved
    assert shown() == expected
    assert (browser.stored() or {}) == expected  # what IndexedDB keeps
    again = BrowserMirror()  # a reload: a new session reads the browser's records
    settle(again, FakeBrowser("replay"))
    assert {(k, i): v for k, rows in again.records.items() for i, v in rows.items()} == expected


# --------------------------------------------------------------------------- the store


def test_the_store_reads_what_another_tab_wrote_and_its_own_writes_at_once():
    first = settled_browser_store("tabs")
    first.add(Entry(T0, 4, owner=BROWSER_OWNER, note="from tab one"))
    second = BrowserStore()
    settle(second.mirror, FakeBrowser("tabs"))
    assert [e.note for e in second.list(BROWSER_OWNER)] == ["from tab one"]
    entry = Entry(T0 + timedelta(hours=1), 6, owner=BROWSER_OWNER)
    second.add(entry)  # not confirmed yet, listed already
    assert second.mirror.state("entry", entry.id) == "saving"
    assert second.count(BROWSER_OWNER) == 2 and second.last(BROWSER_OWNER) == entry


def test_an_entry_is_kept_as_the_export_writes_it_without_its_empty_fields():
    store = settled_browser_store()
    entry = Entry(T0, 0, owner="me", flare=True, locations={"neck", "left leg"}, note="a, b")
    store.add(entry)
    (value,) = store.browser.stored().values()
    assert value == {
        "timestamp": "2024-03-01 08:00:00",
        "pain": 0,
        "flare": True,
        "locations": ["left leg", "neck"],
        "note": "a, b",
        "owner": "me",
    }
    assert ENTRY.decode_all([(entry.id, value)]) == {entry.id: entry}


def test_records_that_do_not_read_back_are_left_alone_and_counted():
    FakeBrowser.profiles.clear()
    browser = FakeBrowser("odd")
    good = Entry(T0, 3, owner=BROWSER_OWNER)
    browser.db.records = {
        ("entry", good.id): ENTRY.encode(good),
        ("entry", "bad-pain"): {"timestamp": "2024-03-01 09:00:00", "pain": 99, "owner": "b"},
        ("entry", "bad-time"): {"timestamp": "soon", "pain": 1, "owner": BROWSER_OWNER},
        ("screening", "s1"): {"owner": BROWSER_OWNER, "instrument": "sf36"},
        ("record:check", "x"): {"owner": BROWSER_OWNER},
    }
    store = BrowserStore()
    settle(store.mirror, browser)
    assert store.list(BROWSER_OWNER) == [good]
    assert store.screenings(BROWSER_OWNER) == []
    assert store.records(BROWSER_OWNER, "check") == []
    assert store.unreadable == {
        ("entry", "bad-pain"),
        ("entry", "bad-time"),
        ("screening", "s1"),
        ("record:check", "x"),
    }
    assert len(browser.stored()) == 5  # nothing was rewritten or dropped


def test_an_entry_timed_after_the_servers_clock_still_reads_back():
    """A server whose clock or time zone moved back must not hide saved entries."""
    later = Entry(datetime.now() + timedelta(days=2), 5, owner=BROWSER_OWNER)
    assert ENTRY.decode_all([(later.id, ENTRY.encode(later))]) == {later.id: later}


def test_a_refused_save_lists_the_entries_kept_in_the_tab():
    store = settled_browser_store("full")
    kept = Entry(T0, 2, owner=BROWSER_OWNER)
    store.add(kept)
    store.browser.refuse = "quota"
    held = Entry(T0 + timedelta(hours=1), 7, owner=BROWSER_OWNER)
    store.add(held)
    assert store.mirror.status == "unavailable"
    assert store.held_entries(BROWSER_OWNER) == [held]
    assert store.list(BROWSER_OWNER) == [kept, held]  # nothing shown is dropped
    assert store.browser.stored() == {("entry", kept.id): ENTRY.encode(kept)}
    store.browser.refuse = None
    store.mirror.retry()
    settle(store.mirror, store.browser)
    assert store.held_entries(BROWSER_OWNER) == []
    assert len(store.browser.stored()) == 2


def test_unconfirmed_writes_reach_the_chart_frame_and_the_revision():
    store = BrowserStore(loaded())
    before = store.revision(BROWSER_OWNER)
    store.add(Entry(T0, 5, owner=BROWSER_OWNER))
    assert store.revision(BROWSER_OWNER) != before
    assert list(store.frame(BROWSER_OWNER)["pain"]) == [5]
    outside = store.revision(BROWSER_OWNER)
    store.mirror.receive([msg(store.mirror, 3, type="changed")])
    store.mirror.receive([msg(store.mirror, 4, type="chunk", load=2, index=0, count=1, records=[])])
    assert store.revision(BROWSER_OWNER) != outside  # another tab's change counts too


def test_a_ten_year_diary_loads_in_chunks_under_the_limit():
    entries = [Entry(T0 + timedelta(hours=6 * i), i % 11, owner=BROWSER_OWNER) for i in range(1460)]
    browser = FakeBrowser("years")
    browser.db.records = {("entry", e.id): ENTRY.encode(e) for e in entries}
    store = BrowserStore(BrowserMirror(chunk_bytes=20_000))
    sizes: list[int] = []
    for _ in range(50):
        msgs = browser.exchange(store.mirror.data())
        sizes += [len(json.dumps(m)) for m in msgs if m["type"] == "chunk"]
        store.mirror.receive(msgs)
        if store.mirror.status == "ready":
            break
    assert len(sizes) > 3 and max(sizes) < 21_000
    assert store.count(BROWSER_OWNER) == 1460 and store.list(BROWSER_OWNER) == entries


# --------------------------------------------------------------------------- kept records
# The contract (order, replacing, deleting, bad records) runs over every store in
# tests/unit/test_storage.py; these are what only the browser store does.


def test_kept_records_and_answers_come_back_in_a_new_tab_of_the_same_browser():
    store = settled_browser_store("kept")
    first = store.put_record(BROWSER_OWNER, "check", {"v": 1, "level": "urgent"})
    store.put_record(BROWSER_OWNER, "check", {"v": 1, "level": "routine"})
    again = store.put_record(
        BROWSER_OWNER, "check", {"v": 1, "level": "x"}, record_id=first.record_id
    )
    store.put_record(BROWSER_OWNER, "routine", {"v": 1}, record_id="current")
    store.add_screening(BROWSER_OWNER, "peg", T0, 5.0, {"band": "mid"}, answers=(5, 4, 6))
    tab = BrowserStore()
    settle(tab.mirror, FakeBrowser("kept"))
    checks = tab.records(BROWSER_OWNER, "check")
    assert [r.payload["level"] for r in checks] == ["routine", "x"]  # the order written
    assert checks[-1] == again and checks[-1].saved_at.tzinfo is not None
    assert [r.record_id for r in tab.records(BROWSER_OWNER, "routine")] == ["current"]
    (peg,) = tab.screenings(BROWSER_OWNER)
    assert peg.answers == (5, 4, 6) and peg.details == {"band": "mid"}


def test_a_record_the_browser_refused_is_held_in_the_tab_and_still_read():
    store = settled_browser_store("full")
    store.put_record(BROWSER_OWNER, "check", {"v": 1, "level": "routine"})
    store.browser.refuse = "quota"
    held = store.put_record(BROWSER_OWNER, "check", {"v": 1, "level": "emergency"})
    assert store.mirror.status == "unavailable"
    assert store.held_records(BROWSER_OWNER) == [held]
    assert store.records(BROWSER_OWNER, "check")[-1] == held  # what the pages read
    assert len(store.browser.stored()) == 1
    store.browser.refuse = None
    store.mirror.retry()
    settle(store.mirror, store.browser)
    assert store.held_records(BROWSER_OWNER) == []
    assert len(store.browser.stored()) == 2


def test_forget_and_delete_all_leave_no_record_behind():
    store = settled_browser_store("gone")
    store.add(Entry(T0, 2, owner=BROWSER_OWNER))
    store.put_record(BROWSER_OWNER, "check", {"v": 1})
    store.put_record(BROWSER_OWNER, "doctor_seen", {"v": 1}, record_id="c1")
    assert store.delete_all(BROWSER_OWNER) == 1
    assert store.browser.stored() == {}
    store.put_record(BROWSER_OWNER, "routine", {"v": 1}, record_id="current")
    store.mirror.forget()
    settle(store.mirror, store.browser)
    assert store.records(BROWSER_OWNER, "routine") == [] and not store.browser.stored()


def test_a_kept_payload_that_is_no_object_reads_back_empty_as_in_the_other_stores():
    browser = FakeBrowser("odd-record")
    browser.db.records = {
        ("record:check", "browser:a"): {
            "owner": BROWSER_OWNER,
            "record_id": "a",
            "saved_at": "2024-03-01T08:00:00+00:00",
            "seq": 1,
            "payload": ["not", "an", "object"],
        }
    }
    store = BrowserStore()
    settle(store.mirror, browser)
    (record,) = store.records(BROWSER_OWNER, "check")
    assert record.payload == {} and record.record_id == "a"
