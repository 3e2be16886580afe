"""Pain diary page in AppTest: quick entry, edit, delete and undo, import, storage modes."""

from __future__ import annotations

import sys
import types
from datetime import datetime

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from backcare import records, storage
from backcare.diary.frames import FRAME_COLUMNS
from backcare.diary.io import to_json
from backcare.diary.model import Entry
from backcare.routine import Profile, build_routine
from backcare.screening import peg_result, triage
from backcare.ui.diary_widgets import PAIN_COLUMN
from backcare.ui.state import CHOSEN_ENTRY_KEY
from tests.helpers import APP, click, keep, quick_key, table_value

DIARY = "pages/4_Pain_diary.py"
ABOUT = "pages/5_About_and_privacy.py"


def open_diary() -> AppTest:
    """A new visitor: a fresh session on the home page, then the diary."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page(DIARY).run()
    return at


@pytest.fixture
def page(app) -> AppTest:
    app.switch_page(DIARY).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def quick_entry(at: AppTest, pain: int | None, **toggles: bool) -> AppTest:
    if pain is not None:
        at.segmented_control(key=quick_key(at, "pain")).set_value(pain)
    for key, value in toggles.items():
        at.toggle(key=quick_key(at, key)).set_value(value)
    return click(at, "Save entry")


def table(at: AppTest):
    """The entries table (the first table of the page), with a plain "Pain" column."""
    return table_value(at.table[0]).rename(columns={PAIN_COLUMN: "Pain"})


def test_quick_entry_saves_pain_and_one_tap_answers(page, sql_store):
    quick_entry(page, 6, flare=True, exercised=True)
    assert page.success[0].value.startswith("Saved:")
    assert "pain 6" in page.success[0].value
    rows = table(page)
    assert list(rows["Pain"]) == [6]
    assert list(rows["Marked"]) == ["flare, exercises"]
    (saved,) = sql_store.list("local")
    assert (saved.pain, saved.flare, saved.medication_taken, saved.exercised) == (
        6,
        True,
        False,
        True,
    )
    assert abs((datetime.now() - saved.timestamp).total_seconds()) < 120


def test_save_without_a_pain_score_asks_for_one_and_keeps_what_was_typed(page, sql_store):
    page.text_area(key=quick_key(page, "note")).set_value("stiff after the drive")
    quick_entry(page, None, flare=True)
    assert "Choose your pain" in page.error[0].value
    assert sql_store.count("local") == 0
    assert page.text_area(key=quick_key(page, "note")).value == "stiff after the drive"
    assert page.toggle(key=quick_key(page, "flare")).value is True
    quick_entry(page, 5)
    assert sql_store.list("local")[0].note == "stiff after the drive"
    # After a save the form is fresh for the next entry.
    assert page.text_area(key=quick_key(page, "note")).value == ""
    assert page.toggle(key=quick_key(page, "flare")).value is False
    assert page.segmented_control(key=quick_key(page, "pain")).value is None


def test_detail_is_saved_and_the_note_is_plain_text(page, sql_store):
    note = "**bold** <script>alert(1)</script> ![x](http://127.0.0.1:9/p.png)"
    page.segmented_control(key=quick_key(page, "pain")).set_value(3)
    page.multiselect(key=quick_key(page, "where")).set_value(["lower back", "left leg"])
    page.number_input(key=quick_key(page, "sleep")).set_value(6.5)
    page.number_input(key=quick_key(page, "pegp")).set_value(5)
    page.text_area(key=quick_key(page, "note")).set_value(note)
    click(page, "Save entry")
    (saved,) = sql_store.list("local")
    assert saved.locations == frozenset({"lower back", "left leg"})
    assert saved.sleep_hours == 6.5 and saved.peg_pain == 5
    assert saved.note == note
    assert list(table(page)["Note"]) == [note]
    assert not any("alert" in m.value or "p.png" in m.value for m in page.markdown)


def test_several_entries_a_day_and_same_as_last(page, sql_store):
    quick_entry(page, 7, medtaken=True)
    click(page, "Same as last entry")
    quick_entry(page, 2)
    # Entries made within one second tie on time, so compare without order.
    assert sorted(table(page)["Pain"]) == [2, 7, 7]
    sevens = [e for e in sql_store.list("local") if e.pain == 7]
    assert len(sevens) == 2 and all(e.medication_taken for e in sevens)
    assert sevens[0].id != sevens[1].id


def test_same_as_last_is_off_on_an_empty_diary(page):
    (button,) = [b for b in page.button if b.label == "Same as last entry"]
    assert button.disabled


def test_edit_changes_an_entry(page, sql_store):
    quick_entry(page, 5)
    (entry,) = sql_store.list("local")
    page.selectbox(key=CHOSEN_ENTRY_KEY).set_value(entry.id).run()
    page.segmented_control(key=f"diary_edit_pain_{entry.id}").set_value(3)
    page.text_area(key=f"diary_edit_{entry.id}_note").set_value("better after a walk")
    click(page, "Save changes")
    assert page.success[0].value.startswith("Changed:")
    (changed,) = sql_store.list("local")
    assert (changed.id, changed.pain, changed.note) == (entry.id, 3, "better after a walk")
    assert changed.timestamp == entry.timestamp


def test_delete_asks_first_and_can_be_undone(page, sql_store):
    sql_store.add(Entry(datetime(2024, 2, 1, 7), 4))
    newest = sql_store.add(Entry(datetime(2024, 2, 1, 9), 8))
    page.run()
    page.selectbox(key=CHOSEN_ENTRY_KEY).set_value(newest.id).run()
    click(page, "Delete this entry")
    assert "Delete the entry" in page.warning[0].value
    click(page, "No, keep it")
    assert sql_store.count("local") == 2
    click(page, "Delete this entry")
    click(page, "Yes, delete it")
    assert [e.pain for e in sql_store.list("local")] == [4]
    assert list(table(page)["Pain"]) == [4]
    click(page, "Undo delete")
    assert sql_store.list("local")[-1] == newest
    assert page.success[0].value == "The entry is back."
    assert not [b for b in page.button if b.label == "Undo delete"]


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="diary_upload").set_value((name, data, "text/csv")).run()
    return click(at, "Import entries")


def test_import_errors_are_listed_by_row_and_nothing_is_written(page, sql_store):
    data = b"date,pain,note\n2024-01-01,3,ok\n2024-01-02,12,\nlast tuesday,4,\n2099-01-01,1,\n"
    upload(page, "mine.csv", data)
    assert page.error[0].value.startswith("Nothing was imported")
    problems = table_value(page.table[-1])
    assert list(problems["Row"]) == ["3", "4", "5"]
    assert "outside 0-10" in problems["Problem"][0]
    assert "unreadable date" in problems["Problem"][1]
    assert "future" in problems["Problem"][2]
    assert sql_store.count("local") == 0


def test_a_good_import_says_how_many_were_added_and_skipped(page, sql_store):
    data = b"date,pain,note\n2024-01-01 08:00,3,ok\n2024-01-02 09:00,5,\n"
    upload(page, "mine.csv", data)
    assert page.success[0].value == "Imported 2 entries; skipped 0 already in your diary."
    upload(page, "mine.csv", data)
    assert page.success[0].value == "Imported 0 entries; skipped 2 already in your diary."
    assert sql_store.count("local") == 2


def test_a_json_export_imports_back(page, sql_store):
    sql_store.add(Entry(datetime(2024, 2, 1, 7), 4, note="from json"))
    exported = to_json(sql_store.list("local"))
    sql_store.delete_all("local")
    page.file_uploader(key="diary_upload").set_value(("d.json", exported, "application/json"))
    page.run()
    click(page, "Import entries")
    assert page.success[0].value.startswith("Imported 1 entry")
    assert sql_store.list("local")[0].note == "from json"


def test_the_storage_notice_shows_the_diary_file(page):
    assert "saved on this computer" in page.info[0].value
    assert page.code[0].value == str(storage.data_dir() / storage.DB_FILENAME)


def test_session_mode_keeps_entries_in_the_tab_and_writes_no_file(monkeypatch, tmp_path):
    monkeypatch.setenv("BACKCARE_STORAGE", "session")
    at = open_diary()
    assert "this browser tab only" in at.info[0].value
    quick_entry(at, 5)
    assert list(table(at)["Pain"]) == [5]
    assert not (tmp_path / "data").exists()
    # A new visitor (a new AppTest is a new session) sees an empty diary.
    other = open_diary()
    assert not other.table
    assert "No entries yet" in " ".join(m.value for m in other.markdown)


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"BACKCARE_DATABASE_URL": "sqlite:///{tmp}/notadb.sqlite3"}, "not a BackCare diary file"),
        ({"BACKCARE_DATABASE_URL": "nosuchdriver://x/y"}, "driver is not installed"),
        ({"BACKCARE_STORAGE": "cloud"}, "'sql', 'session', 'browser' or 'accounts'"),
    ],
)
def test_a_diary_that_cannot_be_opened_falls_back_to_the_tab(monkeypatch, tmp_path, env, words):
    (tmp_path / "notadb.sqlite3").write_bytes(b"plain text, not a database" * 40)
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    at = open_diary()
    assert not at.exception
    assert "could not be opened" in at.warning[0].value
    assert words in at.text[0].value
    quick_entry(at, 2)
    assert list(table(at)["Pain"]) == [2]
    # Even once the database is fixed, this tab keeps its own entries in view.
    for name in env:
        monkeypatch.delenv(name)
    at.run()
    assert "could not be opened" in at.warning[0].value
    assert list(table(at)["Pain"]) == [2]


@pytest.mark.parametrize(("page", "key"), [(ABOUT, "about"), (DIARY, "diary")])
def test_delete_everything_deletes_entries_results_and_kept_records(app, sql_store, page, key):
    sql_store.add(Entry(datetime(2024, 2, 1, 7), 4))
    keep(
        triage=triage({"night_pain"}, age=50),
        questionnaires=[peg_result(5, 5, 5)],
        routine=build_routine(Profile(age=50)),
        checked=True,
    )
    app.switch_page(page).run()
    assert not app.exception
    assert any("Your warning-sign check: Urgent" in w.value for w in app.warning)
    (delete,) = [b for b in app.button if b.label == "Delete everything"]
    assert delete.disabled
    app.checkbox(key=f"{key}_sure").check().run()
    click(app, "Delete everything")
    assert "Deleted 1 entry and every result, check and routine" in app.success[0].value
    assert sql_store.count("local") == 0
    assert sql_store.screenings("local") == []
    assert all(sql_store.records("local", kind) == [] for kind in records.KINDS)
    app.run()
    assert not any("Your warning-sign check" in w.value for w in app.warning)


def test_about_page_says_where_things_are_kept(app):
    app.switch_page(ABOUT).run()
    assert not app.exception
    assert app.code[0].value == str(storage.data_dir() / storage.DB_FILENAME)
    assert "Where your things are kept" in [h.value for h in app.header]
    assert app.info[0].value.startswith("Your diary, results and routine are saved on this")


def test_saved_screening_results_are_listed(app, sql_store):
    sql_store.add_screening("local", "oswestry", datetime(2024, 2, 1, 9), 32, {})
    sql_store.add_screening("local", "psfs", datetime(2024, 2, 2, 9), 14 / 3, {})
    app.switch_page(DIARY).run()
    assert "Saved screening results" in [s.value for s in app.subheader]
    screenings = table_value(app.table[-1])
    assert list(screenings["Questionnaire"]) == ["PSFS", "Oswestry"]
    assert list(screenings["Score"]) == ["4.7", "32%"]  # as the screen shows them
    assert list(screenings["Date"]) == ["2 Feb 2024", "1 Feb 2024"]


@pytest.fixture
def fake_charts(monkeypatch):
    """Stand-in for backcare.ui.diary_charts: records the frames the page hands it."""
    calls: list[tuple] = []
    module = types.ModuleType("backcare.ui.diary_charts")

    def render_diary_charts(entries, events, screenings, session_days=()):
        calls.append((entries, events, screenings))
        st.write(f"fake charts: {len(entries)} entries")

    module.render_diary_charts = render_diary_charts
    monkeypatch.setitem(sys.modules, "backcare.ui.diary_charts", module)
    return calls


def test_the_charts_get_contract_frames_that_follow_every_change(fake_charts, app, sql_store):
    sql_store.add_event("local", datetime(2024, 2, 2).date(), "Routine started")
    sql_store.add_screening("local", "peg", datetime(2024, 2, 3, 9), 6.0, {})
    app.switch_page(DIARY).run()
    entries, events, screenings = fake_charts[-1]
    assert entries.empty
    assert dict(entries.dtypes.astype(str)) == FRAME_COLUMNS
    assert list(events["label"]) == ["Routine started", "Screening done"]
    assert list(screenings["instrument"]) == ["peg"]
    quick_entry(app, 6, flare=True)
    entries = fake_charts[-1][0]
    assert list(entries["pain"]) == [6] and list(entries["flare"]) == [True]
    assert "fake charts: 1 entries" in [m.value for m in app.markdown]


def test_tab_only_charts_follow_every_change_too(fake_charts, monkeypatch):
    monkeypatch.setenv("BACKCARE_STORAGE", "session")
    at = open_diary()
    assert fake_charts[-1][0].empty
    quick_entry(at, 4)
    quick_entry(at, 6)
    assert sorted(fake_charts[-1][0]["pain"]) == [4, 6]


def test_about_page_in_session_mode_says_this_tab_only(monkeypatch):
    monkeypatch.setenv("BACKCARE_STORAGE", "session")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page(ABOUT).run()
    assert not at.exception
    assert "this browser tab only" in at.info[0].value
    assert not at.code


def test_a_file_that_is_not_text_is_refused_with_a_reason(page, sql_store):
    upload(page, "photo.csv", b"\xff\xd8\xff\xe0 not a diary")
    assert page.error[0].value.startswith("Nothing was imported")
    problems = table_value(page.table[-1])
    assert list(problems["Row"]) == ["whole file"]
    assert "not UTF-8 text" in problems["Problem"][0]
    assert sql_store.count("local") == 0


def _older_diary(sql_store, count: int = 45) -> list[Entry]:
    """``count`` entries, one a day at 08:00 up to yesterday, each with its own pain."""
    from datetime import timedelta

    start = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0)
    made = [
        Entry(start - timedelta(days=count - n), n % 11, note=f"day {n}", owner="local")
        for n in range(count)
    ]
    sql_store.add_many(made)
    return made


def test_older_entries_can_be_reached_page_by_page(app, sql_store):
    """Issue 17: any entry can be found, not only the latest 20."""
    made = _older_diary(sql_store)
    app.switch_page(DIARY).run()
    assert len(table(app)) == 20
    assert table(app)["Note"].iloc[0] == "day 44"
    click(app, "Older entries")
    click(app, "Older entries")
    notes = list(table(app)["Note"])
    assert notes == [f"day {n}" for n in range(4, -1, -1)]
    assert next(b for b in app.button if b.label == "Older entries").disabled
    assert any("Entries 41 to 45" in c.value for c in app.caption)
    # The oldest entry can be changed from here.
    oldest = made[0]
    app.selectbox(key=CHOSEN_ENTRY_KEY).set_value(oldest.id).run()
    app.text_area(key=f"diary_edit_{oldest.id}_note").set_value("found it")
    click(app, "Save changes")
    assert sql_store.get("local", oldest.id).note == "found it"
    click(app, "Newer entries")
    click(app, "Newer entries")
    assert table(app)["Note"].iloc[0] == "day 44"


def test_a_day_shows_its_entries_and_the_ones_before(app, sql_store):
    from backcare.ui.diary_widgets import ENTRIES_UNTIL_KEY

    made = _older_diary(sql_store)
    app.switch_page(DIARY).run()
    day = made[10].timestamp.date()
    app.date_input(key=ENTRIES_UNTIL_KEY).set_value(day).run()
    assert not app.exception
    assert list(table(app)["Note"])[:2] == ["day 10", "day 9"]
    assert len(table(app)) == 11
    app.selectbox(key=CHOSEN_ENTRY_KEY).set_value(made[3].id).run()
    click(app, "Delete this entry")
    click(app, "Yes, delete it")
    assert sql_store.count("local") == len(made) - 1
    assert "day 3" not in list(table(app)["Note"])
