"""Everything a person keeps goes into BackCare's JSON file and comes back from it, so
nothing is lost moving between storage modes (to_json, read_kept, storage.add_kept)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from backcare import records
from backcare.diary.io import DiaryImportError, Kept, read_entries, read_kept, to_csv, to_json
from backcare.diary.model import Entry
from backcare.records import CheckRecord, DoctorSeen, RoutineRecord, SignsChecked
from backcare.routine import Profile, build_routine
from backcare.screening import triage
from backcare.storage import SessionStore, Store, add_kept
from tests.unit.stores import STORE_KINDS, made_store

WHEN = datetime(2025, 3, 3, 10, 15)
NOW = datetime(2025, 6, 1, 12, 0)


@pytest.fixture(params=STORE_KINDS)
def other_store(request, tmp_path) -> Store:
    with made_store(request.param, tmp_path) as made:
        yield made


def _everything(store: Store, owner: str) -> None:
    """A person's whole diary and kept records: three entries, an event, two results with
    answers, an emergency check, the doctor's visit, a routine and a confirmation."""
    store.add_many(
        Entry(datetime(2025, 3, day, 8), pain, owner=owner, note=f"day {day} <b>'")
        for day, pain in ((1, 6), (2, 5), (3, 4))
    )
    store.add_event(owner, date(2025, 3, 2), "Routine started")
    store.add_screening(owner, "peg", WHEN, 5.0, {}, answers=(5, 4, 6))
    store.add_screening(
        owner,
        "oswestry",
        WHEN.replace(minute=20),
        34.0,
        {"band": "moderate"},
        answers=(2, 2, 2, 2, 2, 2, 2, 2, 1, None),
    )
    check = CheckRecord.from_triage(triage({"saddle_numbness"}, age=61), WHEN)
    put = store.put_record(owner, records.CHECK, check.to_payload())
    seen = DoctorSeen(date(2025, 3, 4), "A&E, all clear", put.record_id)
    store.put_record(owner, records.DOCTOR_SEEN, seen.to_payload(), record_id=put.record_id)
    routine = RoutineRecord.from_routine(build_routine(Profile(age=61)), date(2025, 3, 5))
    store.put_record(owner, records.ROUTINE, routine.to_payload(), record_id=records.CURRENT)
    confirmed = SignsChecked(datetime(2025, 3, 5, 9)).to_payload()
    store.put_record(owner, records.SIGNS_CHECKED, confirmed, record_id=records.CURRENT)


def _export(store: Store, owner: str) -> bytes:
    return to_json(
        store.list(owner),
        events=store.events(owner),
        screenings=store.screenings(owner),
        records=[
            (r.kind, r.record_id, r.payload)
            for kind in records.KINDS
            for r in store.records(owner, kind)
        ],
    )


def _what(store: Store, owner: str) -> tuple:
    """Everything the person would see, without owner or database ids."""
    return (
        [e.content_key() for e in store.list(owner)],
        [(e.date, e.label) for e in store.events(owner)],
        [
            (s.instrument, s.taken_at, s.score, dict(s.details), s.answers)
            for s in store.screenings(owner)
        ],
        {
            kind: [(r.record_id, r.payload) for r in store.records(owner, kind)]
            for kind in records.KINDS
        },
    )


def test_everything_moves_from_a_tab_to_this_computer_and_back(other_store):
    tab = SessionStore()
    _everything(tab, "tab-1")
    data = _export(tab, "tab-1")
    entries = read_entries(data, format="json", owner="local", now=NOW)
    kept = read_kept(data, owner="local")
    assert len(kept) == 1 + 2 + 4
    assert other_store.add_many(entries) == 3
    assert (
        add_kept(
            other_store,
            "local",
            events=kept.events,
            screenings=kept.screenings,
            records=kept.records,
        )
        == 7
    )
    assert _what(other_store, "local") == _what(tab, "tab-1")
    # Importing the same file again adds nothing and replaces nothing.
    assert other_store.add_many(read_entries(data, format="json", owner="local", now=NOW)) == 0
    assert (
        add_kept(
            other_store,
            "local",
            events=kept.events,
            screenings=kept.screenings,
            records=kept.records,
        )
        == 0
    )
    assert _what(other_store, "local") == _what(tab, "tab-1")


def test_an_import_never_replaces_the_current_routine(other_store):
    _everything(other_store, "local")
    mine = other_store.records("local", records.ROUTINE)
    older = RoutineRecord.from_routine(build_routine(Profile(age=30, minutes=10)), date(2024, 1, 1))
    kept = read_kept(to_json([], records=[(records.ROUTINE, records.CURRENT, older.to_payload())]))
    assert add_kept(other_store, "local", records=kept.records) == 0
    assert other_store.records("local", records.ROUTINE) == mine


def test_the_json_file_says_what_it_holds():
    tab = SessionStore()
    _everything(tab, "tab-1")
    whole = json.loads(_export(tab, "tab-1"))
    assert whole["format"] == "backcare-diary" and whole["version"] == 2
    assert [len(whole[k]) for k in ("entries", "events", "screenings", "records")] == [3, 1, 2, 4]
    assert whole["screenings"][0]["answers"] == [5, 4, 6]
    assert {r["kind"] for r in whole["records"]} == {
        "check",
        "doctor_seen",
        "routine",
        "signs_checked",
    }
    # The owner of the tab is nowhere in it.
    assert "tab-1" not in json.dumps(whole)


def test_csv_holds_entries_only():
    entries = [Entry(WHEN, 3, owner="local")]
    assert b"saddle" not in to_csv(entries)
    assert read_kept(to_csv(entries)) == Kept()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[]",
        b'{"entries": []}',
        json.dumps({"format": "backcare-diary", "version": 1, "entries": []}).encode(),
        "\ufeff{}".encode(),
    ],
)
def test_a_file_without_kept_items_gives_none(data):
    assert read_kept(data) == Kept()


@pytest.mark.parametrize(
    ("whole", "words"),
    [
        ({"events": {}}, '"events" must be a list'),
        ({"events": [1]}, "Chart mark 1: must be an object"),
        ({"events": [{"date": "tomorrow", "label": "x"}]}, "Chart mark 1: date"),
        ({"events": [{"date": "2025-01-01", "label": ""}]}, "Chart mark 1: label"),
        ({"screenings": [{"instrument": "sf36"}]}, "Questionnaire result 1: unknown"),
        (
            {"screenings": [{"instrument": "peg", "taken_at": "2025-01-01", "score": "high"}]},
            "Questionnaire result 1: score",
        ),
        (
            {
                "screenings": [
                    {"instrument": "peg", "taken_at": "2025-01-01", "score": 1, "answers": "5,5,5"}
                ]
            },
            "Questionnaire result 1: answers",
        ),
        (
            {"records": [{"kind": "check", "record_id": "=cmd", "payload": {}}]},
            "Record 1: record_id",
        ),
        ({"records": [{"kind": "check", "record_id": "a", "payload": []}]}, "Record 1: payload"),
        ({"records": [{"record_id": "a", "payload": {}}]}, "Record 1: kind"),
    ],
)
def test_every_bad_kept_item_is_named(whole, words):
    with pytest.raises(DiaryImportError, match=words):
        read_kept(json.dumps(whole).encode())
