"""backcare.diary: entry validation, import problems by row, export safety, round trips."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.diary import io as diary_io
from backcare.diary.frames import (
    ENTRY_COLUMNS,
    EVENT_COLUMNS,
    FRAME_COLUMNS,
    SCREENING_COLUMNS,
    entries_frame,
    events_frame,
    screenings_frame,
)
from backcare.diary.io import (
    EXPORT_COLUMNS,
    MAX_IMPORT_BYTES,
    DiaryImportError,
    read_entries,
    to_csv,
    to_json,
)
from backcare.diary.model import FUTURE_TOLERANCE, LOCATIONS, QUALITIES, Entry, Event, Screening

T0 = datetime(2024, 3, 1, 8, 30)
NOW = datetime(2024, 6, 1, 12, 0)

# (keyword arguments that break an entry, the field the message must name)
BAD_ENTRIES = [
    ({"pain": 11}, "pain"),
    ({"pain": -1}, "pain"),
    ({"pain": 3.5}, "pain"),
    ({"pain": True}, "pain"),
    ({"pain": "5"}, "pain"),
    ({"flare": "yes"}, "flare"),
    ({"medication_taken": 1}, "medication_taken"),
    ({"exercised": None}, "exercised"),
    ({"locations": {"knee"}}, "locations"),
    ({"locations": "neck"}, "locations"),
    ({"qualities": {"tingling"}}, "qualities"),
    ({"sleep_hours": 25}, "sleep_hours"),
    ({"sleep_hours": -1}, "sleep_hours"),
    ({"sleep_hours": float("nan")}, "sleep_hours"),
    ({"sleep_quality": 11}, "sleep_quality"),
    ({"activity_minutes": 1441}, "activity_minutes"),
    ({"exercise_minutes": -5}, "exercise_minutes"),
    ({"mood": 12}, "mood"),
    ({"peg_pain": 11}, "peg_pain"),
    ({"peg_enjoyment": -1}, "peg_enjoyment"),
    ({"peg_activity": 2.5}, "peg_activity"),
    ({"note": "x" * 2001}, "note"),
    ({"note": 5}, "note"),
    ({"medication": "x" * 201}, "medication"),
    ({"timestamp": "2024-01-01"}, "timestamp"),
    ({"timestamp": datetime(1800, 1, 1)}, "timestamp"),
    ({"owner": ""}, "owner"),
    ({"id": ""}, "id"),
    ({"id": "=HYPERLINK(1)"}, "id"),
    ({"id": "-1+1"}, "id"),
    ({"id": "x" * 65}, "id"),
]


@pytest.mark.parametrize(("changes", "field_name"), BAD_ENTRIES)
def test_a_bad_value_raises_value_error_naming_the_field(changes, field_name):
    kwargs = {"timestamp": T0, "pain": 3, **changes}
    with pytest.raises(ValueError, match=field_name):
        Entry(**kwargs)


def test_a_full_entry_keeps_its_values_and_drops_microseconds():
    entry = Entry(
        timestamp=T0.replace(microsecond=123),
        pain=4,
        flare=True,
        locations={"neck", "lower back"},
        qualities=["aching"],
        sleep_hours=7,
        mood=6,
        peg_pain=4,
        peg_enjoyment=5,
        peg_activity=6,
        note="walked",
    )
    assert entry.timestamp == T0
    assert entry.locations == frozenset({"neck", "lower back"})
    assert entry.qualities == frozenset({"aching"})
    assert entry.sleep_hours == 7.0
    assert entry.peg_score == 5.0  # mean of the three items (Krebs 2009)


def test_a_timezone_aware_time_becomes_naive_local_time():
    aware = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert Entry(aware, 3).timestamp == aware.astimezone().replace(tzinfo=None)


def test_a_date_without_time_means_midnight():
    assert Entry(date(2024, 3, 1), 3).timestamp == datetime(2024, 3, 1)


def test_same_as_copies_everything_but_id_and_time():
    first = Entry(T0, 6, flare=True, medication_taken=True, note="bad day")
    later = first.same_as(T0 + timedelta(hours=3))
    assert later.id != first.id
    assert later.timestamp == T0 + timedelta(hours=3)
    assert (later.pain, later.flare, later.medication_taken, later.note) == (
        6,
        True,
        True,
        "bad day",
    )


@pytest.mark.parametrize(
    ("flags", "label"),
    [
        ({}, "Fri 01 Mar 2024, 08:30 · pain 3"),
        ({"flare": True}, "Fri 01 Mar 2024, 08:30 · pain 3 · flare"),
        (
            {"flare": True, "medication_taken": True, "exercised": True},
            "Fri 01 Mar 2024, 08:30 · pain 3 · flare, medication, exercises",
        ),
    ],
)
def test_describe_names_the_marks_in_words_and_never_the_note(flags, label):
    entry = Entry(T0, 3, note="private words", **flags)
    assert entry.describe() == label


# --------------------------------------------------------------------------- import


# (file text, expected problems as (row, words in the reason))
CSV_PROBLEMS = [
    ("date,pain,colour\n2024-01-01,3,red\n", [(1, "unknown column 'colour'")]),
    ("date,note\n2024-01-01,hi\n", [(1, "'pain' is missing")]),
    ("pain,note\n3,hi\n", [(1, "'date' is missing")]),
    ("date,pain\n2024-01-01,11\n", [(2, "pain 11 is outside 0-10")]),
    ("date,pain\n2024-01-01,-1\n", [(2, "outside 0-10")]),
    ("date,pain\n2024-01-01,2.5\n", [(2, "outside 0-10")]),
    ("date,pain\n2024-01-01,lots\n", [(2, "pain must be a number")]),
    ("date,pain\n2024-01-01,\n", [(2, "pain is missing")]),
    ("date,pain\nyesterday,3\n", [(2, "unreadable date 'yesterday'")]),
    ("date,pain\n31/01/2024,3\n", [(2, "unreadable date")]),
    ("date,pain\n2024-06-02,3\n", [(2, "in the future")]),
    ("date,pain\n2024-01-01,3\n2024-01-01,3\n", [(3, "duplicate of row 2")]),
    ("date,pain,flare\n2024-01-01,3,maybe\n", [(2, "flare must be yes or no")]),
    ("date,pain,locations\n2024-01-01,3,knee\n", [(2, "locations: unknown choice knee")]),
    ("date,pain\n2024-01-01,3,extra\n", [(2, "3 cells but the header has 2")]),
    (
        "date,pain\n2024-01-01,11\nnope,2\n2024-01-02,4\n2099-01-01,1\n",
        [(2, "outside 0-10"), (3, "unreadable date"), (5, "in the future")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CSV_PROBLEMS)
def test_every_bad_row_is_reported_by_number_and_reason(text, expected):
    with pytest.raises(DiaryImportError) as caught:
        read_entries(text.encode(), format="csv", now=NOW)
    problems = caught.value.problems
    assert [p.row for p in problems] == [row for row, _ in expected]
    for problem, (_, words) in zip(problems, expected, strict=True):
        assert words in problem.reason
        assert words in str(caught.value)
    assert str(caught.value).startswith("Nothing was imported")


def test_an_id_that_looks_like_a_formula_is_refused_on_import():
    data = b"id,date,pain\n=cmd|' /C calc'!A0,2024-01-01,3\n"
    with pytest.raises(DiaryImportError, match="Row 2: id must be"):
        read_entries(data, format="csv", now=NOW)


def test_import_error_is_a_value_error():
    assert issubclass(DiaryImportError, ValueError)


# (file text, expected (timestamp, pain, note) of each entry)
CSV_GOOD = [
    ("date,pain\n2024-01-01,3\n", [(datetime(2024, 1, 1), 3, "")]),
    ("Date,Pain,Note\n2024-01-01 08:15,0,fine\n", [(datetime(2024, 1, 1, 8, 15), 0, "fine")]),
    (
        'date,pain,note\n2024-01-01T21:00:00,10,"worst, ever"\n',
        [(datetime(2024, 1, 1, 21), 10, "worst, ever")],
    ),
    (
        "\ufeffdate,pain\n2024-01-01,3\n\n2024-01-02,4\n",
        [(datetime(2024, 1, 1), 3, ""), (datetime(2024, 1, 2), 4, "")],
    ),
    ("date,pain,note\n2024-01-01,3,'=keep\n", [(datetime(2024, 1, 1), 3, "'=keep")]),
    ("date,pain\n2024-06-01 12:05,3\n", [(datetime(2024, 6, 1, 12, 5), 3, "")]),  # clock skew
]


@pytest.mark.parametrize(("text", "expected"), CSV_GOOD)
def test_the_simple_date_pain_note_form_is_read(text, expected):
    entries = read_entries(text.encode(), format="csv", now=NOW)
    assert [(e.timestamp, e.pain, e.note) for e in entries] == expected


JSON_PROBLEMS = [
    (b"{not json", "not valid JSON"),
    (b'{"a": 1}', 'an object with an "entries" list'),
    (b"[1, 2]", "each entry must be an object"),
    (b'[{"date": "2024-01-01", "pain": 3, "mood_colour": "red"}]', "unknown column"),
    (b'[{"date": "2024-01-01", "pain": 30}]', "outside 0-10"),
    (b'[{"date": 5, "pain": 3}]', "unreadable date"),
    (b'[{"date": "2024-01-01", "pain": 3, "note": ["a"]}]', "note must be text"),
]


@pytest.mark.parametrize(("data", "words"), JSON_PROBLEMS)
def test_bad_json_is_explained(data, words):
    with pytest.raises(DiaryImportError, match=words):
        read_entries(data, format="json", now=NOW)


def test_json_in_the_simple_form_is_read():
    data = b'[{"date": "2024-01-01", "pain": 3, "note": "ok"}]'
    (entry,) = read_entries(data, format="json", now=NOW)
    assert (entry.timestamp, entry.pain, entry.note) == (datetime(2024, 1, 1), 3, "ok")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"date,pain\n", "no entries"),
        (b"\xff\xfe\x00d", "not UTF-8"),
        (b"date,pain\x00\n", "NUL"),
        (b"x" * (MAX_IMPORT_BYTES + 1), "the limit is 5 MB"),
    ],
)
def test_unusable_files_get_a_clear_message(data, words):
    with pytest.raises(DiaryImportError, match=words):
        read_entries(data, format="csv", now=NOW)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        read_entries(b"date,pain\n", format="xlsx")  # type: ignore[arg-type]


def test_the_owner_is_set_on_import():
    (entry,) = read_entries(b"date,pain\n2024-01-01,3\n", format="csv", owner="abc", now=NOW)
    assert entry.owner == "abc"


# ------------------------------------------------- fast paths agree with the checked path
# read_entries reads a plain valid CSV one column at a time, and other rows with a cheaper
# per-row check; anything unusual goes the fully checked way. These cases pin that the
# result (entries, or every problem with its row number and reason) is the same either way.


def _outcome(data: bytes, fmt: str) -> tuple:
    """What a person sees: the entries (content, owner, typed values), or the problems."""
    try:
        entries = read_entries(data, format=fmt, owner="someone", now=NOW)
    except DiaryImportError as exc:
        return ("problems", [(p.row, p.reason) for p in exc.problems])
    return (
        "entries",
        [(e.content_key(), [type(v) for v in e.content_key()], e.owner) for e in entries],
    )


def _checked_only(data: bytes, fmt: str) -> tuple:
    """The same read with both fast paths switched off (every row fully checked)."""

    def slow(self, record):
        raise ValueError("checked path")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diary_io, "_plain_csv_entries", lambda *args: None)
        patch.setattr(diary_io._FastRows, "build", slow)
        return _outcome(data, fmt)


# (case, file text) for the CSV fast paths' edge cases.
FAST_PATH_CSV = [
    ("plain", "date,pain\n2024-01-01,3\n2024-01-02,4\n"),
    ("no final newline", "date,pain\n2024-01-01,3\n2024-01-02,4"),
    ("CRLF", "date,pain\r\n2024-01-01,3\r\n2024-01-02,4\r\n"),
    ("lone CR", "date,pain\r2024-01-01,3\r2024-01-02,4\r"),
    ("BOM", "\ufeffdate,pain,note\n2024-01-01,3,ok\n"),
    ("blank lines", "date,pain\n\n2024-01-01,3\n\n\n2024-01-02,11\n"),
    ("whitespace-only row", "date,pain\n  ,  \n2024-01-01,3\n2024-01-02,x\n"),
    ("spaces around cells", "date,pain\n 2024-01-01 , 3 \n2024-01-02,12\n"),
    (
        "note with comma, quote, newline",
        'date,pain,note\n2024-01-01,3,"a, ""b""\nc"\n2024-01-02,-1\n',
    ),
    ("stray quote mid-cell", 'date,pain,note\n2024-01-01,3,say "hi"\n'),
    ("pain 0 and 10", "date,pain\n2024-01-01,0\n2024-01-02,10\n"),
    ("float pain 5.0", "date,pain\n2024-01-01,5.0\n2024-01-02,5\n"),
    ("float pain 5.5", "date,pain\n2024-01-01,5.5\n2024-01-02,5\n"),
    ("pain spelled oddly", "date,pain\n2024-01-01,05\n2024-01-02,+4\n2024-01-03,1e0\n"),
    ("dates with times", "date,pain\n2024-01-01T08:30,3\n2024-01-01 21:15:59,4\n"),
    ("microseconds", "date,pain\n2024-01-01 08:30:00.999,3\n2024-01-01 08:30:00,3\n"),
    ("time zones", "date,pain\n2024-01-01T08:30Z,3\n2024-01-01T08:30+02:00,4\n"),
    ("too old", "date,pain\n1899-12-31,3\n2024-01-01,4\n"),
    ("future and clock skew", "date,pain\n2024-06-01 12:09,3\n2024-06-01 12:11,4\n"),
    ("same time, different note", "date,pain,note\n2024-01-01,3,a\n2024-01-01,3,b\n"),
    ("duplicate", "date,pain,note\n2024-01-01,3,a\n2024-01-01 00:00,3.0,a\n"),
    ("short and long rows", "date,pain,note\n2024-01-01,3\n2024-01-02\n2024-01-03,3,a,b\n"),
    ("guard kept without id column", "date,pain,note\n2024-01-01,3,'=1+1\n"),
    ("guard undone with id column", "id,date,pain,note\nabc,2024-01-01,3,'=1+1\n"),
    ("repeated id", "id,date,pain\nabc,2024-01-01,3\nabc,2024-01-02,4\n"),
    ("medication column", "date,pain,medication\n2024-01-01,3,ibuprofen\n"),
    ("long note", "date,pain,note\n2024-01-01,3," + "n" * 2001 + "\n2024-01-02,3,ok\n"),
    ("note at the limit", "date,pain,note\n2024-01-01,3," + "n" * 2000 + "\n"),
    (
        "details",
        "date,pain,flare,locations,sleep_hours,mood,exercise_minutes\n"
        "2024-01-01,3,yes,neck;Lower Back,7.5,4,30\n2024-01-02,3,,,,,\n"
        "2024-01-03,3,no,knee,25,11,30.5\n2024-01-04,3,x,neck,nan,1e400,1441\n",
    ),
    ("header only", "date,pain\n"),
    ("mixed good and bad", "date,pain\n2024-01-01,3\nnope,4\n2024-01-03,3\n2099-01-01,2\n"),
]


@pytest.mark.parametrize(("case", "text"), FAST_PATH_CSV, ids=[c for c, _ in FAST_PATH_CSV])
def test_the_fast_csv_import_matches_the_checked_path(case, text):
    data = text.encode()
    assert _outcome(data, "csv") == _checked_only(data, "csv")


FAST_PATH_JSON = [
    ("plain", [{"date": "2024-01-01", "pain": 3, "note": "ok"}]),
    ("float pain", [{"date": "2024-01-01", "pain": 5.0}, {"date": "2024-01-02", "pain": "5"}]),
    ("bool pain", [{"date": "2024-01-01", "pain": True}]),
    (
        "big numbers",
        [{"date": "2024-01-01", "pain": 3, "activity_minutes": 10**400, "mood": 10**400}],
    ),
    (
        "missing keys",
        [{"date": "2024-01-01", "pain": 3, "flare": True}, {"date": "2024-01-02", "pain": 3}],
    ),
    ("choices as list", [{"date": "2024-01-01", "pain": 3, "qualities": ["Stiff", " aching"]}]),
    ("wrong types", [{"date": "2024-01-01", "pain": 3, "flare": 2, "note": 5, "locations": 1}]),
    ("duplicate", [{"date": "2024-01-01", "pain": 3}, {"date": "2024-01-01", "pain": 3}]),
]


@pytest.mark.parametrize(("case", "items"), FAST_PATH_JSON, ids=[c for c, _ in FAST_PATH_JSON])
def test_the_fast_json_import_matches_the_checked_path(case, items):
    data = json.dumps(items).encode()
    assert _outcome(data, "json") == _checked_only(data, "json")


fast_cells = st.sampled_from(
    [
        "2024-01-01",
        "2024-01-01 08:30",
        "2024-01-01T08:30Z",
        "1800-01-01",
        "2099-01-01",
        "3",
        "0",
        "10",
        "5.0",
        "5.5",
        " 4",
        "",
        "  ",
        "yes",
        "neck",
        "'=1",
        'a "b"',
        "x",
    ]
)
fast_rows = st.lists(st.lists(fast_cells, min_size=1, max_size=4), max_size=6)


@settings(max_examples=150)
@given(
    st.sampled_from(["date,pain", "date,pain,note", "id,date,pain", "date,pain,flare,locations"]),
    fast_rows,
    st.sampled_from(["\n", "\r\n"]),
)
def test_random_files_read_the_same_on_the_fast_and_checked_paths(header, body, newline):
    data = (header + newline + newline.join(",".join(r) for r in body)).encode()
    assert _outcome(data, "csv") == _checked_only(data, "csv")


def test_a_large_plain_file_is_read_whole_with_every_row_in_order():
    start = datetime(2020, 1, 1)
    lines = [f"{start + timedelta(hours=i):%Y-%m-%d %H:%M},{i % 11},n{i}" for i in range(5000)]
    data = ("date,pain,note\n" + "\n".join(lines) + "\n").encode()
    entries = read_entries(data, format="csv", now=NOW)
    assert [(e.timestamp, e.pain, e.note) for e in entries] == [
        (start + timedelta(hours=i), i % 11, f"n{i}") for i in range(5000)
    ]
    assert len({e.id for e in entries}) == 5000
    assert all(e.owner == "local" for e in entries)


def test_a_large_file_with_one_bad_row_names_that_row_only():
    lines = [f"{datetime(2020, 1, 1) + timedelta(hours=i):%Y-%m-%d %H:%M},3" for i in range(5000)]
    lines[4321] = "2020-07-01 00:00,12"
    data = ("date,pain\n" + "\n".join(lines) + "\n").encode()
    with pytest.raises(DiaryImportError) as caught:
        read_entries(data, format="csv", now=NOW)
    assert [(p.row, p.reason) for p in caught.value.problems] == [
        (4323, "pain 12 is outside 0-10 (whole numbers only)")
    ]


def test_fast_entries_behave_like_checked_ones():
    (fast,) = read_entries(b"date,pain,note\n2024-01-01 08:30,4,hi\n", format="csv", now=NOW)
    built = Entry(timestamp=datetime(2024, 1, 1, 8, 30), pain=4, note="hi", id=fast.id)
    assert fast == built and hash(fast) == hash(built)
    assert repr(fast) == repr(built)
    with pytest.raises(AttributeError):
        fast.pain = 5  # type: ignore[misc]
    assert fast.same_as(T0).pain == 4


def test_the_garbage_collector_is_running_again_after_an_import():
    import gc

    read_entries(b"date,pain\n2024-01-01,3\n", format="csv", now=NOW)
    with pytest.raises(DiaryImportError):
        read_entries(b"date,pain\n2024-01-01,33\n", format="csv", now=NOW)
    assert gc.isenabled()


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize(
    ("note", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'quoted", "''quoted"),
        ("plain = fine", "plain = fine"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(note, cell):
    data = to_csv([Entry(T0, 3, note=note, medication=note)])
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    assert rows[0]["note"] == cell
    assert rows[0]["medication"] == cell
    (back,) = read_entries(data, format="csv", now=NOW)
    assert back.note == note


def test_export_is_sorted_oldest_first_with_the_documented_columns():
    entries = [Entry(T0 + timedelta(days=1), 5), Entry(T0, 3)]
    rows = list(csv.DictReader(io.StringIO(to_csv(entries).decode(), newline="")))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    # The file format people keep: today's header, so a change to it is a decision.
    assert ",".join(EXPORT_COLUMNS) == (
        "id,timestamp,pain,flare,medication_taken,exercised,locations,qualities,sleep_hours,"
        "sleep_quality,activity_minutes,exercise_minutes,medication,mood,peg_pain,"
        "peg_enjoyment,peg_activity,note"
    )
    assert [r["pain"] for r in rows] == ["3", "5"]
    payload = json.loads(to_json(entries))
    assert payload["format"] == "backcare-diary"
    assert [e["pain"] for e in payload["entries"]] == [3, 5]


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
entries_strategy = st.builds(
    Entry,
    timestamp=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2024, 5, 31)),
    pain=st.integers(0, 10),
    flare=st.booleans(),
    medication_taken=st.booleans(),
    exercised=st.booleans(),
    locations=st.frozensets(st.sampled_from(LOCATIONS)),
    qualities=st.frozensets(st.sampled_from(QUALITIES)),
    sleep_hours=st.none() | st.floats(0, 24, allow_nan=False),
    sleep_quality=st.none() | st.integers(0, 10),
    activity_minutes=st.none() | st.integers(0, 1440),
    exercise_minutes=st.none() | st.integers(0, 1440),
    medication=texts,
    mood=st.none() | st.integers(0, 10),
    peg_pain=st.none() | st.integers(0, 10),
    peg_enjoyment=st.none() | st.integers(0, 10),
    peg_activity=st.none() | st.integers(0, 10),
    note=texts,
)


def _unique(entries: list[Entry]) -> list[Entry]:
    seen: dict[tuple, Entry] = {}
    for e in entries:
        seen.setdefault(e.content_key(), e)
    return sorted(seen.values(), key=lambda e: e.timestamp)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entries_strategy, min_size=1, max_size=8).map(_unique))
@pytest.mark.parametrize(("write", "fmt"), [(to_csv, "csv"), (to_json, "json")])
def test_export_then_import_gives_the_same_entries(write, fmt, entries):
    back = read_entries(write(entries), format=fmt, now=NOW)
    assert sorted(back, key=lambda e: e.id) == sorted(entries, key=lambda e: e.id)


@settings(max_examples=150)
@given(st.binary(max_size=300), st.sampled_from(["csv", "json"]))
def test_random_bytes_never_crash_the_import(data, fmt):
    try:
        entries = read_entries(data, format=fmt, now=NOW)
    except DiaryImportError as exc:
        assert exc.problems
    else:
        assert all(isinstance(e, Entry) for e in entries)


cells = st.sampled_from(["2024-01-01", "2024-13-01", "x", "3", "11", "-2", "", "yes", "=1", '"'])
rows = st.lists(st.lists(cells, min_size=1, max_size=4), max_size=6)


@settings(max_examples=150)
@given(st.sampled_from(["date,pain", "date,pain,note", "timestamp,pain,flare", "date,bad"]), rows)
def test_malformed_rows_raise_import_error_and_nothing_else(header, body):
    text = header + "\n" + "\n".join(",".join(r) for r in body)
    try:
        read_entries(text.encode(), format="csv", now=NOW)
    except DiaryImportError as exc:
        assert exc.problems


# --------------------------------------------------------------------------- frames


def test_entries_frame_has_the_contract_columns_and_dtypes():
    entries = [
        Entry(T0 + timedelta(days=1), 5, exercised=True, exercise_minutes=20, mood=6),
        Entry(T0, 3, sleep_hours=6.5),
    ]
    frame = entries_frame(entries)
    assert dict(frame.dtypes.astype(str)) == FRAME_COLUMNS
    assert list(frame["pain"]) == [3, 5]
    assert frame["exercise_minutes"].isna().tolist() == [True, False]
    assert frame["sleep_hours"].tolist()[0] == 6.5


def test_an_empty_diary_gives_an_empty_frame_with_the_same_dtypes():
    frame = entries_frame([])
    assert frame.empty
    assert dict(frame.dtypes.astype(str)) == FRAME_COLUMNS


def test_events_and_screenings_frames():
    events = [Event("local", date(2024, 3, 5), "Routine started")]
    screenings = [Screening("local", "oswestry", datetime(2024, 3, 1, 9), 32)]
    ev = events_frame(events, screenings)
    assert list(ev["label"]) == ["Screening done", "Routine started"]
    assert ev["date"].dtype == "datetime64[ns]"
    sc = screenings_frame(screenings)
    assert sc.to_dict("records") == [
        {"date": pd.Timestamp("2024-03-01 09:00"), "instrument": "oswestry", "score": 32.0}
    ]
    assert sc["score"].dtype == "float64"
    assert events_frame([]).empty and screenings_frame([]).empty


@pytest.mark.parametrize(
    ("later", "refused"),
    [(timedelta(0), False), (FUTURE_TOLERANCE, False), (FUTURE_TOLERANCE + timedelta(1), True)],
)
def test_a_new_entry_may_not_be_timed_in_the_future(later, refused):
    """The future-time rule lives on the model: clock drift up to FUTURE_TOLERANCE is fine."""
    entry = Entry(NOW + later, 3)
    if refused:
        with pytest.raises(ValueError, match="in the future"):
            entry.check_not_future(NOW)
    else:
        assert entry.check_not_future(NOW) is entry


def test_the_frames_carry_the_columns_analytics_reads():
    """One home for the column lists: what the builders make is what analytics checks."""
    assert set(ENTRY_COLUMNS) <= set(entries_frame([]).columns)
    assert tuple(events_frame([]).columns) == EVENT_COLUMNS
    assert tuple(screenings_frame([]).columns) == SCREENING_COLUMNS


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"instrument": "sf36"}, "instrument"),
        ({"score": float("inf")}, "score"),
        ({"details": {"x": object()}}, "details"),
    ],
)
def test_bad_screenings_are_refused(kwargs, words):
    base = {"owner": "local", "instrument": "peg", "taken_at": T0, "score": 4.0}
    with pytest.raises(ValueError, match=words):
        Screening(**{**base, **kwargs})


def test_an_event_needs_a_label():
    with pytest.raises(ValueError, match="label"):
        Event("local", date(2024, 1, 1), "  ")


def test_several_screenings_on_one_day_make_one_chart_mark():
    screenings = [
        Screening("local", name, datetime(2024, 3, 1, hour), 3)
        for hour, name in ((9, "start_back"), (9, "oswestry"), (10, "peg"))
    ] + [Screening("local", "peg", datetime(2024, 3, 8, 9), 2)]
    ev = events_frame([], screenings)
    assert list(ev["label"]) == ["Screening done", "Screening done"]
    assert list(ev["date"]) == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-08")]


def test_a_plain_csv_over_the_row_limit_is_refused_before_any_row_is_read():
    """The whole-file fast path honours the row limit like the checked path."""
    from backcare.diary.io import MAX_IMPORT_ROWS

    rows = (
        f"2020-01-01 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},{i % 11}\n"
        for i in range(MAX_IMPORT_ROWS + 1)
    )
    data = ("date,pain\n" + "".join(rows)).encode()
    with pytest.raises(DiaryImportError) as caught:
        read_entries(data, format="csv")
    assert "more than 100,000 entries" in caught.value.problems[0].reason
