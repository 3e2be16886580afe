"""Hostile and broken input: every parser and entry point gives a clear ValueError or works.

Issue 8, "Hostile and broken input". Covered here:
- diary import (``backcare.diary.read_entries`` then ``SqlStore.add_many``, as the page does):
  random bytes, wrong encodings, a byte order mark, semicolons, spreadsheet date formats,
  a 50 MB file and a million rows. A failing import writes nothing.
- the shared-routine link (``backcare.routine.decode_share``) with any text;
- questionnaire answers (``backcare.screening``) with any Python value;
- education topic files (``backcare.content.parse_topic``) with any text or bytes;
- the same files and links through the pages in AppTest: an error message, never a traceback.

What the import accepts (documented for the README): UTF-8 with or without a byte order
mark, commas between columns, ISO dates (``2026-11-24``, ``2026-11-24 14:30``,
``2026-11-24T14:30:00Z``). Refused with a message that says how to fix it: other
encodings (Latin-1, UTF-16), semicolons, day-first or month-first dates (``24/11/2026`` is
ambiguous), spreadsheet serial numbers, files over 5 MB, more than 100,000 entries.
"""

from __future__ import annotations

import csv
import io
import random
import string
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from backcare import content, routine, screening
from backcare.diary import io as diary_io
from backcare.diary.io import (
    EXPORT_COLUMNS,
    MAX_IMPORT_BYTES,
    DiaryImportError,
    read_entries,
    to_csv,
)
from backcare.diary.model import MAX_NOTE_CHARS, Entry
from backcare.storage import SqlStore
from tests.helpers import APP, app_environment

NOW = datetime(2027, 1, 1, 12, 0)  # a fixed "now", so 2026 dates are in the past
OWNER = "local"
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MB = 1024 * 1024


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def store(tmp_path) -> SqlStore:
    """A real SQLite diary on a temporary file, with one entry already in it."""
    made = SqlStore(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    made.add(Entry(datetime(2026, 1, 1, 8, 0), 4, owner=OWNER, note="already here"))
    return made


def import_file(store: SqlStore, data: bytes, fmt: str) -> int:
    """What the diary page does on "Import entries": read the whole file, then store it."""
    entries = read_entries(data, format=fmt, owner=OWNER, now=NOW)
    return store.add_many(entries)


def assert_clear_failure_or_import(store: SqlStore, data: bytes, fmt: str) -> None:
    """Either every entry is stored, or a DiaryImportError says why and nothing is written."""
    before = store.count(OWNER)
    try:
        added = import_file(store, data, fmt)
    except DiaryImportError as exc:
        assert exc.problems, "a DiaryImportError must list at least one problem"
        assert all(p.reason.strip() for p in exc.problems)
        assert str(exc).startswith("Nothing was imported")
        assert store.count(OWNER) == before, "a failed import wrote entries"
    else:
        assert store.count(OWNER) == before + added


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


# --------------------------------------------------------------------------- diary import

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["2026-11-24", "2026-11-24 14:30", "24/11/2026", "46350", "", "5", "11", "-1", "yes"]
    ),
    st.integers(-5, 15).map(str),
)
column_names = st.one_of(
    st.sampled_from([*EXPORT_COLUMNS, "date", "Date", " pain ", "time"]),
    st.text(max_size=12),
)


@SETTINGS
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(["csv", "json"]))
def test_random_bytes_import_or_fail_clearly_and_write_nothing(store, data, fmt):
    assert_clear_failure_or_import(store, data, fmt)


@SETTINGS
@given(
    header=st.lists(column_names, min_size=1, max_size=6),
    rows=st.lists(st.lists(cells, max_size=7), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "utf-16-le"]),
)
def test_spreadsheet_like_csv_imports_or_fails_clearly(store, header, rows, delimiter, encoding):
    try:
        data = csv_bytes([header, *rows], delimiter=delimiter, encoding=encoding)
    except UnicodeEncodeError:  # text Latin-1 cannot hold: not a file anyone could make
        return
    assert_clear_failure_or_import(store, data, "csv")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@SETTINGS
@given(
    items=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "timestamp": json_values | st.just("2026-11-24 14:30"),
                "pain": json_values | st.integers(0, 10),
                "note": json_values,
                "locations": json_values,
                "flare": json_values,
                "sleep_hours": json_values,
                "id": json_values,
            },
        )
        | json_values,
        max_size=6,
    ),
    wrap=st.booleans(),
)
def test_any_json_imports_or_fails_clearly(store, items, wrap):
    import json

    payload = {"entries": items} if wrap else items
    data = json.dumps(payload).encode()
    assert_clear_failure_or_import(store, data, "json")


def test_deeply_nested_json_is_refused_clearly(store):
    assert_clear_failure_or_import(store, b"[" * 100_000 + b"]" * 100_000, "json")


# What a person's spreadsheet might save, and what happens: (case, file bytes, accepted?,
# words the message must contain when refused).
SPREADSHEET_FILES = [
    ("plain ISO dates", b"date,pain\n2026-11-24,3\n", True, None),
    ("ISO date and time", b"date,pain\n2026-11-24 14:30,3\n", True, None),
    ("ISO with T and Z", b"date,pain\n2026-11-24T14:30:00Z,3\n", True, None),
    (
        "UTF-8 byte order mark (Excel 'CSV UTF-8')",
        b"\xef\xbb\xbfdate,pain\n2026-11-24,3\n",
        True,
        None,
    ),
    ("Windows line ends", b"date,pain,note\r\n2026-11-24,3,ok\r\n", True, None),
    ("day first (ambiguous)", b"date,pain\n24/11/2026,3\n", False, "year-month-day"),
    ("US month first", b"date,pain\n11/24/2026 2:30 PM,3\n", False, "year-month-day"),
    ("Excel serial number", b"date,pain\n46350,3\n", False, "year-month-day"),
    ("Excel serial with time", b"date,pain\n46350.604166,3\n", False, "year-month-day"),
    ("semicolon separators", b"date;pain\n2026-11-24;3\n", False, "semicolons"),
    (
        "Latin-1 note",
        "date,pain,note\n2026-11-24,3,caf\u00e9\n".encode("latin-1"),
        False,
        "not UTF-8",
    ),
    ("UTF-16 with BOM", "date,pain\n2026-11-24,3\n".encode("utf-16"), False, "not UTF-8"),
    ("UTF-16 without BOM", "date,pain\n2026-11-24,3\n".encode("utf-16-le"), False, "not UTF-8"),
    ("a picture renamed .csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", False, "not UTF-8"),
    ("empty", b"", False, "empty"),
    ("header only", b"date,pain\n", False, "no entries"),
    ("pain 11", b"date,pain\n2026-11-24,11\n", False, "outside 0-10"),
    ("pain 4.5", b"date,pain\n2026-11-24,4.5\n", False, "whole numbers"),
    ("future date", b"date,pain\n2030-01-01,3\n", False, "future"),
    ("unclosed quote", b'date,pain,note\n2026-11-24,3,"never closed\n', True, None),
    ("formula in a note", b'date,pain,note\n2026-11-24,3,=HYPERLINK("x")\n', True, None),
]


@pytest.mark.parametrize(
    ("data", "accepted", "words"),
    [case[1:] for case in SPREADSHEET_FILES],
    ids=[case[0] for case in SPREADSHEET_FILES],
)
def test_spreadsheet_files_are_accepted_or_refused_with_a_fix(store, data, accepted, words):
    before = store.count(OWNER)
    if accepted:
        assert import_file(store, data, "csv") >= 1
        assert store.count(OWNER) > before
    else:
        with pytest.raises(DiaryImportError) as caught:
            import_file(store, data, "csv")
        assert words in str(caught.value)
        assert store.count(OWNER) == before


def test_a_formula_in_a_note_is_kept_as_text_and_switched_off_on_export(store):
    import_file(store, b"date,pain,note\n2026-11-24,3,=1+1\n", "csv")
    (entry,) = [e for e in store.list(OWNER) if e.note.startswith("=")]
    assert entry.note == "=1+1"
    assert b",'=1+1" in to_csv([entry])


def test_a_50_mb_file_is_refused_by_size_before_it_is_parsed(store, monkeypatch):
    """50 MB of plausible rows: the size message, and the CSV reader is never started."""
    calls: list[str] = []
    monkeypatch.setattr(diary_io.csv, "reader", lambda *a, **k: calls.append("csv") or iter(()))
    monkeypatch.setattr(diary_io.json, "loads", lambda *a, **k: calls.append("json"))
    row = b"2026-11-24 14:30,3,a note of some length to fill the file up\n"
    data = b"date,pain,note\n" + row * (50 * MB // len(row) + 1)
    assert len(data) >= 50 * MB
    for fmt in ("csv", "json"):
        with pytest.raises(DiaryImportError) as caught:
            import_file(store, data, fmt)
        assert "MB; the limit is 5 MB" in str(caught.value)
    assert calls == [], "a 50 MB file was parsed before the size check"
    assert store.count(OWNER) == 1


def test_just_over_the_size_limit_is_refused_and_exactly_at_it_is_read(store):
    over = b"date,pain\n" + b"\n" * (MAX_IMPORT_BYTES - 9)
    assert len(over) == MAX_IMPORT_BYTES + 1
    with pytest.raises(DiaryImportError, match="the limit is 5 MB"):
        import_file(store, over, "csv")
    # Rows with long notes, the last note trimmed so the file is exactly 5 MB.
    note = "n" * (MAX_NOTE_CHARS - 1)
    first = datetime(2000, 1, 1).timestamp()
    lines, size, i = ["date,pain,note"], len("date,pain,note\n"), 0
    while True:
        line = f"{datetime.fromtimestamp(first + i * 60):%Y-%m-%d %H:%M},1,{note}"
        room = MAX_IMPORT_BYTES - size - 1
        if len(line) >= room:
            lines.append(line[:room])
            break
        lines.append(line)
        size += len(line) + 1
        i += 1
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) == MAX_IMPORT_BYTES
    assert import_file(store, data, "csv") == len(lines) - 1


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("csv", b"date,pain\n" + b"x,1\n" * 1_000_000),  # 4 MB: under the size limit
        ("csv", b"date,pain\n" + b"\n" * 1_000_000),
        ("json", b"[" + b"{}," * 1_000_000 + b"{}]"),
    ],
    ids=["a million short rows", "a million blank lines", "a million JSON objects"],
)
def test_a_million_rows_are_refused_by_the_row_limit_before_any_row_is_checked(
    store, monkeypatch, fmt, data
):
    assert len(data) <= MAX_IMPORT_BYTES
    checked: list[int] = []
    real = diary_io._entry_from_record
    monkeypatch.setattr(
        diary_io, "_entry_from_record", lambda *a, **k: checked.append(1) or real(*a, **k)
    )
    with pytest.raises(DiaryImportError) as caught:
        import_file(store, data, fmt)
    assert caught.value.problems == [diary_io._too_many_rows()]
    assert "100,000 entries" in str(caught.value)
    assert checked == [], "rows were checked one by one before the row limit"
    assert store.count(OWNER) == 1


def test_exactly_the_row_limit_imports_and_one_more_is_refused(monkeypatch):
    """The limit counts entries, not lines: (a smaller limit here keeps the test quick)."""
    monkeypatch.setattr(diary_io, "MAX_IMPORT_ROWS", 300)
    rows = [["date", "pain"]] + [
        [f"2026-01-01 {i // 60:02d}:{i % 60:02d}", "3"] for i in range(301)
    ]
    assert len(read_entries(csv_bytes(rows[:301]), format="csv", now=NOW)) == 300
    with pytest.raises(DiaryImportError, match="more than 300 entries"):
        read_entries(csv_bytes(rows), format="csv", now=NOW)


def test_a_bad_row_in_a_big_file_writes_nothing(store):
    rows = [["date", "pain"]] + [[f"2026-01-{d:02d} 09:00", "3"] for d in range(2, 29)]
    rows.append(["2026-02-01", "eleven"])
    with pytest.raises(DiaryImportError, match="Row 29"):
        import_file(store, csv_bytes(rows), "csv")
    assert store.count(OWNER) == 1


# --------------------------------------------------------------------------- share link


def a_valid_link() -> str:
    return routine.encode_share(routine.build_routine(routine.Profile()))


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_share_link_text_gives_a_routine_or_a_clear_value_error(text):
    try:
        shared = routine.decode_share(text)
    except ValueError as exc:
        assert "This routine link is damaged or out of date" in str(exc)
    else:
        assert shared.items


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from(list("~.0123456789_az-%<> \n\x00"))),
        min_size=1,
        max_size=5,
    )
)
def test_an_edited_share_link_gives_a_routine_or_a_clear_value_error(edits):
    link = list(a_valid_link())
    for position, char in edits:
        link.insert(position % (len(link) + 1), char)
    try:
        shared = routine.decode_share("".join(link))
    except ValueError as exc:
        assert "This routine link is damaged or out of date" in str(exc)
    else:  # whatever a link says, the session stays within the builder's limits
        assert shared.total_minutes <= routine.MAX_MINUTES * (1 + routine.TOLERANCE)


@pytest.mark.parametrize(
    "value",
    [None, 3, b"1~bridge.2.10.0.8", ["1"], "1~" * 5000, "1~" + "~".join(["x.1.1.1.1"] * 41)],
    ids=["None", "int", "bytes", "list", "very long", "too many items"],
)
def test_share_links_of_the_wrong_type_or_size_are_refused(value):
    with pytest.raises(ValueError, match="damaged or out of date"):
        routine.decode_share(value)


# --------------------------------------------------------------------------- questionnaires


class Weird:
    def __index__(self) -> int:
        raise RuntimeError("never asked")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("never compared")

    __hash__ = object.__hash__


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-3, 12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.binary(max_size=5),
    st.decimals(allow_nan=True),
    st.fractions(),
    st.complex_numbers(),
    st.just(Decimal("NaN")),
    st.just(Fraction(7, 2)),
    st.just(date(2026, 1, 1)),
    st.builds(Weird),
    st.lists(st.integers(0, 4), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sets(st.integers(0, 3), max_size=2),
)
answer_lists = st.one_of(
    anything,
    st.lists(anything, max_size=12),
    st.lists(st.integers(-2, 6) | st.none(), min_size=9, max_size=10),
    st.tuples(*[st.integers(0, 5) | anything] * 10),
)


def only_value_error(call) -> None:
    try:
        call()
    except ValueError as exc:
        assert str(exc).strip(), "the message must say what is wrong"


@SETTINGS
@given(answers=answer_lists)
def test_start_back_takes_any_value_and_only_raises_value_error(answers):
    only_value_error(lambda: screening.start_back(answers))


@SETTINGS
@given(answers=answer_lists)
def test_oswestry_takes_any_value_and_only_raises_value_error(answers):
    only_value_error(lambda: screening.oswestry(answers))


@SETTINGS
@given(values=st.tuples(anything | st.integers(0, 10), anything, anything | st.integers(0, 10)))
def test_peg_takes_any_values_and_only_raises_value_error(values):
    only_value_error(lambda: screening.peg_result(*values))
    only_value_error(lambda: screening.peg(*values))


FLAG_IDS = sorted(screening.load_red_flags().flag_ids)


@SETTINGS
@given(
    flags=st.one_of(anything, st.lists(st.sampled_from(FLAG_IDS) | anything, max_size=4)),
    age=anything | st.integers(0, 120),
    weeks=anything,
    improving=anything,
    worsening=anything,
    follow_ups=anything
    | st.dictionaries(st.sampled_from(FLAG_IDS) | st.text(max_size=5), anything | st.text()),
)
def test_triage_takes_any_values_and_only_raises_value_error(
    flags, age, weeks, improving, worsening, follow_ups
):
    only_value_error(
        lambda: screening.triage(
            flags,
            age=age,
            duration_weeks=weeks,
            improving=improving,
            worsening=worsening,
            follow_ups=follow_ups,
        )
    )


@SETTINGS
@given(percent=anything)
def test_oswestry_band_takes_any_value_and_only_raises_value_error(percent):
    only_value_error(lambda: screening.oswestry_band(percent))


# --------------------------------------------------------------------------- content files

GOOD_TOPIC = (content.CONTENT_DIR / "myths.md").read_text(encoding="utf-8")


def parse_text(tmp_path: Path, data: bytes | str, name: str = "myths") -> None:
    path = tmp_path / f"{name}.md"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    try:
        content.parse_topic(path)
    except ValueError as exc:
        assert str(exc).startswith(f"{path.name}: "), f"the message must name the file: {exc}"


@SETTINGS
@given(text=st.text(max_size=400))
def test_any_text_as_a_topic_file_gives_a_topic_or_a_value_error_naming_the_file(tmp_path, text):
    parse_text(tmp_path, text)
    parse_text(tmp_path, "+++\n" + text)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_as_a_topic_file_give_a_value_error_naming_the_file(tmp_path, data):
    parse_text(tmp_path, data)


toml_values = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        [
            '""',
            '"x"',
            "true",
            "[]",
            "[1]",
            '["myths"]',
            "{}",
            "1979-05-27",
            "nan",
            "inf",
            '"../../etc/passwd"',
            '"\\u0000"',
            "[[1]]",
            '"https://x"',
            "3.5",
        ]
    ),
    st.text(string.printable, max_size=15).map(repr),
)


@SETTINGS
@given(
    changes=st.lists(
        st.tuples(st.integers(0, 200), st.sampled_from(["drop", "value", "insert"]), toml_values),
        min_size=1,
        max_size=4,
    )
)
def test_a_mutated_real_topic_gives_a_topic_or_a_value_error_naming_the_file(tmp_path, changes):
    lines = GOOD_TOPIC.splitlines()
    for position, action, value in changes:
        i = position % len(lines)
        if action == "drop":
            del lines[i]
        elif action == "value" and "=" in lines[i]:
            lines[i] = lines[i].split("=", 1)[0] + "= " + value
        else:
            lines.insert(i, random.Random(position).choice(["[1]", f"[{value}]", value]))
    parse_text(tmp_path, "\n".join(lines))


@pytest.mark.parametrize(
    "body",
    ["See [" + "9" * 5000 + "].", "See [99999999999999999999]."],
    ids=["a 5000-digit citation", "a 20-digit citation"],
)
def test_a_huge_citation_number_is_a_value_error_naming_the_file(tmp_path, body):
    front, _ = GOOD_TOPIC.split("+++", 2)[1:]
    text = f"+++{front}+++\n{body} [1] [2] [3] [4] [5]\n"
    path = tmp_path / "myths.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"^myths\.md: "):
        content.parse_topic(path)


# --------------------------------------------------------------------------- pages (AppTest)


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A private SQLite diary for the page and clean Streamlit caches."""
    with app_environment(monkeypatch, tmp_path / "data"):
        yield tmp_path / "data"


def diary_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("pages/4_Pain_diary.py").run()
    assert not at.exception
    return at


def stored_count(data_dir: Path) -> int:
    from backcare.storage import database_url

    return SqlStore(database_url()).count(OWNER)


PAGE_FILES = [
    ("photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
    ("latin1.csv", "date,pain,note\n2026-11-24,3,caf\u00e9\n".encode("latin-1")),
    ("utf16.csv", "date,pain\n2026-11-24,3\n".encode("utf-16")),
    ("semicolons.csv", b"date;pain\n2026-11-24;3\n"),
    ("dayfirst.csv", b"date,pain\n24/11/2026,3\n"),
    ("serial.csv", b"date,pain\n46350,3\n"),
    ("half-good.csv", b"date,pain\n2026-11-24,3\n2026-11-25,12\n"),
    ("million.csv", b"date,pain\n" + b"x,1\n" * 1_000_000),
    ("nested.json", b"[" * 50_000 + b"]" * 50_000),
    ("object.json", b'{"entries": {"a": 1}}'),
    ("script.json", b'[{"date": "2026-11-24", "pain": "<script>alert(1)</script>"}]'),
]


@pytest.mark.parametrize(("name", "data"), PAGE_FILES, ids=[n for n, _ in PAGE_FILES])
def test_the_diary_page_refuses_a_bad_file_with_a_message_and_writes_nothing(app_env, name, data):
    at = diary_page()
    at.file_uploader(key="diary_upload").set_value((name, data, "text/csv")).run()
    next(b for b in at.button if b.label == "Import entries").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "a refused file must be explained"
    assert at.error[0].value.startswith("Nothing was imported")
    assert stored_count(app_env) == 0


@pytest.mark.parametrize(
    "link",
    ["garbage", "1~", "1~bridge.99.99.999.999", "1~" + "a" * 3000, "<script>", "1~%00"],
)
def test_a_broken_share_link_on_the_routine_page_is_a_message_not_a_traceback(app_env, link):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.query_params[routine.SHARE_PARAM] = link
    at.switch_page("pages/3_Routine_builder.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("damaged or out of date" in e.value for e in at.error)
